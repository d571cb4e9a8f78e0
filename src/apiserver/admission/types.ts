/**
 * What every admission plugin shares: the plugin shape (a name plus `mutate` and/or `validate`,
 * as upstream's admission.MutationInterface / ValidationInterface), the context a plugin is built
 * with (a lazy accessor to the API server's watch caches, the clock, the logger), upstream's
 * Forbidden wording (admission.NewForbidden), and the conventions by which plugins hand warnings
 * and audit annotations back to the request (`a.warnings`, `a.auditAnnotations`).
 */
import { StatusError } from '../../apimachinery/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { AdmissionAttributes } from '../auth/types.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { KObject, ResourceDef } from '../registry/resource.js';

/** The part of the API server plugins read from: the generic store (and its watch cache) of a resource. */
export interface ApiAccess {
  storeFor(group: string, plural: string): GenericStore | undefined;
  /** The resources served (ApiServer.resources), to find a paramKind's resource; optional. */
  readonly resources?: readonly ResourceDef[];
}

/** What a plugin is built with. `api` is lazy: the chain exists before the ApiServer does. */
export interface PluginContext {
  api: () => ApiAccess;
  clock: Clock;
  log: Logger;
}

/**
 * One admission plugin. `mutate` runs in the mutating phase (after defaulting, before
 * validation) and may change `a.object`; `validate` runs after validation and may only refuse.
 * Either refuses by throwing a StatusError. DELETE reaches only `validate` (as the generic store
 * calls it).
 */
export interface AdmissionPlugin {
  readonly name: string;
  mutate?(a: AdmissionAttributes): Promise<void> | void;
  validate?(a: AdmissionAttributes): Promise<void> | void;
}

/** Builds a plugin from its context: one line per plugin in the chain's registry table. */
export type PluginFactory = (ctx: PluginContext) => AdmissionPlugin;

/**
 * What admission hands back besides a verdict. The chain writes into these optional fields of the
 * attributes object it was given: whoever builds the attributes (the generic store) may preset
 * `warnings` to an array it later sends as `Warning` headers, and `auditAnnotations` to a map the
 * audit log records.
 */
export interface AdmissionOutputs {
  /** Warning texts for the client (HTTP `Warning: 299 - "<text>"`). */
  warnings?: string[];
  /** Audit annotations (`pod-security.kubernetes.io/audit-violations`, `<webhook>/<key>` …). */
  auditAnnotations?: Record<string, string>;
}

/** Attributes as plugins see them: the request plus the output fields. */
export type Attributes = AdmissionAttributes & AdmissionOutputs;

/** Adds a warning for the client (deduplicated, as upstream's warning recorder). */
export function addWarning(a: AdmissionAttributes, text: string): void {
  const out = a as Attributes;
  const list = (out.warnings ??= []);
  if (!list.includes(text)) list.push(text);
}

/** Records an audit annotation; the first value for a key wins, as upstream's AddAnnotation. */
export function addAuditAnnotation(a: AdmissionAttributes, key: string, value: string): void {
  const out = a as Attributes;
  const map = (out.auditAnnotations ??= {});
  if (!(key in map)) map[key] = value;
}

/** `pods`, `deployments.apps`: the resource as upstream's GroupResource.String(). */
export function qualifiedResource(a: AdmissionAttributes): string {
  return a.def.group ? `${a.def.plural}.${a.def.group}` : a.def.plural;
}

/**
 * The name admission errors use (extractResourceName): the request's name, else the object's
 * name or generateName, else `Unknown`.
 */
export function attributeName(a: AdmissionAttributes): string {
  if (a.name) return a.name;
  const m = a.object?.metadata;
  return m?.name || m?.generateName || 'Unknown';
}

/**
 * admission.NewForbidden: `<resource> "<name>" is forbidden: <why>` as a 403 with details naming
 * the resource; a Forbidden error passed in is returned as it is.
 */
export function admissionForbidden(a: AdmissionAttributes, why: string | StatusError): StatusError {
  if (why instanceof StatusError) {
    if (why.reason === 'Forbidden') return why;
    why = why.message;
  }
  const name = attributeName(a);
  const res = qualifiedResource(a);
  const subject = name ? `${res} "${name}"` : res;
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${why}`, {
    name,
    ...(a.def.group ? { group: a.def.group } : {}),
    kind: a.def.plural,
  });
}

/** Whether the request is for this group and resource (any version), optionally a subresource. */
export function isResource(a: AdmissionAttributes, group: string, plural: string): boolean {
  return a.def.group === group && a.def.plural === plural;
}

/** The parsed objects of a resource from the watch cache (never mutate them), optionally of one namespace. */
export function cachedObjects(api: ApiAccess, group: string, plural: string, namespace?: string): KObject[] {
  const gs = api.storeFor(group, plural);
  if (!gs) return [];
  const entries = namespace === undefined ? [...gs.cache.entries.values()] : gs.cache.select({ namespace });
  return entries.map((e) => e.obj);
}

/** One cached object by namespace and name (never mutate it), or undefined. */
export function cachedObject(api: ApiAccess, group: string, plural: string, namespace: string | undefined, name: string): KObject | undefined {
  const gs = api.storeFor(group, plural);
  if (!gs) return undefined;
  return gs.cache.entries.get(gs.key(namespace, name))?.obj;
}

/** The request's namespace; for a Namespace object itself, its own name (as upstream's attributes). */
export function requestNamespace(a: AdmissionAttributes): string {
  if (a.def.group === '' && a.def.plural === 'namespaces') return a.name;
  return a.namespace ?? '';
}

/** utilerrors.NewAggregate(...).Error(): one message as it is, several (deduplicated) as `[a, b]`. */
export function aggregateMessage(msgs: string[]): string {
  const seen = [...new Set(msgs)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}
