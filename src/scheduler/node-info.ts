/**
 * One node with the aggregates of the pods on it (framework.NodeInfo): requested and non-zero
 * requested resources, host ports in use, the pods themselves. Kept incrementally by the cache;
 * preemption's dry runs work on `clone()`s.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { PodInfo } from './pod-info.js';
import { addResources, emptyResources, toResources, type Resources } from './resources.js';

export class NodeInfo {
  node: Node | undefined;
  allocatable: Resources = emptyResources();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodInfo>();
  /** `protocol/port` → host IPs bound (one entry per pod claiming it). */
  readonly usedPorts = new Map<string, string[]>();
  /** Bumped on every change. */
  generation = 0;

  constructor(
    readonly name: string,
    node?: Node,
  ) {
    if (node) this.setNode(node);
  }

  get labels(): Record<string, string> {
    return this.node?.metadata?.labels ?? {};
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = toResources(node.status?.allocatable as Record<string, string> | undefined);
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.key)) this.removePod(this.pods.get(pi.key)!);
    this.pods.set(pi.key, pi);
    addResources(this.requested, pi.requests);
    addResources(this.nonZeroRequested, pi.nonZero);
    for (const p of pi.ports) {
      const k = `${p.protocol}/${p.port}`;
      const ips = this.usedPorts.get(k);
      if (ips) ips.push(p.ip);
      else this.usedPorts.set(k, [p.ip]);
    }
    this.generation++;
  }

  removePod(pi: PodInfo): boolean {
    const had = this.pods.get(pi.key);
    if (!had) return false;
    this.pods.delete(pi.key);
    addResources(this.requested, had.requests, -1);
    addResources(this.nonZeroRequested, had.nonZero, -1);
    for (const p of had.ports) {
      const k = `${p.protocol}/${p.port}`;
      const ips = this.usedPorts.get(k);
      if (!ips) continue;
      const i = ips.indexOf(p.ip);
      if (i >= 0) ips.splice(i, 1);
      if (ips.length === 0) this.usedPorts.delete(k);
    }
    this.generation++;
    return true;
  }

  /** A deep enough copy for what-if changes (preemption). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = this.allocatable;
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }
}
