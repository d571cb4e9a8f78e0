/**
 * What this controller last wrote to each EndpointSlice, as upstream's EndpointSliceTracker
 * (staging/src/k8s.io/endpointslice/endpointslice_tracker.go): the generation of every slice it
 * created or updated and the slices it deleted, per Service. A sync whose informer cache is older
 * than those writes would recreate or clobber them, so it is postponed (StaleSlices); informer
 * events for the controller's own writes do not queue the Service again (ShouldSync).
 */
import type { EndpointSliceObject } from './objects.js';

/** Marks a slice the controller deleted (generations are ≥ 1). */
const DELETED = -1;

const uidOf = (s: EndpointSliceObject) => s.metadata?.uid ?? '';
const generationOf = (s: EndpointSliceObject) => s.metadata?.generation ?? 0;

export class SliceTracker {
  /** service key → slice UID → expected generation (or DELETED). */
  private readonly byService = new Map<string, Map<string, number>>();

  /** Update: remember the generation the API answered a create or update with. */
  wrote(serviceKey: string, slice: EndpointSliceObject): void {
    this.entries(serviceKey).set(uidOf(slice), generationOf(slice));
  }

  /** ExpectDeletion: the slice should disappear from the cache. */
  deleted(serviceKey: string, slice: EndpointSliceObject): void {
    this.entries(serviceKey).set(uidOf(slice), DELETED);
  }

  /** ShouldSync: an informer event for a slice this controller did not just write. */
  shouldSync(serviceKey: string, slice: EndpointSliceObject): boolean {
    const want = this.byService.get(serviceKey)?.get(uidOf(slice));
    return want === undefined || want === DELETED || generationOf(slice) > want;
  }

  /** HandleDeletion: forgets a slice the cache no longer has; true when it was not ours to delete. */
  handleDeletion(serviceKey: string, slice: EndpointSliceObject): boolean {
    const m = this.byService.get(serviceKey);
    const want = m?.get(uidOf(slice));
    m?.delete(uidOf(slice));
    return want !== DELETED;
  }

  /** StaleSlices: the cache lacks a slice we created, shows an older generation, or still has one we deleted. */
  stale(serviceKey: string, cached: readonly EndpointSliceObject[]): boolean {
    const m = this.byService.get(serviceKey);
    if (!m?.size) return false;
    const seen = new Map(cached.map((s) => [uidOf(s), generationOf(s)]));
    for (const [uid, want] of m) {
      const have = seen.get(uid);
      if (want === DELETED) {
        if (have !== undefined) return true;
        m.delete(uid);
      } else if (have === undefined || have < want) return true;
    }
    return false;
  }

  /** DeleteService: forgets everything about a deleted Service. */
  forget(serviceKey: string): void {
    this.byService.delete(serviceKey);
  }

  private entries(serviceKey: string): Map<string, number> {
    let m = this.byService.get(serviceKey);
    if (!m) this.byService.set(serviceKey, (m = new Map()));
    return m;
  }
}
