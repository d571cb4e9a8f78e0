/**
 * The RBAC objects a Kubernetes 1.32 cluster starts with (bootstrappolicy: ClusterRoles,
 * ClusterRoleBindings, namespace Roles and RoleBindings, the controllers' roles), plus the few
 * `eks:` ones Amazon EKS adds. Written as data; created at start-up by the server (missing ones
 * only, like the RBAC bootstrap post-start hook with `autoupdate: "true"`).
 */
import { StatusError } from '../../../apimachinery/errors.js';
import { RBAC_GROUP, type PolicyRule, type RoleObject } from '../../registry/rbac/rules.js';
import type { KObject } from '../../registry/resource.js';
import { CONTROLLER_ROLE_BINDINGS, CONTROLLER_ROLES } from './bootstrap-controllers.js';
import { effectiveClusterRoleRules } from './policy-index.js';
import { clusterRole, clusterRoleBinding, EVENTS, group, READ, READ_WRITE, role, roleBinding, rule, serviceAccount, urls, user, WRITE } from './bootstrap-data.js';

const CORE = [''];
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const CERTS = ['certificates.k8s.io'];
const STORAGE = ['storage.k8s.io'];
const COORD = ['coordination.k8s.io'];
const APPROVERS: Record<string, string> = {
  'kube-apiserver-client-approver': 'kubernetes.io/kube-apiserver-client',
  'kube-apiserver-client-kubelet-approver': 'kubernetes.io/kube-apiserver-client-kubelet',
  'kubelet-serving-approver': 'kubernetes.io/kubelet-serving',
  'legacy-unknown-approver': 'kubernetes.io/legacy-unknown',
};

/** The rules of `system:node` (also the node authorizer's static rules, as NodeRules upstream). */
export const NODE_RULES = [
  rule('create', ['authentication.k8s.io'], 'tokenreviews'),
  rule('create', ['authorization.k8s.io'], 'localsubjectaccessreviews subjectaccessreviews'),
  rule(READ, CORE, 'services'),
  rule('create get list watch', CORE, 'nodes'),
  rule('patch update', CORE, 'nodes/status'),
  rule('patch update', CORE, 'nodes'),
  rule('create patch update', CORE, 'events'),
  rule(READ, CORE, 'pods'),
  rule('create delete', CORE, 'pods'),
  rule('patch update', CORE, 'pods/status'),
  rule('create', CORE, 'pods/eviction'),
  rule(READ, CORE, 'configmaps secrets'),
  rule('get', CORE, 'persistentvolumeclaims persistentvolumes'),
  rule('get', CORE, 'endpoints'),
  rule('create get list watch', CERTS, 'certificatesigningrequests'),
  rule('create delete get patch update', COORD, 'leases'),
  rule('get', STORAGE, 'volumeattachments'),
  rule('create', CORE, 'serviceaccounts/token'),
  rule('get patch update', CORE, 'persistentvolumeclaims/status'),
  rule(READ, STORAGE, 'csidrivers'),
  rule('create delete get patch update', STORAGE, 'csinodes'),
  rule(READ, ['node.k8s.io'], 'runtimeclasses'),
];

const leader = (name: string) => [rule('create', COORD, 'leases'), rule('get update', COORD, 'leases', name)];

