/**
 * The pod subresources that kube-apiserver proxies to the node's kubelet: `pods/log` (GET) and
 * the connect subresources `exec`, `attach`, `portforward` (GET and POST). As upstream's
 * LogLocation / streamLocation, the pod must exist, the container is resolved (the only one, or
 * the one named, else 400 with upstream's wording), and a pod with no node gets an empty log.
 * The log itself comes from a provider the server wires to the simulated kubelets; exec, attach
 * and port-forward answer a 400 Status because no process runs — a plain Status before any
 * protocol upgrade, which kubectl's SPDY/websocket executors print as "Error from server".
 */
import { badRequest, invalid, methodNotAllowed, type FieldError } from '../../../apimachinery/errors.js';
import type { ApiRequest, ApiResponse } from '../../endpoints/types.js';
import type { GenericStore } from '../generic-store.js';
import type { KObject } from '../resource.js';

/** PodLogOptions as the query carries them. */
export interface PodLogOptions {
  container: string;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
  limitBytes?: number;
  follow?: boolean;
}

/** The kubelet's answer: the log text, or the error Status it (or the proxy) gives. */
export type PodLogAnswer = { ok: true; text: string } | { ok: false; code: number; reason: string; message: string };

/** Reads a container's log on the pod's node (wired by the server to the simulated kubelets). */
export type PodLogProvider = (namespace: string, name: string, container: string, opts: PodLogOptions) => PodLogAnswer | Promise<PodLogAnswer>;

/** The pod subresources served here. */
export const POD_PROXY_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

interface Spec {
  nodeName?: string;
  containers?: { name: string }[];
  initContainers?: { name: string }[];
  ephemeralContainers?: { name: string }[];
}

/** The container a request is about, resolved as LogLocation / streamLocation do. */
function resolveContainer(pod: KObject, name: string, container: string | null): string {
  const spec = (pod.spec ?? {}) as Spec;
  const names = (l: { name: string }[] | undefined) => (l ?? []).map((c) => c.name);
  if (!container) {
    const main = names(spec.containers);
    if (main.length === 1) return main[0]!;
    if (main.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    const init = names(spec.initContainers);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}`);
  }
  if (![...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers)].includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function flag(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v === 'true' || v === '1';
}

function logOptions(q: URLSearchParams, name: string, container: string): PodLogOptions {
  const errs: FieldError[] = [];
  const int = (key: string, min: number): number | undefined => {
    const v = q.get(key);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw badRequest(`${key}: Invalid value: "${v}": strconv.ParseInt: parsing "${v}": invalid syntax`);
    if (n < min) errs.push({ type: 'FieldValueInvalid', field: key, value: n, detail: min === 0 ? 'must be greater than or equal to 0' : 'must be greater than 0' });
    return n;
  };
  const opts: PodLogOptions = {
    container,
    previous: flag(q, 'previous'),
    timestamps: flag(q, 'timestamps'),
    follow: flag(q, 'follow'),
    tailLines: int('tailLines', 0),
    sinceSeconds: int('sinceSeconds', 1),
    limitBytes: int('limitBytes', 1),
  };
  if (opts.sinceSeconds !== undefined && q.get('sinceTime')) errs.push({ type: 'FieldValueForbidden', field: 'sinceSeconds', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' } as FieldError);
  if (errs.length) throw invalid('PodLogOptions', '', name, errs);
  return opts;
}

const WHAT: Record<string, (pod: string, container: string) => string> = {
  exec: (p, c) => `exec into container "${c}" of pod "${p}"`,
  attach: (p, c) => `attach to container "${c}" of pod "${p}"`,
  portforward: (p) => `port-forward to pod "${p}"`,
};

/** Serves GET pods/{name}/log and GET/POST pods/{name}/{exec,attach,portforward}. */
export async function handlePodProxySubresource(gs: GenericStore, namespace: string, name: string, subresource: string, req: ApiRequest, logs: PodLogProvider | undefined): Promise<ApiResponse> {
  const method = req.method.toUpperCase();
  if (subresource === 'log' ? method !== 'GET' : method !== 'GET' && method !== 'POST') throw methodNotAllowed();
  const pod = gs.getEntry(namespace, name).obj;
  const nodeName = ((pod.spec ?? {}) as Spec).nodeName;
  if (subresource === 'log') {
    const container = resolveContainer(pod, name, req.query.get('container'));
    const opts = logOptions(req.query, name, container);
    // Upstream: a pod not yet on a node has an empty log location, so an empty 200.
    if (!nodeName || !logs) return text(200, '');
    const answer = await logs(namespace, name, container, opts);
    if (answer.ok) return text(200, answer.text);
    return { status: answer.code, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: answer.message, reason: answer.reason, code: answer.code }) };
  }
  const container = subresource === 'portforward' ? '' : resolveContainer(pod, name, req.query.get('container'));
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  throw badRequest(`${WHAT[subresource]!(name, container)} is not supported by eksplane's simulated container runtime: no processes run`);
}

function text(status: number, body: string): ApiResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body };
}
