/**
 * The verbs on one resource, over the generic store: get, list, watch, create, update, patch,
 * delete, deletecollection, and the status, scale and namespace finalize subresources.
 */
import { badRequest, invalid, methodNotAllowed, notFound, StatusError } from '../../apimachinery/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../apimachinery/json.js';
import { applyStrategicMergePatch, supportsStrategicMerge } from '../../apimachinery/strategic-merge-patch.js';
import { applyJsonPatch, applyMergePatch } from '../../apimachinery/patch.js';
import { formatLabelSelector } from '../../apimachinery/labels.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../store/types.js';
import type { CacheEntry } from '../cache/entry.js';
import type { ClusterCache } from '../cache/cluster-cache.js';
import type { DeleteOptions, GenericStore } from '../registry/generic-store.js';
import { ALL_VERBS, groupVersion, type KObject, type ResourceDef } from '../registry/resource.js';
import { decodeBody, decodeObject, mediaType, negotiate } from './codec.js';
import { fieldValidationMode, validateFields, warningHeaders } from './field-validation.js';
import { compileFilter } from './filter.js';
import { fieldManager, type FieldManager } from './managed-fields.js';
import { listBody, listEntries } from './list.js';
import type { RequestInfo } from './request-info.js';
import { table, tableBody, tableRow, type IncludeObject } from './table.js';
import { listBodyText, type ApiListBody, type ApiRequest, type ApiResponse, type UserInfo } from './types.js';
import { convertingWatch } from '../registry/converting-watch.js';
import { openWatch } from './watch.js';

/** What the handlers need from the server around them. */
export interface HandlerEnv {
  store: Store;
  cache: ClusterCache;
  clock: Clock;
  /** The generic store of another resource, e.g. namespaces for the lifecycle check. */
  storeFor(group: string, plural: string): GenericStore | undefined;
}