/** The cluster-wide roles of bootstrappolicy.ClusterRoles(). */
export const CLUSTER_ROLES: KObject[] = [
  clusterRole('cluster-admin', [rule('*', ['*'], '*'), urls('*', '*')]),
  clusterRole('admin', [], { aggregateFrom: [`${AGG}admin`] }),
  clusterRole('edit', [], { aggregateFrom: [`${AGG}edit`], labels: { [`${AGG}admin`]: 'true' } }),
  clusterRole('view', [], { aggregateFrom: [`${AGG}view`], labels: { [`${AGG}edit`]: 'true' } }),
  clusterRole('system:aggregate-to-admin', [rule('create', ['authorization.k8s.io'], 'localsubjectaccessreviews'), rule(READ_WRITE, ['rbac.authorization.k8s.io'], 'rolebindings roles')], { labels: { [`${AGG}admin`]: 'true' } }),
  clusterRole(
    'system:aggregate-to-edit',
    [
      rule(READ, CORE, 'pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy'),
      rule('impersonate', CORE, 'serviceaccounts'),
      rule(WRITE, CORE, 'pods pods/attach pods/exec pods/portforward pods/proxy'),
      rule('create', CORE, 'pods/eviction'),
      rule(WRITE, CORE, 'configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services services/proxy'),
      rule('create', CORE, 'serviceaccounts/token'),
      rule(WRITE, ['apps'], 'daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale'),
      rule(WRITE, ['autoscaling'], 'horizontalpodautoscalers'),
      rule(WRITE, ['batch'], 'cronjobs jobs'),
      rule(WRITE, ['extensions'], 'daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies replicasets replicasets/scale replicationcontrollers/scale'),
      rule(WRITE, ['policy'], 'poddisruptionbudgets'),
      rule(WRITE, ['networking.k8s.io'], 'ingresses networkpolicies'),
      rule(READ_WRITE, COORD, 'leases'),
    ],
    { labels: { [`${AGG}edit`]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      rule(READ, CORE, 'configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status'),
      rule(READ, CORE, 'bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status'),
      rule(READ, CORE, 'namespaces'),
      rule(READ, ['discovery.k8s.io'], 'endpointslices'),
      rule(READ, ['apps'], 'controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status'),
      rule(READ, ['autoscaling'], 'horizontalpodautoscalers horizontalpodautoscalers/status'),
      rule(READ, ['batch'], 'cronjobs cronjobs/status jobs jobs/status'),
      rule(READ, ['extensions'], 'daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses ingresses/status networkpolicies replicasets replicasets/scale replicasets/status replicationcontrollers/scale'),
      rule(READ, ['policy'], 'poddisruptionbudgets poddisruptionbudgets/status'),
      rule(READ, ['networking.k8s.io'], 'ingresses ingresses/status networkpolicies'),
    ],
    { labels: { [`${AGG}view`]: 'true' } },
  ),
  clusterRole('system:auth-delegator', [rule('create', ['authentication.k8s.io'], 'tokenreviews'), rule('create', ['authorization.k8s.io'], 'subjectaccessreviews')]),
  clusterRole('system:basic-user', [rule('create', ['authorization.k8s.io'], 'selfsubjectaccessreviews selfsubjectrulesreviews'), rule('create', ['authentication.k8s.io'], 'selfsubjectreviews')]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule('create', CERTS, 'certificatesigningrequests/nodeclient')]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule('create', CERTS, 'certificatesigningrequests/selfnodeclient')]),
  ...Object.entries(APPROVERS).map(([name, signer]) => clusterRole(`system:certificates.k8s.io:${name}`, [rule('approve', CERTS, 'signers', signer)])),
  clusterRole('system:discovery', [urls('get', '/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/')]),
  clusterRole('system:heapster', [rule(READ, CORE, 'events namespaces nodes pods'), rule(READ, ['extensions'], 'deployments')]),
  clusterRole('system:kube-aggregator', [rule(READ, CORE, 'endpoints services')]),
  clusterRole('system:kube-controller-manager', [
    EVENTS,
    ...leader('kube-controller-manager'),
    rule('create', CORE, 'secrets serviceaccounts'),
    rule('delete', CORE, 'secrets'),
    rule('get', CORE, 'configmaps namespaces secrets serviceaccounts'),
    rule('update', CORE, 'secrets serviceaccounts'),
    rule('create', ['authentication.k8s.io'], 'tokenreviews'),
    rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
    rule('list watch', ['*'], '*'),
    rule('create', CORE, 'serviceaccounts/token'),
  ]),
  clusterRole('system:kube-dns', [rule('list watch', CORE, 'endpoints services')]),
  clusterRole('system:kube-scheduler', [
    EVENTS,
    ...leader('kube-scheduler'),
    rule(READ, CORE, 'nodes'),
    rule('delete get list watch', CORE, 'pods'),
    rule('create', CORE, 'bindings pods/binding'),
    rule('patch update', CORE, 'pods/status'),
    rule(READ, CORE, 'replicationcontrollers services'),
    rule(READ, ['apps', 'extensions'], 'replicasets'),
    rule(READ, ['apps'], 'statefulsets'),
    rule(READ, ['policy'], 'poddisruptionbudgets'),
    rule(READ, CORE, 'persistentvolumeclaims persistentvolumes'),
    rule('create', ['authentication.k8s.io'], 'tokenreviews'),
    rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
    rule(READ, STORAGE, 'csinodes'),
    rule(READ, CORE, 'namespaces'),
    rule(READ, STORAGE, 'csidrivers'),
    rule(READ, STORAGE, 'csistoragecapacities'),
  ]),
  clusterRole('system:kubelet-api-admin', [rule(READ, CORE, 'nodes'), rule('proxy', CORE, 'nodes'), rule('*', CORE, 'nodes/log nodes/metrics nodes/proxy nodes/stats')]),
  clusterRole('system:monitoring', [urls('get', '/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/*')]),
  clusterRole('system:node', NODE_RULES),
  clusterRole('system:node-bootstrapper', [rule('create get list watch', CERTS, 'certificatesigningrequests')]),
  clusterRole('system:node-problem-detector', [rule('get', CORE, 'nodes'), rule('patch', CORE, 'nodes/status'), EVENTS]),
  clusterRole('system:node-proxier', [rule('list watch', CORE, 'endpoints services'), rule(READ, CORE, 'nodes'), EVENTS, rule('list watch', ['discovery.k8s.io'], 'endpointslices')]),
  clusterRole('system:persistent-volume-provisioner', [
    rule('create delete get list watch', CORE, 'persistentvolumes'),
    rule('get list update watch', CORE, 'persistentvolumeclaims'),
    rule(READ, STORAGE, 'storageclasses'),
    rule('watch', CORE, 'events'),
    EVENTS,
  ]),
  clusterRole('system:public-info-viewer', [urls('get', '/healthz /livez /readyz /version /version/')]),
  clusterRole('system:service-account-issuer-discovery', [urls('get', '/.well-known/openid-configuration /openid/v1/jwks')]),
  clusterRole('system:volume-scheduler', [rule('get list patch update watch', CORE, 'persistentvolumes'), rule(READ, STORAGE, 'storageclasses'), rule('get list patch update watch', CORE, 'persistentvolumeclaims')]),
];

