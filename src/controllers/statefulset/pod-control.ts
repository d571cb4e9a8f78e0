/**
 * The writes the StatefulSet controller makes on its pods and claims, as upstream's
 * StatefulPodControl (stateful_pod_control.go): claims are created before their pod; create,
 * update and delete record `SuccessfulCreate "create Pod web-0 in StatefulSet web successful"`
 * (or Failed… "… failed error: …"), claim creation `SuccessfulCreate "create Claim data-web-0 Pod
 * web-0 in StatefulSet web success"`; and claim owner references follow
 * persistentVolumeClaimRetentionPolicy (StatefulSetAutoDeletePVC): whenDeleted=Delete makes the set
 * an owner, whenScaled=Delete makes a scaled-down pod the owner, so the garbage collector removes
 * the claim with it.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { Logger } from '../../lib/logger.js';
import { newControllerRef } from '../pods.js';
import { claimsFor, identityMatches, inOrdinalRange, PODS, PVCS, storageMatches, updateIdentity, updateStorage, type ClaimObject, type PodObject, type StatefulSetObject } from './utils.js';

const UPDATE_RETRIES = 5;

function title(verb: string): string {
  return verb[0]!.toUpperCase() + verb.slice(1);
}

export class StatefulPodControl {
  constructor(
    private readonly client: KubeClient,
    private readonly pvcInformer: Informer<ClaimObject>,
    private readonly podInformer: Informer<PodObject>,
    private readonly recorder: EventRecorder,
    private readonly log: Logger,
  ) {}

  /** Creates the pod's missing claims, then the pod, then aligns claim owners (CreateStatefulPod). */
  async createPod(set: StatefulSetObject, pod: PodObject): Promise<void> {
    try {
      await this.createMissingClaims(set, pod);
    } catch (err) {
      this.podEvent('create', set, pod, err);
      throw err;
    }
    let created: PodObject;
    try {
      created = await this.client.create<PodObject>({ ...PODS, namespace: set.metadata!.namespace }, pod);
    } catch (err) {
      if (isAlreadyExists(err)) throw err;
      this.podEvent('create', set, pod, err);
      throw err;
    }
    this.podEvent('create', set, pod);
    await this.updateClaimsForRetention(set, created);
  }

  /** Restores identity and storage of a member that drifted, with its claims (UpdateStatefulPod). */
  async updatePod(set: StatefulSetObject, pod: PodObject): Promise<void> {
    let cur = structuredClone(pod);
    for (let i = 0; ; i++) {
      let consistent = true;
      if (!identityMatches(set, cur)) {
        updateIdentity(set, cur);
        consistent = false;
      }
      if (!storageMatches(set, cur)) {
        updateStorage(set, cur);
        consistent = false;
        try {
          await this.createMissingClaims(set, cur);
        } catch (err) {
          this.podEvent('update', set, cur, err);
          throw err;
        }
      }
      if (!this.claimsMatchPolicy(set, cur)) await this.updateClaimsForRetention(set, cur);
      if (consistent) return;
      try {
        await this.client.update({ ...PODS, namespace: set.metadata!.namespace }, cur);
        this.podEvent('update', set, cur);
        return;
      } catch (err) {
        if (!isConflict(err) || i >= UPDATE_RETRIES) {
          this.podEvent('update', set, cur, err);
          throw err;
        }
        const latest = this.podInformer.get(cur.metadata!.namespace, cur.metadata!.name!);
        if (latest) cur = structuredClone(latest);
      }
    }
  }

  /** Deletes a member; its claims stay unless their owners say otherwise (DeleteStatefulPod). */
  async deletePod(set: StatefulSetObject, pod: PodObject): Promise<void> {
    try {
      await this.client.delete({ ...PODS, namespace: set.metadata!.namespace, name: pod.metadata!.name! });
    } catch (err) {
      this.podEvent('delete', set, pod, err);
      throw err;
    }
    this.podEvent('delete', set, pod);
  }

  /** Creates the claims the pod mounts that do not exist yet (createPersistentVolumeClaims). */
  async createMissingClaims(set: StatefulSetObject, pod: PodObject): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, pod).values()) {
      const existing = this.pvcInformer.get(claim.metadata!.namespace, claim.metadata!.name!);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) errors.push(`pvc ${claim.metadata!.name} is being deleted`);
        continue;
      }
      const owners = this.claimRefs(set, pod, []);
      if (owners.length) claim.metadata!.ownerReferences = owners;
      try {
        await this.client.create({ ...PVCS, namespace: claim.metadata!.namespace }, claim);
        this.claimEvent(set, pod, claim);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        errors.push(`failed to create PVC ${claim.metadata!.name}: ${(err as Error).message}`);
        this.claimEvent(set, pod, claim, err);
      }
    }
    if (errors.length) throw new Error(errors.join(', '));
  }

  /**
   * A claim of this pod still references an earlier pod of the same name (a stale owner): the
   * garbage collector is about to delete it, so the pod must wait (PodClaimIsStale).
   */
  claimIsStale(set: StatefulSetObject, pod: PodObject): boolean {
    for (const claim of claimsFor(set, pod).values()) {
      const existing = this.pvcInformer.get(claim.metadata!.namespace, claim.metadata!.name!);
      if (existing?.metadata?.ownerReferences?.some((r) => r.kind === 'Pod' && r.apiVersion === 'v1' && r.name === pod.metadata!.name && r.uid !== pod.metadata?.uid)) return true;
    }
    return false;
  }

  /** Whether every existing claim's owners already follow the retention policy (ClaimsMatchRetentionPolicy). */
  claimsMatchPolicy(set: StatefulSetObject, pod: PodObject): boolean {
    for (const claim of claimsFor(set, pod).values()) {
      const existing = this.pvcInformer.get(claim.metadata!.namespace, claim.metadata!.name!);
      if (!existing) continue;
      const refs = existing.metadata?.ownerReferences ?? [];
      if (!sameRefs(refs, this.claimRefs(set, pod, refs))) return false;
    }
    return true;
  }

  /** Rewrites claim owner references to follow the retention policy (UpdatePodClaimForRetentionPolicy). */
  async updateClaimsForRetention(set: StatefulSetObject, pod: PodObject): Promise<void> {
    for (const claim of claimsFor(set, pod).values()) {
      const existing = this.pvcInformer.get(claim.metadata!.namespace, claim.metadata!.name!);
      if (!existing) continue;
      const refs = existing.metadata?.ownerReferences ?? [];
      const want = this.claimRefs(set, pod, refs);
      if (sameRefs(refs, want)) continue;
      try {
        await this.client.update({ ...PVCS, namespace: existing.metadata!.namespace }, { ...existing, metadata: { ...existing.metadata, ownerReferences: want } });
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      this.log.debug({ pod: pod.metadata!.name, claim: existing.metadata!.name }, 'claim owners updated for retention policy');
    }
  }

  /**
   * `refs` with the set's and pod's references replaced by what the policy wants
   * (updateClaimOwnerRefForSetAndPod); a claim controlled by someone else keeps only that.
   */
  private claimRefs(set: StatefulSetObject, pod: PodObject, refs: readonly OwnerReference[]): OwnerReference[] {
    const ours = (r: OwnerReference) => (r.kind === 'StatefulSet' && r.apiVersion === 'apps/v1' && r.name === set.metadata!.name) || (r.kind === 'Pod' && r.apiVersion === 'v1' && r.name === pod.metadata!.name);
    // A stale reference (same name, other uid) belongs to an earlier incarnation: leave the claim alone.
    if (refs.some((r) => ours(r) && r.uid !== (r.kind === 'Pod' ? pod.metadata?.uid : set.metadata!.uid))) return [...refs];
    const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
    const deleteWithSet = policy?.whenDeleted === 'Delete';
    const deleteOnScale = policy?.whenScaled === 'Delete';
    const others = refs.filter((r) => !ours(r));
    if ((deleteWithSet || deleteOnScale) && others.some((r) => r.controller)) return others;
    const scaledDown = !inOrdinalRange(pod, set);
    const out = [...others];
    if (deleteOnScale && scaledDown && pod.metadata?.uid) out.push(newControllerRef(pod, 'v1', 'Pod'));
    if (deleteWithSet && !(deleteOnScale && scaledDown)) out.push(newControllerRef(set, 'apps/v1', 'StatefulSet'));
    return out;
  }

  private podEvent(verb: string, set: StatefulSetObject, pod: PodObject, err?: unknown): void {
    const name = pod.metadata!.name;
    if (err === undefined) void this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} successful`);
    else void this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} failed error: ${(err as Error).message}`);
  }

  private claimEvent(set: StatefulSetObject, pod: PodObject, claim: ClaimObject, err?: unknown): void {
    if (err === undefined) void this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata!.name} Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name} success`);
    else void this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata!.name} for Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name} failed error: ${(err as Error).message}`);
  }
}

function sameRefs(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  if (a.length !== b.length) return false;
  const key = (r: OwnerReference) => `${r.uid}|${!!r.controller}`;
  const sa = a.map(key).sort();
  const sb = b.map(key).sort();
  return sa.every((k, i) => k === sb[i]);
}
