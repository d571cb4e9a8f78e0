/**
 * Test support for the admission plugins: an in-process API server on the memory store with the
 * admission chain, the system namespaces and default service accounts, and `call` to drive it as
 * a given user. Used by the *.test.ts files of this folder only.
 */
import { realClock, type Clock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import { ApiServer } from '../api-server.js';
import type { AdmissionAttributes } from '../auth/types.js';
import type { UserInfo } from '../endpoints/types.js';
import { builtinIndexes, builtinResources } from '../registry/builtin.js';
import type { KObject } from '../registry/resource.js';
import { createAdmissionChain, type AdmissionChain } from './chain.js';
import type { AdmissionOutputs } from './types.js';

/** A cluster administrator. */
export const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

/** A reply with its body parsed. */
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[]>;
}

/** The harness: the server, its chain, and a caller. */
export interface Harness {
  api: ApiServer;
  chain: AdmissionChain;
  call(method: string, path: string, body?: unknown, opts?: { user?: UserInfo; contentType?: string }): Promise<Reply>;
  /** Creates an object as admin through the store, skipping admission (fixtures). */
  seed(group: string, plural: string, obj: KObject): Promise<KObject>;
  /** Runs the chain's validating phase directly on hand-built attributes (to read warnings and annotations). */
  attributes(partial: Partial<AdmissionAttributes> & Pick<AdmissionAttributes, 'operation'>, group: string, plural: string): AdmissionAttributes & AdmissionOutputs;
  stop(): void;
}

const VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: 'test', gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' };

/** Starts a server with the chain (all plugins unless `plugins` says otherwise). */
export async function startHarness(opts: { plugins?: string[]; clock?: Clock } = {}): Promise<Harness> {
  const store = await openMemoryStore();
  const clock = opts.clock ?? realClock;
  let api: ApiServer | undefined;
  const chain = createAdmissionChain({ api: () => api!, clock, log: silentLogger(), plugins: opts.plugins });
  api = new ApiServer({ store, clock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: VERSION, admission: chain });
  await api.start();
  const seed = async (group: string, plural: string, obj: KObject) => api!.storeFor(group, plural)!.create(structuredClone(obj));
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await seed('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await seed('', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
  }
  const server = api;
  return {
    api: server,
    chain,
    seed,
    async call(method, path, body, o = {}) {
      const url = new URL(path, 'https://x');
      const res = await server.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: { 'content-type': o.contentType ?? 'application/json' },
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
        user: o.user ?? ADMIN,
        signal: new AbortController().signal,
      });
      const raw = res.body as string;
      return { status: res.status, headers: res.headers, body: typeof raw === 'string' && raw.startsWith('{') ? JSON.parse(raw) : raw };
    },
    attributes(partial, group, plural) {
      const def = server.storeFor(group, plural)!.def;
      return { user: ADMIN, name: partial.object?.metadata?.name ?? '', dryRun: false, def, ...partial };
    },
    stop: () => server.stop(),
  };
}

/** A minimal pod. */
export function pod(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}
