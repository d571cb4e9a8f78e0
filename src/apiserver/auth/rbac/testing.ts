/**
 * Test support for the authorization code: an in-process API server on the memory store with the
 * bootstrap namespaces and RBAC objects, the chain node → RBAC (→ extra authorizers), RBAC
 * escalation admission and the authorization reviews answered by the same chain — wired as the
 * server is asked to wire it — plus a `call` that acts as any user.
 */
import { realClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import type { Store } from '../../../store/types.js';
import { ApiServer } from '../../api-server.js';
import type { UserInfo } from '../../endpoints/types.js';
import { authorizationReviews } from '../../registry/authorization/reviews.js';
import { builtinIndexes, builtinResources } from '../../registry/builtin.js';
import type { KObject } from '../../registry/resource.js';
import { nodeAuthorizer, type NodeAuthorizer } from '../node/authorizer.js';
import type { Authorizer } from '../types.js';
import { reviewAuthorizer, unionAuthorizer, unionRules } from '../union.js';
import { rbacAuthorizer, type RbacAuthorizer } from './authorizer.js';
import { ensureBootstrapRbac } from './bootstrap.js';
import { rbacEscalationAdmission } from './escalation.js';

/** A reply with its body parsed when JSON. */
export interface Reply {
  status: number;
  body: any;
}

/** The server under test and its parts. */
export interface AuthTestServer {
  api: ApiServer;
  store: Store;
  rbac: RbacAuthorizer;
  node: NodeAuthorizer;
  authorize: Authorizer;
  call(user: UserInfo, method: string, path: string, body?: unknown): Promise<Reply>;
  /** Creates objects as an internal write (no authorization, no admission). */
  seed(...objs: KObject[]): Promise<void>;
  stop(): Promise<void>;
}

const VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' };

export const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

const PLURALS: Record<string, [string, string]> = {
  ClusterRole: ['rbac.authorization.k8s.io', 'clusterroles'],
  Role: ['rbac.authorization.k8s.io', 'roles'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings'],
  Namespace: ['', 'namespaces'],
  Node: ['', 'nodes'],
  Pod: ['', 'pods'],
  Secret: ['', 'secrets'],
  ConfigMap: ['', 'configmaps'],
  ServiceAccount: ['', 'serviceaccounts'],
  PersistentVolumeClaim: ['', 'persistentvolumeclaims'],
  PersistentVolume: ['', 'persistentvolumes'],
};

/** Starts the server; `extra` authorizers come after node and RBAC in the union. */
export async function startAuthServer(...extra: Authorizer[]): Promise<AuthTestServer> {
  const store = await openMemoryStore();
  let api: ApiServer | undefined;
  const lookup = () => api;
  const rbac = rbacAuthorizer(lookup);
  const node = nodeAuthorizer(lookup);
  const authorize = unionAuthorizer(node, rbac, ...extra);
  api = new ApiServer({
    store,
    clock: realClock,
    log: silentLogger(),
    resources: builtinResources,
    indexes: builtinIndexes,
    version: VERSION,
    authorize,
    admission: rbacEscalationAdmission(authorize, lookup),
  });
  for (const def of authorizationReviews(reviewAuthorizer(authorize), unionRules(node.rulesFor, rbac.rulesFor))) api.register(def);
  await api.start();
  const server = api;
  const seed = async (...objs: KObject[]) => {
    for (const o of objs) {
      const [g, p] = PLURALS[o.kind!]!;
      await server.storeFor(g, p)!.create(structuredClone(o));
    }
  };
  await seed(...['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((n) => k.namespace(n)));
  await ensureBootstrapRbac(server);
  return {
    api: server,
    store,
    rbac,
    node,
    authorize,
    seed,
    async call(user, method, path, body) {
      const url = new URL(path, 'https://x');
      const res = await server.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
        user,
        signal: new AbortController().signal,
      });
      const raw = res.body as string;
      return { status: res.status, body: typeof raw === 'string' && raw.startsWith('{') ? JSON.parse(raw) : raw };
    },
    async stop() {
      server.stop();
      await store.close();
    },
  };
}

/** A user with the groups every authenticated user has. */
export const someone = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });

/** Object builders for the tests. */
export const k = {
  role: (namespace: string, name: string, rules: unknown[]): KObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules } as KObject),
  clusterRole: (name: string, rules: unknown[], extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, ...((extra.metadata as object) ?? {}) }, rules, ...Object.fromEntries(Object.entries(extra).filter(([x]) => x !== 'metadata')) } as KObject),
  roleBinding: (namespace: string, name: string, roleKind: string, roleName: string, subjects: unknown[]): KObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName }, subjects } as KObject),
  clusterRoleBinding: (name: string, roleName: string, subjects: unknown[]): KObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects } as KObject),
  namespace: (name: string): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  userSubject: (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name }),
  groupSubject: (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name }),
};