/** bootstrappolicy.ClusterRoleBindings(): system:node is bound to nobody (the node authorizer decides for nodes). */
export const CLUSTER_ROLE_BINDINGS: KObject[] = [
  clusterRoleBinding('cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
  clusterRoleBinding('system:discovery', [group('system:authenticated')]),
  clusterRoleBinding('system:kube-controller-manager', [user('system:kube-controller-manager')]),
  clusterRoleBinding('system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
  clusterRoleBinding('system:kube-scheduler', [user('system:kube-scheduler')]),
  clusterRoleBinding('system:monitoring', [group('system:monitoring')]),
  clusterRoleBinding('system:node', []),
  clusterRoleBinding('system:node-proxier', [user('system:kube-proxy')]),
  clusterRoleBinding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
  clusterRoleBinding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  clusterRoleBinding('system:volume-scheduler', [user('system:kube-scheduler')]),
];

const LEASE_LOCK = [rule('create get list update watch', COORD, 'leases'), rule('create get list update watch', COORD, 'leasecandidates')];

/** bootstrappolicy.NamespaceRoles() and NamespaceRoleBindings(). */
export const NAMESPACE_RBAC: KObject[] = [
  role('kube-public', 'system:controller:bootstrap-signer', [rule(READ, CORE, 'configmaps'), rule('update', CORE, 'configmaps', 'cluster-info'), EVENTS]),
  role('kube-system', 'extension-apiserver-authentication-reader', [rule(READ, CORE, 'configmaps', 'extension-apiserver-authentication')]),
  role('kube-system', 'system::leader-locking-kube-controller-manager', LEASE_LOCK),
  role('kube-system', 'system::leader-locking-kube-scheduler', LEASE_LOCK),
  role('kube-system', 'system:controller:bootstrap-signer', [rule(READ, CORE, 'secrets')]),
  role('kube-system', 'system:controller:cloud-provider', [rule('create get list watch', CORE, 'configmaps')]),
  role('kube-system', 'system:controller:token-cleaner', [rule('delete get list watch', CORE, 'secrets'), EVENTS]),
  roleBinding('kube-public', 'system:controller:bootstrap-signer', [serviceAccount('kube-system', 'bootstrap-signer')]),
  roleBinding('kube-system', 'system::extension-apiserver-authentication-reader', [user('system:kube-controller-manager'), user('system:kube-scheduler')], 'extension-apiserver-authentication-reader'),
  roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', [user('system:kube-controller-manager'), serviceAccount('kube-system', 'kube-controller-manager')]),
  roleBinding('kube-system', 'system::leader-locking-kube-scheduler', [user('system:kube-scheduler'), serviceAccount('kube-system', 'kube-scheduler')]),
  roleBinding('kube-system', 'system:controller:bootstrap-signer', [serviceAccount('kube-system', 'bootstrap-signer')]),
  roleBinding('kube-system', 'system:controller:cloud-provider', [serviceAccount('kube-system', 'cloud-provider')]),
  roleBinding('kube-system', 'system:controller:token-cleaner', [serviceAccount('kube-system', 'token-cleaner')]),
];

/**
 * Every bootstrap RBAC object of a Kubernetes 1.32 cluster: ClusterRoles (user-facing, system,
 * controllers), ClusterRoleBindings, and the kube-system / kube-public Roles and RoleBindings.
 * Create the missing ones at start (roles before bindings is the order given here).
 */
export const BOOTSTRAP_RBAC: KObject[] = [...CLUSTER_ROLES, ...CONTROLLER_ROLES, ...NAMESPACE_RBAC.filter((o) => o.kind === 'Role'), ...CLUSTER_ROLE_BINDINGS, ...CONTROLLER_ROLE_BINDINGS, ...NAMESPACE_RBAC.filter((o) => o.kind === 'RoleBinding')];

/**
 * What Amazon EKS adds to every cluster for its own components (per the EKS user guide's
 * troubleshooting pages): the managed-node-group manager and the node bootstrapper.
 */
export const EKS_BOOTSTRAP_RBAC: KObject[] = [
  clusterRole('eks:node-manager', [rule('delete get list watch', CORE, 'pods'), rule('get list patch watch', CORE, 'nodes'), rule('create', CORE, 'pods/eviction')]),
  clusterRole('eks:node-bootstrapper', [rule('create', CERTS, 'certificatesigningrequests/selfnodeserver')]),
  clusterRoleBinding('eks:node-manager', [user('eks:node-manager')]),
  clusterRoleBinding('eks:node-bootstrapper', [group('system:bootstrappers'), group('system:nodes')]),
];

/** The bootstrap object of `kind` named `name` (for tests and the EKS access policies). */
export function bootstrapObject(kind: string, name: string, namespace?: string): KObject | undefined {
  return [...BOOTSTRAP_RBAC, ...EKS_BOOTSTRAP_RBAC].find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace);
}

/** A bootstrap ClusterRole's rules, aggregated roles (admin, edit, view) computed as on a fresh cluster. */
export function bootstrapClusterRoleRules(name: string): PolicyRule[] {
  const roles = new Map<string, RoleObject>();
  for (const o of [...BOOTSTRAP_RBAC, ...EKS_BOOTSTRAP_RBAC]) if (o.kind === 'ClusterRole') roles.set(o.metadata!.name!, o as RoleObject);
  return effectiveClusterRoleRules(name, roles) ?? [];
}

/** What {@link ensureBootstrapRbac} writes through: an ApiServer's generic stores. */
export interface BootstrapTarget {
  storeFor(group: string, plural: string): { cache: { entries: ReadonlyMap<string, unknown> }; key(namespace: string | undefined, name: string): string; create(obj: KObject): Promise<KObject> } | undefined;
}

const PLURAL: Record<string, string> = { ClusterRole: 'clusterroles', Role: 'roles', ClusterRoleBinding: 'clusterrolebindings', RoleBinding: 'rolebindings' };

/**
 * Creates the missing bootstrap objects (internal writes: no authorization, no admission), as the
 * RBAC post-start hook does; safe at every start. Existing objects are left as they are (upstream
 * would also add missing rules and subjects to `autoupdate: "true"` objects). Returns how many it created.
 */
export async function ensureBootstrapRbac(api: BootstrapTarget, objects: KObject[] = BOOTSTRAP_RBAC): Promise<number> {
  // Concurrently: a store that commits concurrent writes together spends one commit on the batch.
  const results = await Promise.allSettled(
    objects.map(async (o) => {
      const gs = api.storeFor(RBAC_GROUP, PLURAL[o.kind ?? ''] ?? '');
      if (!gs || gs.cache.entries.has(gs.key(o.metadata?.namespace, o.metadata?.name ?? ''))) return 0;
      try {
        await gs.create(structuredClone(o));
        return 1;
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
        return 0;
      }
    }),
  );
  let created = 0;
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    created += r.value;
  }
  return created;
}
