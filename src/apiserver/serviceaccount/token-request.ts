/**
 * `POST …/serviceaccounts/<name>/token`: the TokenRequest API (what `kubectl create token` and
 * the kubelet's projected volumes call), as upstream's TokenREST.Create in
 * pkg/registry/core/serviceaccount/storage/token.go:
 * metadata.name/namespace must match the URL's when given (422), a given metadata.uid the service
 * account's (409); spec.audiences default to the API audiences and spec.expirationSeconds to one
 * hour; ValidateTokenRequest (10 minutes to 2^32 seconds, 422 on TokenRequest ""); a
 * boundObjectRef must name an existing Pod (running as this service account), Secret or Node
 * with the given UID (404 / 400 / 409); longer than --service-account-max-token-expiration is
 * shortened; a pod-bound request for exactly 3607 s with API audiences is extended (warnafter).
 * The answer is the request with status.token and status.expirationTimestamp (RFC 3339).
 */
import { badRequest, conflict, invalid, notFound, type FieldError } from '../../apimachinery/errors.js';
import { rfc3339 } from '../../lib/clock.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../registry/resource.js';
import { DEFAULT_EXPIRATION_SECONDS, MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS, WARN_ONLY_EXPIRATION_SECONDS, type BoundObject, type ObjectRef, type TokenIssuer } from './issuer.js';
import { getCached, type StoreLookup } from './lookup.js';

/** The kind subresource `token` answers with, for discovery. */
export const TOKEN_REQUEST_KIND = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } as const;

const GROUP = TOKEN_REQUEST_KIND.group;

/** authentication.k8s.io/v1 TokenRequest as JSON (nulls as kubectl ≤1.31 sends them). */
export interface TokenRequest extends KObject {
  spec?: {
    audiences?: string[] | null;
    expirationSeconds?: number | null;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
  } | null;
  status?: unknown;
}

/** The action's input, as ResourceStrategy.subresourceActions passes it. */
type ActionContext = Parameters<NonNullable<ResourceStrategy['subresourceActions']>[string]>[0];

/**
 * The issuer a TokenRequest signs with, or how to get it: a cluster whose signing key is made on
 * first use (see LazySigningKey) hands a function, awaited when a token is requested.
 */
export type IssuerSource = TokenIssuer | (() => Promise<TokenIssuer>);

/**
 * A copy of the serviceaccounts resource that serves the `token` subresource with `issuer`;
 * `lookup` reads bound pods, secrets and nodes (give the ApiServer the copy is registered with).
 */
export function withTokenRequest(def: ResourceDef, issuer: IssuerSource, lookup: () => StoreLookup | undefined): ResourceDef {
  return {
    ...def,
    subresourceKinds: { ...def.subresourceKinds, token: { ...TOKEN_REQUEST_KIND } },
    strategy: {
      ...def.strategy,
      subresourceActions: { ...def.strategy.subresourceActions, token: tokenRequestAction(issuer, lookup) },
    },
  };
}

const fieldInvalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** ValidateTokenRequest (pkg/apis/authentication/validation). */
export function validateTokenRequest(req: TokenRequest): FieldError[] {
  const errs: FieldError[] = [];
  const exp = req.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (exp < MIN_EXPIRATION_SECONDS) errs.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'));
  if (exp > MAX_EXPIRATION_SECONDS) errs.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

/** GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap". */
function gvkString(group: string, version: string, kind: string): string {
  return `${group}/${version}, Kind=${kind}`;
}

/** The `token` subresource action: validates, resolves the bound object, issues, answers. */
export function tokenRequestAction(source: IssuerSource, lookup: () => StoreLookup | undefined): (ctx: ActionContext) => Promise<KObject> {
  return async ({ obj: sa, body, now }) => {
    const issuer = typeof source === 'function' ? await source() : source;
    const name = sa.metadata?.name ?? '';
    const namespace = sa.metadata?.namespace ?? '';
    const saUid = sa.metadata?.uid ?? '';
    const req = structuredClone(body) as TokenRequest;
    if (req.kind && req.kind !== TOKEN_REQUEST_KIND.kind) throw badRequest(`the body of the request must be a TokenRequest, not ${req.kind}`);
    if (req.metadata !== undefined && (req.metadata === null || typeof req.metadata !== 'object')) throw badRequest('metadata must be an object');
    const spec = req.spec && typeof req.spec === 'object' ? req.spec : {};
    if (spec.audiences != null && (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string'))) throw badRequest('spec.audiences must be a list of strings');
    if (spec.expirationSeconds != null && !Number.isInteger(spec.expirationSeconds)) throw badRequest('spec.expirationSeconds must be an integer');
    const meta = req.metadata ?? {};

    if (meta.name && meta.name !== name) throw invalid(TOKEN_REQUEST_KIND.kind, GROUP, name, [fieldInvalid('metadata.name', meta.name, 'must match the service account name if specified')]);
    if (meta.namespace && meta.namespace !== namespace) throw invalid(TOKEN_REQUEST_KIND.kind, GROUP, name, [fieldInvalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
    if (meta.uid && meta.uid !== saUid) throw conflict({ group: GROUP, resource: TOKEN_REQUEST_KIND.kind }, name, `the UID in the token request (${meta.uid}) does not match the UID of the service account (${saUid})`);

    const audiences = spec.audiences?.length ? [...spec.audiences] : [...issuer.apiAudiences];
    let expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const out: TokenRequest = {
      kind: TOKEN_REQUEST_KIND.kind,
      apiVersion: `${GROUP}/${TOKEN_REQUEST_KIND.version}`,
      metadata: { name, namespace, uid: saUid, creationTimestamp: rfc3339(now) },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? undefined },
      status: {},
    };
    const errs = validateTokenRequest(out);
    if (errs.length) throw invalid(TOKEN_REQUEST_KIND.kind, GROUP, '', errs);

    const { bound, node } = resolveBoundObject(spec.boundObjectRef ?? undefined, name, namespace, lookup());

    if (issuer.maxExpirationSeconds && issuer.maxExpirationSeconds > 0 && expirationSeconds > issuer.maxExpirationSeconds) {
      // Upstream also sends a warning ("requested expiration of N seconds shortened to M seconds").
      expirationSeconds = issuer.maxExpirationSeconds;
      out.spec!.expirationSeconds = expirationSeconds;
    }
    let exp = expirationSeconds;
    let warnAfterSeconds: number | undefined;
    const kubeAudiences = audiences.every((a) => issuer.apiAudiences.includes(a));
    if (issuer.extendExpiration && bound?.kind === 'Pod' && expirationSeconds === WARN_ONLY_EXPIRATION_SECONDS && kubeAudiences) {
      warnAfterSeconds = expirationSeconds;
      exp = issuer.extendedExpirationSeconds;
    }
    const issued = issuer.issue({ namespace, serviceAccount: { name, uid: saUid }, audiences, expirationSeconds: exp, boundObject: bound, node, warnAfterSeconds, now });
    // As upstream, the status tells the requested lifetime even when the token was extended.
    out.status = { token: issued.token, expirationTimestamp: rfc3339(Math.floor(now / 1000) * 1000 + expirationSeconds * 1000) };
    if (!out.spec!.boundObjectRef) delete out.spec!.boundObjectRef;
    return out;
  };
}

/** Looks up spec.boundObjectRef (Pod, Secret or Node of the core group) and checks its UID. */
function resolveBoundObject(
  ref: NonNullable<NonNullable<TokenRequest['spec']>['boundObjectRef']> | undefined,
  saName: string,
  namespace: string,
  lookup: StoreLookup | undefined,
): { bound?: BoundObject; node?: ObjectRef } {
  if (!ref) return {};
  const apiVersion = ref.apiVersion ?? '';
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
  const kind = ref.kind ?? '';
  const refName = ref.name ?? '';
  const missing = (plural: string) => notFound({ group: '', resource: plural }, refName);
  let found: KObject | undefined;
  let node: ObjectRef | undefined;
  if (group === '' && kind === 'Pod') {
    found = refName ? getCached(lookup, 'pods', namespace, refName) : undefined;
    if (!found) throw missing('pods');
    const podSpec = (found.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if ((podSpec.serviceAccountName ?? '') !== saName) throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    if (podSpec.nodeName) {
      // A pod's node goes into the claims; when the Node is missing, its name alone (as upstream).
      const n = getCached(lookup, 'nodes', undefined, podSpec.nodeName);
      node = n?.metadata?.uid ? { name: podSpec.nodeName, uid: n.metadata.uid } : { name: podSpec.nodeName };
    }
  } else if (group === '' && kind === 'Node') {
    found = refName ? getCached(lookup, 'nodes', undefined, refName) : undefined;
    if (!found) throw missing('nodes');
  } else if (group === '' && kind === 'Secret') {
    found = refName ? getCached(lookup, 'secrets', namespace, refName) : undefined;
    if (!found) throw missing('secrets');
  } else {
    throw badRequest(`cannot bind token to object of type ${gvkString(group, version, kind)}`);
  }
  const uid = found.metadata?.uid ?? '';
  if (ref.uid && ref.uid !== uid)
    throw conflict({ group: '', resource: kind }, refName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  return { bound: { kind: kind as BoundObject['kind'], name: refName, uid }, node };
}
