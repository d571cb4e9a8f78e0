/**
 * authorization.k8s.io/v1 subjectaccessreviews, selfsubjectaccessreviews,
 * localsubjectaccessreviews and selfsubjectrulesreviews: create-only kinds answered by an
 * injected authorizer (pkg/registry/authorization), with ValidateSubjectAccessReview's rules
 * (exactly one of resourceAttributes / nonResourceAttributes, a user or group for SAR, empty
 * metadata). Without an authorizer, members of system:masters may do anything and everyone else
 * is told "no authorizer configured" — what `kubectl auth can-i` shows.
 */
import { badRequest, type FieldError } from '../../../apimachinery/errors.js';
import { invalid } from '../core/field-errors.js';
import type { KObject, ResourceDef, ResourceStrategy, ReviewContext } from '../resource.js';

/** The subject of a review. */
export type UserInfo = ReviewContext['user'];

/** What is asked about, as authorizer.AttributesRecord. */
export interface AuthorizationAttributes {
  verb: string;
  resourceRequest: boolean;
  namespace?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  path?: string;
  fieldSelector?: unknown;
  labelSelector?: unknown;
}

/** An authorizer's decision: allowed, explicitly denied, or neither (no opinion = not allowed). */
export interface AuthorizationDecision {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** Decides whether `user` may do `attrs`. */
export type Authorizer = (user: UserInfo, attrs: AuthorizationAttributes) => Promise<AuthorizationDecision>;

/** A policy rule as SelfSubjectRulesReview reports it. */
export interface RulesAnswer {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

/** Lists what `user` may do in `namespace`. */
export type RulesResolver = (user: UserInfo, namespace: string) => Promise<RulesAnswer>;

/** The reason given when no authorizer is wired. */
export const NO_AUTHORIZER = 'no authorizer configured';
const MASTERS = 'system:masters';

/** The default authorizer: system:masters may do anything, nobody else anything. */
export const mastersOnly: Authorizer = async (user) =>
  user.groups.includes(MASTERS) ? { allowed: true, reason: `allowed by membership in ${MASTERS}` } : { allowed: false, reason: NO_AUTHORIZER };

/** The default rules resolver, consistent with mastersOnly. */
export const mastersOnlyRules: RulesResolver = async (user) =>
  user.groups.includes(MASTERS)
    ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
    : { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: NO_AUTHORIZER };

interface AccessReview extends KObject {
  spec?: {
    resourceAttributes?: Record<string, unknown> & { namespace?: string; verb?: string };
    nonResourceAttributes?: { path?: string; verb?: string };
    user?: string;
    groups?: string[];
    uid?: string;
    extra?: Record<string, string[]>;
    namespace?: string;
  };
}

/** Metadata a review may carry: none (managedFields aside), or only a namespace for local reviews. */
function metadataErrors(meta: KObject['metadata'], allowNamespace: boolean): FieldError[] {
  const extra = Object.entries(meta ?? {}).filter(([k, v]) => v != null && k !== 'managedFields' && !(allowNamespace && k === 'namespace'));
  if (!extra.length) return [];
  return [invalid('metadata', meta, allowNamespace ? 'must be empty except for namespace' : 'must be empty')];
}

function specErrors(r: AccessReview, needSubject: boolean): FieldError[] {
  const spec = r.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) errs.push(invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (needSubject && !spec.user && !spec.groups?.length) errs.push(invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

/** authorizationutil.AuthorizationAttributesFrom. */
export function attributesFrom(spec: AccessReview['spec']): AuthorizationAttributes {
  const ra = spec?.resourceAttributes;
  if (ra) {
    const s = (k: string) => (typeof ra[k] === 'string' ? (ra[k] as string) : undefined);
    return { verb: s('verb') ?? '', resourceRequest: true, namespace: s('namespace'), group: s('group'), version: s('version'), resource: s('resource'), subresource: s('subresource'), name: s('name'), fieldSelector: ra.fieldSelector, labelSelector: ra.labelSelector };
  }
  return { verb: spec?.nonResourceAttributes?.verb ?? '', resourceRequest: false, path: spec?.nonResourceAttributes?.path ?? '' };
}

function statusOf(d: AuthorizationDecision): Record<string, unknown> {
  return { allowed: d.allowed, ...(d.denied ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}), ...(d.evaluationError ? { evaluationError: d.evaluationError } : {}) };
}

const base = { group: 'authorization.k8s.io', version: 'v1', verbs: ['create'] };
const validating = (validate: (r: AccessReview) => FieldError[]): ResourceStrategy => ({ validate: validate as ResourceStrategy['validate'] });

/**
 * The four authorization review resources answered by `authorize` and `rulesFor` (defaults:
 * mastersOnly / mastersOnlyRules). The server re-registers them when it has a real authorizer.
 */
export function authorizationReviews(authorize: Authorizer = mastersOnly, rulesFor: RulesResolver = mastersOnlyRules): ResourceDef[] {
  const answer = async (r: AccessReview, user: UserInfo): Promise<KObject> => {
    let d: AuthorizationDecision;
    try {
      d = await authorize(user, attributesFrom(r.spec));
    } catch (e) {
      d = { allowed: false, evaluationError: (e as Error).message };
    }
    return { ...r, status: statusOf(d) };
  };
  const subject = (spec: AccessReview['spec']): UserInfo => ({ name: spec?.user ?? '', uid: spec?.uid, groups: spec?.groups ?? [], extra: spec?.extra });
  return [
    {
      ...base,
      kind: 'LocalSubjectAccessReview',
      plural: 'localsubjectaccessreviews',
      singular: 'localsubjectaccessreview',
      namespaced: true,
      strategy: validating((r) => [...specErrors(r, true), ...metadataErrors(r.metadata, true)]),
      review(r: AccessReview, ctx) {
        const ns = ctx.namespace ?? '';
        if (!ns) throw badRequest(`namespace is required on this type: ${ns}`);
        if (r.spec?.resourceAttributes && (r.spec.resourceAttributes.namespace ?? '') !== ns) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`);
        return answer({ ...r, metadata: { ...r.metadata, namespace: ns } }, subject(r.spec));
      },
    },
    {
      ...base,
      kind: 'SelfSubjectAccessReview',
      plural: 'selfsubjectaccessreviews',
      singular: 'selfsubjectaccessreview',
      namespaced: false,
      strategy: validating((r) => [...specErrors(r, false), ...metadataErrors(r.metadata, false)]),
      review: (r: AccessReview, ctx) => answer(r, ctx.user),
    },
    {
      ...base,
      kind: 'SelfSubjectRulesReview',
      plural: 'selfsubjectrulesreviews',
      singular: 'selfsubjectrulesreview',
      namespaced: false,
      strategy: validating((r) => metadataErrors(r.metadata, false)),
      async review(r: AccessReview, ctx) {
        const ns = r.spec?.namespace ?? '';
        if (!ns) throw badRequest('no namespace on request');
        let status: RulesAnswer;
        try {
          status = await rulesFor(ctx.user, ns);
        } catch (e) {
          status = { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: (e as Error).message };
        }
        return { ...r, status };
      },
    },
    {
      ...base,
      kind: 'SubjectAccessReview',
      plural: 'subjectaccessreviews',
      singular: 'subjectaccessreview',
      namespaced: false,
      strategy: validating((r) => [...specErrors(r, true), ...metadataErrors(r.metadata, false)]),
      review: (r: AccessReview) => answer(r, subject(r.spec)),
    },
  ] as ResourceDef[];
}
