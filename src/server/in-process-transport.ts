/**
 * The transport our own controllers use inside the server process: requests go straight to
 * `ApiServer.handle` as transport-neutral ApiRequests (no sockets, no TLS), watch streams are run
 * in-process and parsed line by line exactly as the HTTPS transport parses them. Because it goes
 * through the same handlers, authorization and admission as any client, controllers stay honest
 * clients of the API (shared/ARCHITECTURE.md rule 1).
 */
import { ApiServer } from '../apiserver/api-server.js';
import { builtinIndexes, builtinResources } from '../apiserver/registry/builtin.js';
import { isListBody, type ApiListBody, type ApiResponse, type ApiStream, type UserInfo } from '../apiserver/endpoints/types.js';
import { KubeApiError } from '../kubeclient/errors.js';
import { encodeBody, parseBody, watchLineParser, type KubeTransport, type TransportRequest } from '../kubeclient/transport.js';
import { realClock, type Clock } from '../lib/clock.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import { bootstrapCluster } from './bootstrap.js';
import { kubernetesVersion } from './version.js';

/** The identity in-process controllers act as, as kube-controller-manager's (system:masters here). */
export const CONTROLLER_MANAGER_USER: UserInfo = { name: 'system:kube-controller-manager', groups: ['system:masters', 'system:authenticated'] };

/** Whether an ApiResponse body is a watch stream. */
export const isStream = (b: unknown): b is ApiStream => typeof b === 'object' && b !== null && !Buffer.isBuffer(b) && typeof (b as ApiStream).run === 'function';

/** The first value of a response header. */
export function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A complete response body as text. */
export function bodyText(b: string | Buffer): string {
  return typeof b === 'string' ? b : b.toString('utf8');
}

/** Items parsed between two yields to the event loop, so a long list does not stall HTTP clients. */
const PARSE_BATCH = 250;

/**
 * A collection answer as the client's parsed list, without ever building (or parsing) the whole
 * body as one string: the envelope is parsed alone and each item from its own cached JSON.
 * Every item is a fresh object the caller owns — an informer keeps and may index it, and nothing
 * it does can reach the API server's cache (sharing the cache's parsed objects would save the
 * parse but let any controller's mutation corrupt what the server serves).
 */
async function parseList(b: ApiListBody): Promise<unknown> {
  const list = JSON.parse(b.head + b.tail) as { items: unknown[] };
  const items: unknown[] = new Array(b.items.length);
  for (let i = 0; i < b.items.length; i++) {
    if (i > 0 && i % PARSE_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    items[i] = JSON.parse(b.items[i]!);
  }
  list.items = items;
  return list;
}

/**
 * Who an in-process caller is: a fixed user, or one looked up on every request (a kubelet whose
 * IAM mapping can be revoked); undefined then means the credentials map no one — 401.
 */
export type InProcessUser = UserInfo | (() => Promise<UserInfo | undefined>);

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

/**
 * One request as the in-process transports make it: after a yield to I/O (in-process calls
 * otherwise never leave the event loop, and a controller re-listing 100k objects would keep HTTP
 * clients waiting for seconds), straight to `api.handle`, collections in parts.
 */
export async function callApi(api: ApiServer, user: UserInfo, r: TransportRequest): Promise<ApiResponse> {
  await new Promise((resolve) => setImmediate(resolve));
  const { data, contentType } = encodeBody(r);
  return api.handle({
    method: r.method,
    path: r.path,
    query: new URLSearchParams(r.query ?? {}),
    headers: { accept: r.accept ?? 'application/json', 'content-type': contentType, 'user-agent': 'eksplane-in-process' },
    body: data,
    user,
    signal: idle,
    listParts: true,
  });
}

/** Opens a watch on a collection path; throws KubeApiError when the server refuses it. */
export async function openWatchStream(api: ApiServer, user: UserInfo, path: string, query: Record<string, string>, signal: AbortSignal): Promise<ApiStream> {
  const res = await api.handle({
    method: 'GET',
    path,
    query: new URLSearchParams({ ...query, watch: 'true' }),
    headers: { accept: 'application/json', 'user-agent': 'eksplane-in-process' },
    user,
    signal,
  });
  if (isListBody(res.body)) throw new Error(`watch ${path} answered with a list`);
  if (!isStream(res.body)) throw KubeApiError.from(res.status, parseBody(bodyText(res.body), header(res.headers['content-type'])));
  if (res.status !== 200) throw KubeApiError.from(res.status, undefined);
  return res.body;
}

const idle = new AbortController().signal;

/** A KubeTransport that calls `api.handle` directly, acting as `who`. */
export function inProcessTransport(api: ApiServer, who: InProcessUser = CONTROLLER_MANAGER_USER): KubeTransport {
  const resolve = typeof who === 'function' ? who : () => Promise.resolve(who);
  return {
    wholeLists: true,
    async request(r) {
      const user = await resolve();
      if (!user) return { status: 401, body: UNAUTHORIZED };
      const res = await callApi(api, user, r);
      if (isListBody(res.body)) return { status: res.status, body: await parseList(res.body) };
      if (isStream(res.body)) throw new Error(`${r.method} ${r.path} answered with a stream`);
      return { status: res.status, body: parseBody(bodyText(res.body), header(res.headers['content-type'])) };
    },

    async watch(path, query, onEvent, signal) {
      if (signal.aborted) return;
      const user = await resolve();
      if (!user) throw KubeApiError.from(401, UNAUTHORIZED);
      const stream = await openWatchStream(api, user, path, query, signal);
      const feed = watchLineParser(onEvent);
      let failure: unknown;
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal.addEventListener('abort', onAbort);
      // Aborted while the watch was being opened: the listener above came too late to see it.
      if (signal.aborted) stop.abort();
      try {
        await stream.run((chunk) => {
          if (stop.signal.aborted) return false;
          try {
            // Delivered synchronously, in order; a failing consumer ends its own watch only.
            feed(chunk);
          } catch (err) {
            failure = err;
            stop.abort();
            return false;
          }
          return true;
        }, stop.signal);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      if (failure !== undefined && !signal.aborted) throw failure;
    },
  };
}

/** An in-memory API server with the built-in resources and bootstrap namespaces, and a transport to it. */
export interface InProcessCluster {
  api: ApiServer;
  transport: KubeTransport;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away cluster on the memory store: for tests of clients and controllers, and for
 * quick in-process experiments. `clock` is the API server's clock (timestamps).
 */
export async function startInProcessCluster(opts: { clock?: Clock; log?: Logger; user?: UserInfo } = {}): Promise<InProcessCluster> {
  const store = await openMemoryStore();
  const api = new ApiServer({ store, clock: opts.clock ?? realClock, log: opts.log ?? silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
  await api.start();
  await bootstrapCluster(api);
  return {
    api,
    transport: inProcessTransport(api, opts.user),
    async stop() {
      api.stop();
      await store.close();
    },
  };
}