export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Serves one request; a deprecated version adds its `Warning` to every answer (as upstream's crdHandler). */
export async function handleResource(env: HandlerEnv, gs: GenericStore, info: RequestInfo, req: ApiRequest): Promise<ApiResponse> {
  const res = await serveVerb(env, gs, info, req);
  const w = gs.def.deprecationWarning;
  if (w) res.headers.warning = [...warningHeaders([w]).warning!, ...[res.headers.warning ?? []].flat()];
  return res;
}

async function serveVerb(env: HandlerEnv, gs: GenericStore, info: RequestInfo, req: ApiRequest): Promise<ApiResponse> {
  const { def } = gs;
  const verbs = def.verbs ?? ALL_VERBS;
  if (!verbs.includes(info.verb === 'watch' ? 'watch' : info.verb)) throw methodNotAllowed();
  const ns = def.namespaced ? info.namespace : undefined;
  if (def.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb))
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  if (['get', 'update', 'patch', 'delete'].includes(info.verb) && !info.name) throw methodNotAllowed();
  const dryRun = parseDryRun(req.query);
  const sub = info.subresource;
  if (sub && !(sub === 'status' && def.subresources?.status) && !(sub === 'scale' && def.subresources?.scale) && !def.strategy.subresourceUpdates?.[sub] && !def.strategy.subresourceActions?.[sub])
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');

  switch (info.verb) {
    case 'get': {
      const e = await gs.view(gs.getEntry(ns, info.name!));
      if (sub === 'scale') return json(200, toScale(gs, e.obj));
      return renderOne(gs, e, req);
    }
    case 'list':
    case 'watch': {
      const filter = compileFilter(def, req.query, (f) => gs.cache.hasIndex(f), info.verb === 'watch' ? info.name : undefined);
      const rep = negotiate(req.headers.accept);
      if (info.verb === 'watch') {
        const now = () => env.clock.now();
        const include = includeObject(req.query);
        const render = rep === 'table' ? (e: CacheEntry) => JSON.stringify(table(def, [tableRow(def, e.obj, now(), include)], { resourceVersion: String(e.rev) })) : (e: CacheEntry) => e.json;
        const stream = convertingWatch(gs, render, (r) => openWatch({ gs, namespace: ns, filter, query: req.query, currentRev: () => env.cache.revision, render: r }));
        return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private' }, body: stream };
      }
      const listed = await listEntries(gs, env.store, (rev) => env.cache.waitFor(rev), () => env.cache.revision, ns, filter, req.query);
      const r = { ...listed, entries: await gs.viewAll(listed.entries) };
      let body: ApiListBody;
      if (rep === 'table') {
        const now = env.clock.now();
        const include = includeObject(req.query);
        body = tableBody(def, r.entries.map((e) => tableRow(def, e.obj, now, include)), { resourceVersion: String(r.resourceVersion), continue: r.continue, remainingItemCount: r.remainingItemCount });
      } else body = listBody(def, r);
      return { status: 200, headers: { 'content-type': body.contentType }, body: req.listParts ? body : listBodyText(body) };
    }
    case 'create': {
      const action = info.name && sub ? def.strategy.subresourceActions?.[sub] : undefined;
      if (action) {
        const body = decodeObject(req.body, req.headers['content-type']);
        const answer = await action({ obj: gs.getEntry(ns, info.name!).obj, body, user: req.user, now: env.clock.now(), dryRun, storeFor: env.storeFor });
        return json(answer.kind === 'Status' && typeof answer.code === 'number' ? answer.code : 201, answer);
      }
      if (info.name && sub && def.strategy.subresourceUpdates?.[sub]) {
        // A POST to a writable subresource (pods/binding): the body changes the stored object.
        const body = decodeObject(req.body, req.headers['content-type']);
        await gs.update(ns, info.name, () => body, { dryRun, subresource: sub, user: req.user });
        return json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      if (info.name) throw methodNotAllowed();
      const decoded = decodeObject(req.body, req.headers['content-type'], { apiVersion: groupVersion(def), kind: def.kind });
      checkKind(def, decoded);
      const { obj, warnings } = validateFields(def, decoded, fieldValidationMode(req.query));
      if (def.review) {
        const errs = def.strategy.validate?.(obj) ?? [];
        if (errs.length) throw invalid(def.kind, def.group, obj.metadata?.name ?? '', errs);
        const answer = await def.review(obj, { user: req.user, namespace: ns, now: env.clock.now() });
        return json(201, { ...answer, apiVersion: groupVersion(def), kind: def.kind }, warningHeaders(warnings));
      }
      if (def.namespaced) {
        const given = obj.metadata?.namespace;
        if (given && given !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        (obj.metadata ??= {}).namespace = ns;
        checkNamespaceLive(env, ns!, def, obj.metadata.name ?? '');
      }
      fieldManager(def, req, env.clock.now()).record(undefined, obj);
      const created = await gs.create(obj, { dryRun, user: req.user });
      return json(201, created, warningHeaders(warnings));
    }
    case 'update': {
      const decoded = decodeObject(req.body, req.headers['content-type'], { apiVersion: groupVersion(def), kind: def.kind });
      if (sub === 'scale') return json(200, await updateScale(gs, ns, info.name!, () => decoded, dryRun, fieldManager(def, req, env.clock.now()), req.user));
      checkKind(def, decoded);
      const { obj, warnings } = validateFields(def, decoded, fieldValidationMode(req.query));
      if (def.namespaced) {
        const given = obj.metadata?.namespace;
        if (given && given !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        (obj.metadata ??= {}).namespace = ns;
      }
      const fm = fieldManager(def, req, env.clock.now());
      const r = await gs.update(ns, info.name!, (cur) => {
        const next = structuredClone(obj);
        fm.record(cur, next, sub);
        return next;
      }, { dryRun, subresource: sub, allowCreate: def.allowCreateOnUpdate, user: req.user });
      return json(r.created ? 201 : 200, r.obj, warningHeaders(warnings));
    }
    case 'patch': {
      const type = mediaType(req.headers['content-type']);
      checkPatchType(def, type);
      const patch = decodeBody(req.body, type === 'application/apply-patch+yaml' ? type : 'application/json');
      if (patch === undefined) throw badRequest('the body of the request was empty');
      const mode = fieldValidationMode(req.query);
      let warnings: string[] = [];
      const apply = (cur: KObject) => {
        const checked = validateFields(def, applyPatch(def, type, cur, patch), mode);
        warnings = checked.warnings;
        return checked.obj;
      };
      if (sub === 'scale') return json(200, await updateScale(gs, ns, info.name!, (scale) => applyPatch(SCALE_GVK, type, scale, patch), dryRun, fieldManager(def, req, env.clock.now()), req.user));
      const isApply = type === 'application/apply-patch+yaml';
      if (isApply && !req.query.get('fieldManager'))
        throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', { kind: 'PatchOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
      if (isApply && def.namespaced) checkNamespaceLive(env, ns!, def, info.name!);
      const fm = fieldManager(def, req, env.clock.now());
      const force = req.query.get('force') === 'true';
      if (req.query.has('force') && !isApply) throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
      const r = await gs.update(ns, info.name!, (cur) => {
        if (isApply) {
          const applied = structuredClone(patch) as KObject;
          if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw badRequest('apply patch must be an object');
          checkKind(def, applied);
          const checked = validateFields(def, applied, mode);
          warnings = checked.warnings;
          const m = (checked.obj.metadata ??= {});
          if (def.namespaced) m.namespace = ns;
          if (m.name === undefined) m.name = info.name;
          return fm.apply(cur, checked.obj, force, sub);
        }
        if (!cur) throw notFound({ group: def.group, resource: def.plural }, info.name!);
        const out = apply(cur);
        if (def.namespaced) (out.metadata ??= {}).namespace = ns;
        fm.record(cur, out, sub);
        return out;
      }, { dryRun, subresource: sub, allowCreate: isApply, user: req.user });
      return json(r.created ? 201 : 200, r.obj, warningHeaders(warnings));
    }
    case 'delete': {
      const opts = deleteOptions(req);
      const r = await gs.delete(ns, info.name!, { ...opts, dryRun, user: req.user });
      return json(200, r.obj);
    }
    case 'deletecollection': {
      const opts = deleteOptions(req);
      const filter = compileFilter(def, req.query, (f) => gs.cache.hasIndex(f));
      const r = await listEntries(gs, env.store, (rev) => env.cache.waitFor(rev), () => env.cache.revision, ns, filter, new URLSearchParams());
      const deleted: KObject[] = [];
      for (const e of r.entries) {
        try {
          deleted.push((await gs.delete(e.obj.metadata?.namespace, e.obj.metadata!.name!, { ...opts, dryRun, user: req.user })).obj);
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
      return json(200, { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata: { resourceVersion: String(env.cache.revision) }, items: deleted });
    }
    default:
      throw methodNotAllowed();
  }
}

function renderOne(gs: GenericStore, e: CacheEntry, req: ApiRequest): ApiResponse {
  const rep = negotiate(req.headers.accept);
  if (rep === 'table') {
    const now = Date.now();
    return json(200, table(gs.def, [tableRow(gs.def, e.obj, now, includeObject(req.query))], { resourceVersion: String(e.rev) }));
  }
  if (rep === 'partial-metadata') return json(200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: e.obj.metadata });
  return json(200, e.json);
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}

function parseDryRun(q: URLSearchParams): boolean {
  const all = q.getAll('dryRun');
  for (const v of all) if (v !== 'All') throw badRequest(`Invalid value: "${v}": dryRun: Unsupported value: "${v}": supported values: "All"`);
  return all.length > 0;
}

/** The object's kind and apiVersion must be this resource's (or absent, as client-node sends). */
function checkKind(def: ResourceDef, obj: KObject): void {
  const gv = groupVersion(def);
  for (const k of ['apiVersion', 'kind'] as const)
    if (obj[k] !== undefined && obj[k] !== null && typeof obj[k] !== 'string')
      throw badRequest(`json: cannot unmarshal ${Array.isArray(obj[k]) ? 'array' : typeof obj[k]} into Go struct field TypeMeta.${k} of type string`);
  if (obj.kind === null) delete obj.kind;
  if (obj.apiVersion === null) delete obj.apiVersion;
  if (obj.kind !== undefined && obj.kind !== def.kind)
    throw badRequest(`${obj.kind} in version "${(obj.apiVersion ?? '').split('/').pop()}" cannot be handled as a ${def.kind}: no kind "${obj.kind}" is registered for version "${gv}"`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
  obj.kind = def.kind;
  obj.apiVersion = gv;
}

/** NamespaceLifecycle: no new content in a missing or terminating namespace. */
function checkNamespaceLive(env: HandlerEnv, ns: string, def: ResourceDef, name: string): void {
  const nsStore = env.storeFor('', 'namespaces');
  if (!nsStore) return;
  const e = nsStore.cache.entries.get(nsStore.key(undefined, ns));
  if (!e) throw notFound({ group: '', resource: 'namespaces' }, ns);
  if ((e.obj.status as { phase?: string } | undefined)?.phase === 'Terminating' || e.obj.metadata?.deletionTimestamp) {
    const qualified = def.group ? `${def.plural}.${def.group}` : def.plural;
    throw new StatusError(403, 'Forbidden', `${qualified} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
      name,
      group: def.group || undefined,
      kind: def.plural,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

function deleteOptions(req: ApiRequest): DeleteOptions {
  const body = decodeBody(req.body, req.headers['content-type']) as Record<string, unknown> | undefined;
  const q = req.query;
  const opts: DeleteOptions = {};
  const grace = body?.gracePeriodSeconds ?? q.get('gracePeriodSeconds') ?? undefined;
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: "${String(grace)}"`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  let policy = (body?.propagationPolicy ?? q.get('propagationPolicy') ?? undefined) as string | undefined;
  const orphan = body?.orphanDependents ?? q.get('orphanDependents') ?? undefined;
  if (policy === undefined && orphan !== undefined && orphan !== null) policy = String(orphan) === 'true' ? 'Orphan' : 'Background';
  if (policy !== undefined) {
    if (!['Background', 'Foreground', 'Orphan'].includes(policy))
      throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  const pre = body?.preconditions as DeleteOptions['preconditions'] | undefined;
  if (pre) opts.preconditions = pre;
  return opts;
}

/** The patch media types, in the order kube-apiserver lists them in its 415 answer. */
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/strategic-merge-patch+json'];

/**
 * A PATCH whose content type is not a patch type the resource takes is 415 before the body is
 * read or the object is looked up, as upstream's PatchResource checks it first (custom resources
 * take no strategic merge patch).
 */
function checkPatchType(def: ResourceDef, type: string): void {
  const accepted = supportsStrategicMerge(def) ? PATCH_TYPES : PATCH_TYPES.slice(0, 3);
  if (accepted.includes(type)) return;
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

function applyPatch(gvk: { group: string; version: string; kind: string }, type: string, cur: KObject, patch: unknown): KObject {
  switch (type) {
    case 'application/json-patch+json':
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return applyJsonPatch(cur as JsonValue, patch) as KObject;
    case 'application/strategic-merge-patch+json':
      if (!isJsonObject(patch)) throw badRequest('patch body must be a JSON object');
      return applyStrategicMergePatch(gvk, cur as JsonObject, patch) as KObject;
    case 'application/merge-patch+json':
    case 'application/apply-patch+yaml':
      if (!isJsonObject(patch)) throw badRequest('patch body must be a JSON object');
      return applyMergePatch(cur as JsonValue, patch) as KObject;
    default:
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  }
}

const SCALE_GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

function getPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1]!] = v;
}

/** The autoscaling/v1 Scale view of an object with a scale subresource. */
function toScale(gs: GenericStore, obj: KObject): object {
  const sc = gs.def.subresources!.scale!;
  const raw = sc.labelSelectorPath ? getPath(obj, sc.labelSelectorPath) : undefined;
  // A LabelSelector, or (replicationcontrollers) a plain map of labels.
  const sel = raw && typeof raw === 'object' && !('matchLabels' in raw) && !('matchExpressions' in raw) ? { matchLabels: raw } : raw;
  const m = obj.metadata!;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (getPath(obj, sc.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, sc.statusReplicasPath) as number | undefined) ?? 0, ...(sel ? { selector: formatLabelSelector(sel as object) } : {}) },
  };
}

async function updateScale(gs: GenericStore, ns: string | undefined, name: string, change: (scale: KObject) => KObject, dryRun: boolean, fm: FieldManager, user: UserInfo): Promise<object> {
  const sc = gs.def.subresources!.scale!;
  const r = await gs.update(ns, name, (cur) => {
    if (!cur) throw notFound({ group: gs.def.group, resource: gs.def.plural }, name);
    const scale = change(toScale(gs, cur) as KObject) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
      throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, { name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' }] });
    const before = structuredClone(cur);
    setPath(cur as Record<string, unknown>, sc.specReplicasPath, replicas);
    fm.record(before, cur, 'scale');
    if (scale.metadata?.resourceVersion) cur.metadata!.resourceVersion = scale.metadata.resourceVersion;
    return cur;
  }, { dryRun, subresource: undefined, user });
  return toScale(gs, r.obj);
}
