/**
 * The scheduler's cache (pkg/scheduler/backend/cache): nodes with their pod aggregates, kept
 * incrementally from the node and pod informers, plus "assumed" pods — placed by a scheduling
 * cycle while their binding is in flight — so the next cycle sees the node as already taken.
 * Per-namespace label indexes answer "which placed pods match this selector" (topology spread,
 * inter-pod affinity) without scanning every pod.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { matches, type LabelSelector } from '../apimachinery/labels.js';
import { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

interface PodState {
  pi: PodInfo;
  node: string;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Nodes that exist (a NodeInfo may exist for pods of a node not yet seen). */
  private readonly order: NodeInfo[] = [];
  private readonly orderIndex = new Map<string, number>();
  private readonly pods = new Map<string, PodState>();
  /** ns → `key=value` → placed pods carrying that label. */
  private readonly byLabel = new Map<string, Map<string, Set<PodInfo>>>();
  private readonly byNamespace = new Map<string, Set<PodInfo>>();
  /** Placed pods with required anti-affinity terms (existing pods' anti-affinity). */
  readonly withRequiredAntiAffinity = new Set<PodInfo>();
  /** Placed pods with preferred (anti-)affinity terms (InterPodAffinity scoring). */
  readonly withPreferredAffinity = new Set<PodInfo>();

  /** Nodes in a stable order (round-robin sampling walks it). */
  nodeList(): readonly NodeInfo[] {
    return this.order;
  }

  nodeCount(): number {
    return this.order.length;
  }

  getNode(name: string): NodeInfo | undefined {
    const n = this.nodes.get(name);
    return n?.node ? n : undefined;
  }

  addNode(node: Node): void {
    const name = node.metadata!.name!;
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    ni.setNode(node);
    if (!this.orderIndex.has(name)) {
      this.orderIndex.set(name, this.order.length);
      this.order.push(ni);
    }
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    const i = this.orderIndex.get(name);
    if (i !== undefined) {
      const last = this.order.pop()!;
      if (last !== ni) {
        this.order[i] = last;
        this.orderIndex.set(last.name, i);
      }
      this.orderIndex.delete(name);
    }
    ni.node = undefined;
    // Pods may still point at the node until their deletions arrive (upstream keeps a ghost NodeInfo).
    if (ni.pods.size === 0) this.nodes.delete(name);
  }

  /** Where the cache has the pod (assumed or confirmed), if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.pods.get(key)?.node;
  }

  podInfo(key: string): PodInfo | undefined {
    return this.pods.get(key)?.pi;
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** Places a pod a cycle picked a node for, before the binding is confirmed (AssumePod). */
  assumePod(pi: PodInfo, node: string): void {
    this.place(pi, node, true);
  }

  /** Undoes assumePod after a failed binding (ForgetPod). */
  forgetPod(key: string): void {
    const st = this.pods.get(key);
    if (st?.assumed) this.unplace(key);
  }

  /** An assigned pod seen by the informer (AddPod / UpdatePod): confirms an assumption or places it. */
  addOrUpdatePod(pi: PodInfo): void {
    this.place(pi, pi.pod.spec!.nodeName!, false);
  }

  removePod(key: string): void {
    this.unplace(key);
  }

  private place(pi: PodInfo, node: string, assumed: boolean): void {
    if (this.pods.has(pi.key)) this.unplace(pi.key);
    let ni = this.nodes.get(node);
    if (!ni) this.nodes.set(node, (ni = new NodeInfo(node)));
    ni.addPod(pi);
    this.pods.set(pi.key, { pi, node, assumed });
    let nsSet = this.byNamespace.get(pi.namespace);
    if (!nsSet) this.byNamespace.set(pi.namespace, (nsSet = new Set()));
    nsSet.add(pi);
    let idx = this.byLabel.get(pi.namespace);
    if (!idx) this.byLabel.set(pi.namespace, (idx = new Map()));
    for (const [k, v] of Object.entries(pi.labels)) {
      const lk = `${k}=${v}`;
      let s = idx.get(lk);
      if (!s) idx.set(lk, (s = new Set()));
      s.add(pi);
    }
    if (pi.requiredAntiAffinity.length) this.withRequiredAntiAffinity.add(pi);
    if (pi.preferredAffinity.length || pi.preferredAntiAffinity.length) this.withPreferredAffinity.add(pi);
  }

  private unplace(key: string): void {
    const st = this.pods.get(key);
    if (!st) return;
    this.pods.delete(key);
    const { pi, node } = st;
    const ni = this.nodes.get(node);
    if (ni) {
      ni.removePod(pi);
      if (!ni.node && ni.pods.size === 0) this.nodes.delete(node);
    }
    const nsSet = this.byNamespace.get(pi.namespace);
    nsSet?.delete(pi);
    if (nsSet?.size === 0) this.byNamespace.delete(pi.namespace);
    const idx = this.byLabel.get(pi.namespace);
    if (idx) {
      for (const [k, v] of Object.entries(pi.labels)) {
        const lk = `${k}=${v}`;
        const s = idx.get(lk);
        s?.delete(pi);
        if (s?.size === 0) idx.delete(lk);
      }
      if (idx.size === 0) this.byLabel.delete(pi.namespace);
    }
    this.withRequiredAntiAffinity.delete(pi);
    this.withPreferredAffinity.delete(pi);
  }

  /** Namespaces that have placed pods. */
  namespaces(): Iterable<string> {
    return this.byNamespace.keys();
  }

  /**
   * Placed pods in `namespace` whose labels match `sel`, with their node. Starts from the smallest
   * posting list among the selector's equality requirements, so the cost is that of the
   * candidates, not of every pod.
   */
  *matchingPods(namespace: string, sel: LabelSelector): Generator<[PodInfo, string]> {
    if (sel.matchesNothing) return;
    const idx = this.byLabel.get(namespace);
    if (!idx) return;
    let candidates: Set<PodInfo> | undefined = this.byNamespace.get(namespace);
    for (const r of sel.requirements) {
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) {
        const s = idx.get(`${r.key}=${r.values[0]}`);
        if (!s) return;
        if (!candidates || s.size < candidates.size) candidates = s;
      }
    }
    if (!candidates) return;
    for (const pi of candidates) {
      if (!matches(sel, pi.labels)) continue;
      const st = this.pods.get(pi.key);
      if (st) yield [pi, st.node];
    }
  }

  /** Whether a pod object is one the cache should hold (assigned and not terminal). */
  static isPlaced(pod: Pod): boolean {
    const ph = pod.status?.phase;
    return !!pod.spec?.nodeName && ph !== 'Succeeded' && ph !== 'Failed';
  }
}
