/**
 * Serves custom resources as their CRDs come and go, as apiextensions-apiserver does inside
 * kube-apiserver: an established CRD's served versions are registered with the API server (so
 * discovery, OpenAPI, list/watch and tables follow at once); a CRD being deleted first has its
 * objects deleted, then its cleanup finalizer removed, then stops being served.
 */
import { StatusError } from '../apimachinery/errors.js';
import type { CustomResourceDefinition } from '../apimachinery/crd/types.js';
import type { Logger } from '../lib/logger.js';
import type { ApiServer } from './api-server.js';
import type { CacheEvent } from './cache/resource-cache.js';
import { CRD_CLEANUP_FINALIZER, crdToResourceDefs, openapiSchemaFor } from './registry/apiextensions/index.js';
import type { GenericStore } from './registry/generic-store.js';

export class CrdServing {
  /** CRD name → the group/versions/plural it registered. */
  private readonly served = new Map<string, { group: string; versions: string[]; plural: string }>();
  private cancel: () => void = () => {};
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: ApiServer,
    private readonly log: Logger,
  ) {}

  /** Serves the CRDs already stored, then follows changes. Call after `api.start()`. */
  start(): void {
    const crds = this.api.storeFor('apiextensions.k8s.io', 'customresourcedefinitions');
    if (!crds) return;
    for (const e of crds.cache.entries.values()) this.sync(e.obj as CustomResourceDefinition, crds);
    this.cancel = crds.cache.watch(this.api.cache.revision, {
      deliver: (events: CacheEvent[]) => {
        for (const ev of events) {
          const crd = ev.entry.obj as CustomResourceDefinition;
          if (ev.type === 'DELETED') this.stopServing(crd.metadata?.name ?? '');
          else this.sync(crd, crds);
        }
      },
    });
  }

  stop(): void {
    this.cancel();
  }

  private sync(crd: CustomResourceDefinition, crds: GenericStore): void {
    const name = crd.metadata?.name ?? '';
    if (crd.metadata?.deletionTimestamp) {
      // One cleanup at a time, in order: deletes are writes that come back as watch events.
      this.queue = this.queue.then(() => this.cleanUp(crd, crds)).catch((err) => this.log.error({ err, name }, 'CRD cleanup failed'));
      return;
    }
    const established = (crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (!established) return;
    const defs = crdToResourceDefs(crd);
    const prev = this.served.get(name);
    if (prev) for (const v of prev.versions) if (!defs.some((d) => d.version === v && d.plural === prev.plural)) this.api.unregister(prev.group, v, prev.plural);
    for (const def of defs) {
      const schemas = openapiSchemaFor(crd, def.version);
      if (schemas) def.openapiSchemas = schemas;
      this.api.register(def);
    }
    if (defs[0]) this.served.set(name, { group: defs[0].group, versions: defs.map((d) => d.version), plural: defs[0].plural });
  }

  private stopServing(name: string): void {
    const prev = this.served.get(name);
    if (!prev) return;
    for (const v of prev.versions) this.api.unregister(prev.group, v, prev.plural);
    this.served.delete(name);
  }

  /** Deletes every object of the CRD's resource, then releases the CRD. */
  private async cleanUp(crd: CustomResourceDefinition, crds: GenericStore): Promise<void> {
    const name = crd.metadata?.name ?? '';
    const spec = crd.spec ?? {};
    const objects = this.api.storeFor(spec.group ?? '', spec.names?.plural ?? '');
    if (objects) {
      for (const e of [...objects.cache.entries.values()]) {
        const m = e.obj.metadata!;
        try {
          await objects.delete(m.namespace, m.name!, { gracePeriodSeconds: 0 });
          // Objects with finalizers of their own stay until those are removed; deleting again later finishes them.
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
      if (objects.cache.size > 0) {
        setTimeout(() => this.sync(crd, crds), 1000).unref();
        return;
      }
    }
    this.stopServing(name);
    try {
      await crds.update(undefined, name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', 'gone');
        cur.metadata!.finalizers = (cur.metadata!.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
        return cur;
      });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
}
