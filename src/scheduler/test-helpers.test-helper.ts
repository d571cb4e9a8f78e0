/** Object builders for the scheduler's tests: plain Nodes and Pods with what the plugins read. */
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from './cache.js';
import { Framework } from './framework.js';
import { emptyListers, type Handle, type Listers } from './handle.js';
import { CycleState } from './types.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  zone?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeSpec = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110), ...(o.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {}), ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, capacity: allocatable },
  };
}

export interface PodSpecOpts {
  ns?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  node?: string;
  spec?: Partial<NonNullable<Pod['spec']>>;
}

export function makePod(name: string, o: PodSpecOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', labels: o.labels ?? {}, uid: `uid-${name}` },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: Object.keys(requests).length ? { requests } : undefined }],
      nodeName: o.node,
      priority: o.priority,
      ...(o.spec ?? {}),
    },
  };
}

/** A cache filled with nodes and placed pods, and a handle over it. */
export function fixture(nodes: Node[], placed: Pod[] = [], listers: Listers = emptyListers): { cache: SchedulerCache; handle: Handle; infos: NodeInfo[]; setFramework(f: Framework): void } {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of placed) cache.addOrUpdatePod(newPodInfo(p));
  let fw: Framework | undefined;
  const handle: Handle = { cache, listers, clock: realClock, log: silentLogger(), schedulerName: 'default-scheduler', framework: () => fw! };
  return {
    cache,
    handle,
    infos: [...cache.nodeList()],
    setFramework: (f) => {
      fw = f;
    },
  };
}

/** Runs PreFilter (if any) then Filter of one plugin on every node; the reasons by node name ('' = fits). */
export function filterAll(
  plugin: { name: string; preFilter?: (s: CycleState, p: PodInfo, n: readonly NodeInfo[]) => { code: string; reasons: string[] } | null; filter: (s: CycleState, p: PodInfo, n: NodeInfo) => { code: string; reasons: string[] } | null },
  pod: Pod,
  infos: NodeInfo[],
): Record<string, string> {
  const state = new CycleState();
  const pi = newPodInfo(pod);
  const pre = plugin.preFilter?.(state, pi, infos);
  const out: Record<string, string> = {};
  if (pre && pre.code !== 'Skip') {
    for (const n of infos) out[n.name] = `${pre.code}: ${pre.reasons.join(', ')}`;
    return out;
  }
  for (const n of infos) {
    const s = plugin.filter(state, pi, n);
    out[n.name] = s ? `${s.code}: ${s.reasons.join(', ')}` : '';
  }
  return out;
}

export { CycleState, newPodInfo, type PodInfo };
