/**
 * The garbage collector's dependency graph, as kube-controller-manager's GraphBuilder keeps it:
 * one node per object uid with its ownerReferences and the set of its dependents. Owners that
 * are referenced but not (yet) observed get a "virtual" node that the collector verifies with a
 * live GET. The graph is fed by informer events and decides what to check: it calls
 * `attemptToDelete` for objects whose owners may be gone or that wait for their dependents, and
 * `attemptToOrphan` for owners deleted with the Orphan policy.
 */
import type { KubeObject, OwnerReference } from '../../kubeclient/types.js';
import { parseApiVersion } from '../../kubeclient/types.js';

/** Where an object is: its coordinates and uid. */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid: string;
}

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export class GraphNode {
  /** Objects that list this one in their ownerReferences. */
  readonly dependents = new Set<GraphNode>();
  owners: OwnerReference[] = [];
  /** Has a deletionTimestamp. Never goes back. */
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents = false;
  orphaning = false;

  constructor(
    public identity: ObjectIdentity,
    /** Known only from another object's ownerReference, not from an informer. */
    public virtual: boolean,
  ) {}

  /** Dependents whose reference to this node has blockOwnerDeletion: they hold a foreground delete. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.owners.some((r) => r.uid === this.identity.uid && r.blockOwnerDeletion));
  }
}

/** What the graph asks the collector to look at. */
export interface GraphSink {
  attemptToDelete(uid: string): void;
  attemptToOrphan(uid: string): void;
}

/**
 * Owners known to be absent (observed deleted, or verified missing by a GET), so that checking
 * many dependents of one deleted owner costs one lookup. Bounded, least recently added first out.
 */
export class AbsentOwnerCache {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 1000) {}

  static key(ref: { apiVersion: string; kind: string; name: string; uid: string }, namespace: string | undefined): string {
    return `${ref.uid}|${parseApiVersion(ref.apiVersion).group}|${ref.kind}|${namespace ?? ''}|${ref.name}`;
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }
}

export function identityOf(obj: KubeObject): ObjectIdentity {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: m.name ?? '', namespace: m.namespace || undefined, uid: m.uid ?? '' };
}

export class DependencyGraph {
  readonly nodes = new Map<string, GraphNode>();

  constructor(
    private readonly sink: GraphSink,
    private readonly absent: AbsentOwnerCache,
  ) {}

  /** An object was added or changed (informer onAdd/onUpdate). */
  observe(obj: KubeObject): void {
    const id = identityOf(obj);
    if (!id.uid) return;
    const refs = obj.metadata?.ownerReferences ?? [];
    let node = this.nodes.get(id.uid);
    if (!node) {
      node = new GraphNode(id, false);
      this.nodes.set(id.uid, node);
      node.owners = refs;
      for (const r of refs) this.link(node, r);
    } else {
      if (node.virtual) {
        node.virtual = false;
        node.identity = id;
      }
      this.updateOwners(node, refs);
    }
    this.transitions(node, obj);
  }

  /**
   * An object is gone: observed deleted, or verified absent by the collector (`virtual` delete
   * event). Its dependents are checked; owners waiting for it are checked again.
   */
  remove(uid: string): void {
    const node = this.nodes.get(uid);
    if (!node) return;
    this.nodes.delete(uid);
    for (const r of node.owners) this.unlink(node, r.uid);
    if (node.dependents.size) this.absent.add(AbsentOwnerCache.key(node.identity, node.identity.namespace));
    for (const d of node.dependents) this.sink.attemptToDelete(d.identity.uid);
    for (const r of node.owners) {
      const owner = this.nodes.get(r.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner.identity.uid);
    }
  }

  private updateOwners(node: GraphNode, refs: OwnerReference[]): void {
    const before = new Map(node.owners.map((r) => [r.uid, r]));
    const after = new Map(refs.map((r) => [r.uid, r]));
    node.owners = refs;
    for (const [uid, r] of before) {
      if (after.has(uid)) continue;
      this.unlink(node, uid);
      if (r.blockOwnerDeletion) this.unblocked(uid);
    }
    for (const [uid, r] of after) {
      const prev = before.get(uid);
      if (!prev) this.link(node, r);
      else if (prev.blockOwnerDeletion && !r.blockOwnerDeletion) this.unblocked(uid);
    }
  }

  /** A dependent stopped blocking `ownerUid`: if that owner waits for its dependents, look at it again. */
  private unblocked(ownerUid: string): void {
    if (this.nodes.get(ownerUid)?.deletingDependents) this.sink.attemptToDelete(ownerUid);
  }

  private link(node: GraphNode, ref: OwnerReference): void {
    let owner = this.nodes.get(ref.uid);
    if (!owner) {
      // Referenced but never seen: the collector verifies it with a live GET.
      owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: node.identity.namespace, uid: ref.uid }, true);
      this.nodes.set(ref.uid, owner);
      this.sink.attemptToDelete(ref.uid);
    }
    owner.dependents.add(node);
    // A dependent created while its owner is being deleted in the foreground goes too.
    if (owner.deletingDependents) this.sink.attemptToDelete(node.identity.uid);
  }

  private unlink(node: GraphNode, ownerUid: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(node);
    if (owner.virtual && owner.dependents.size === 0) this.nodes.delete(ownerUid);
  }

  /** Reacts to the object starting an Orphan or Foreground deletion (upstream processTransitions). */
  private transitions(node: GraphNode, obj: KubeObject): void {
    const m = obj.metadata ?? {};
    const deleting = !!m.deletionTimestamp;
    const finalizers = m.finalizers ?? [];
    node.beingDeleted ||= deleting;
    const orphaning = deleting && finalizers.includes(ORPHAN_FINALIZER);
    if (orphaning && !node.orphaning) this.sink.attemptToOrphan(node.identity.uid);
    node.orphaning = orphaning;
    const foreground = deleting && finalizers.includes(FOREGROUND_FINALIZER);
    if (foreground && !node.deletingDependents) {
      node.deletingDependents = true;
      for (const d of node.dependents) this.sink.attemptToDelete(d.identity.uid);
      this.sink.attemptToDelete(node.identity.uid);
    }
    node.deletingDependents = foreground;
  }

  /** Drops a virtual node nobody depends on any more (verified present but never observed). */
  dropVirtual(uid: string): void {
    const n = this.nodes.get(uid);
    if (n?.virtual && n.dependents.size === 0) this.nodes.delete(uid);
  }
}
