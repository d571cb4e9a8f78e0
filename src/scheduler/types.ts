/**
 * The scheduling framework's vocabulary, as k8s.io/kubernetes/pkg/scheduler/framework: status
 * codes, the extension-point interfaces a plugin may implement, cycle state and cluster events.
 * A plugin implements only the points it uses and declares so with `satisfies`.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** framework.Code: what a plugin answered. `Skip` tells PreFilter/PreScore callers to bypass the plugin's later points. */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/** A non-success answer; `null` stands for Success, as a nil *Status does upstream. */
export interface Status {
  code: Code;
  /** Reason strings; FitError counts each one per node. */
  reasons: string[];
  /** The plugin that answered (filled in by the framework). */
  plugin?: string;
}

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}
export const unschedulable = (...reasons: string[]): Status => status('Unschedulable', ...reasons);
export const unresolvable = (...reasons: string[]): Status => status('UnschedulableAndUnresolvable', ...reasons);
export const asError = (err: unknown): Status => status('Error', err instanceof Error ? err.message : String(err));
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

/** True for Unschedulable and UnschedulableAndUnresolvable (IsRejected upstream). */
export function isRejected(s: Status | null): boolean {
  return s !== null && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');
}

/** framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

/** Per-cycle scratch space plugins share between their extension points (framework.CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreScore answered Skip (their Score is not called). */
  readonly skipScore = new Set<string>();
  /** Plugins whose PreFilter answered Skip (their Filter is not called). */
  readonly skipFilter = new Set<string>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, v: unknown): void {
    this.data.set(key, v);
  }
  /** A copy for preemption's dry runs (values are shared; plugins copy what they mutate). */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, typeof v === 'object' && v !== null && 'clone' in v && typeof v.clone === 'function' ? v.clone() : v);
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    return c;
  }
}

/** The resource kinds and actions that move unschedulable pods back (framework.ClusterEvent). */
export type EventResource = 'Node' | 'AssignedPod' | 'UnscheduledPod' | 'PersistentVolume' | 'PersistentVolumeClaim' | 'StorageClass' | 'Service' | 'Namespace';
export type ActionType = 'Add' | 'Update' | 'Delete';
export interface ClusterEvent {
  resource: EventResource;
  actions: readonly ActionType[];
}

/** What every plugin has: its registry name and the cluster events that may make a rejected pod schedulable. */
export interface Plugin {
  readonly name: string;
  readonly events?: readonly ClusterEvent[];
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
  /** Preemption's dry run: pretend `victim` is gone from / back on `node` (PreFilterExtensions). */
  removePod?(state: CycleState, pod: PodInfo, victim: PodInfo, node: NodeInfo): void;
  addPod?(state: CycleState, pod: PodInfo, victim: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
}

/** Per-node filter answers of a failed cycle, by node name; nodes not in it share `absent` (NodeToStatus). */
export interface NodeToStatus {
  byNode: Map<string, Status>;
  absent?: Status;
}

export interface PostFilterResult {
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { result?: PostFilterResult; status: Status | null };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites `scores` in place into [0, MAX_NODE_SCORE]. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null>;
}

export interface BindPlugin extends Plugin {
  /** Binds the pod; `Skip` passes to the next binder. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status | null>;
}
