/**
 * RBAC's escalation prevention, as pkg/registry/rbac/{role,clusterrole,rolebinding,
 * clusterrolebinding}/policybased: a user may create or update a Role or ClusterRole only with
 * rules they already hold (through RBAC, in the role's namespace) unless they may `escalate` it,
 * and may bind a role only when they hold its rules unless they may `bind` it. Members of
 * system:masters may always. Refusals are 403 Forbidden worded as upstream:
 * `clusterroles.rbac.authorization.k8s.io "x" is forbidden: user "u" (groups=["g"]) is attempting
 * to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`.
 */
import { forbidden } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import type { UserInfo } from '../../endpoints/types.js';
import { RBAC_GROUP, type BindingObject, type PolicyRule, type RoleObject } from '../../registry/rbac/rules.js';
import type { KObject } from '../../registry/resource.js';
import type { Admission, AdmissionAttributes, Authorizer } from '../types.js';
import { policyIndexFor, type RbacLookup } from './policy-index.js';
import { compactRules, compactString, covers, goQuoteList } from './rules.js';

const MASTERS = 'system:masters';
const ROLE_KINDS = new Set(['roles', 'clusterroles']);
const BINDING_KINDS = new Set(['rolebindings', 'clusterrolebindings']);

/** What the aggregationRule of a ClusterRole requires: everything (fullAuthority upstream). */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** The 403 of a refused RBAC write: `<plural>.rbac.authorization.k8s.io "name" is forbidden: why`. */
function refused(plural: string, name: string, why: string) {
  const subject = name ? `${plural}.${RBAC_GROUP} "${name}"` : `${plural}.${RBAC_GROUP}`;
  return forbidden(`${subject} is forbidden: ${why}`, { name: name || undefined, group: RBAC_GROUP, kind: plural });
}

/** IsOnlyMutatingGCFields: an update touching only ownerReferences/finalizers needs no check. */
function onlyGcFields(obj: KObject, old: KObject): boolean {
  const strip = (o: KObject) => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = o.metadata ?? {};
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

/**
 * The escalation check as a validating admission plugin over the four RBAC resources (CREATE and
 * UPDATE, dry runs too). `authorize` is the server's full authorizer (for `escalate` and `bind`);
 * the rules a user holds come from RBAC alone, read through the same live index as the RBAC
 * authorizer of the API server `lookup` returns.
 */
export function rbacEscalationAdmission(authorize: Authorizer, lookup: RbacLookup): Admission {
  const allowedTo = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string): Promise<boolean> =>
    (await authorize({ user, verb, isResourceRequest: true, path: '', apiGroup: RBAC_GROUP, apiVersion: '*', resource, namespace: namespace || undefined, name: name || undefined })).allowed;

  /** ConfirmNoEscalation: the user's RBAC rules in `namespace` must cover `rules`. */
  const confirmNoEscalation = (user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined => {
    const src = lookup();
    const held = src ? policyIndexFor(src).rulesFor(user, namespace) : { rules: [], errors: ['the API server is not running'] };
    const { covered, missing } = covers(held.rules, rules);
    if (covered) return undefined;
    const lines = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
    if (held.errors.length) msg += `; resolution errors: [${held.errors.join(' ')}]`;
    return msg;
  };

  const checkRole = async (a: AdmissionAttributes, plural: string, role: RoleObject): Promise<void> => {
    const namespace = plural === 'roles' ? (a.namespace ?? '') : '';
    // RoleEscalationAuthorized: the request's name (none on create, as upstream's RequestInfo).
    if (await allowedTo(a.user, 'escalate', plural, namespace, a.operation === 'CREATE' ? '' : a.name)) return;
    if (a.operation === 'UPDATE' && a.oldObject && onlyGcFields(role, a.oldObject)) return;
    const why = confirmNoEscalation(a.user, namespace, role.rules ?? []);
    if (why) throw refused(plural, a.name, why);
    const old = a.oldObject as RoleObject | undefined;
    const aggregates = plural === 'clusterroles' && (!!role.aggregationRule || !!old?.aggregationRule);
    if (aggregates && confirmNoEscalation(a.user, '', FULL_AUTHORITY)) throw refused(plural, a.name, 'must have cluster-admin privileges to use the aggregationRule');
  };

  const checkBinding = async (a: AdmissionAttributes, plural: string, binding: BindingObject): Promise<void> => {
    if (a.operation === 'UPDATE' && a.oldObject && onlyGcFields(binding, a.oldObject)) return;
    const namespace = plural === 'rolebindings' ? (a.namespace ?? '') : '';
    const ref = binding.roleRef ?? {};
    // BindingAuthorized: `bind` on the referenced role, in the binding's namespace.
    const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : '';
    if (resource && (await allowedTo(a.user, 'bind', resource, namespace, ref.name ?? ''))) return;
    const src = lookup();
    const rules = src ? policyIndexFor(src).roleRules(ref.kind ?? '', ref.name ?? '', namespace) : 'the API server is not running';
    if (typeof rules === 'string') throw refused(plural, a.name, rules);
    const why = confirmNoEscalation(a.user, namespace, rules);
    if (why) throw refused(plural, a.name, why);
  };

  return {
    mutate: async () => {},
    async validate(a) {
      if (a.def.group !== RBAC_GROUP || (a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !a.object || a.subresource) return;
      const plural = a.def.plural;
      if (!ROLE_KINDS.has(plural) && !BINDING_KINDS.has(plural)) return;
      // EscalationAllowed: system:masters may do anything (the API server's own loopback identity).
      if (a.user.groups.includes(MASTERS)) return;
      if (ROLE_KINDS.has(plural)) await checkRole(a, plural, a.object as RoleObject);
      else await checkBinding(a, plural, a.object as BindingObject);
    },
  };
}
