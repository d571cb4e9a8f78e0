/**
 * One informer per (resource, selectors) for every controller of a cluster, as client-go's
 * SharedInformerFactory: the scheduler, the kubelets and a dozen controllers all read pods, and at
 * 150,000 pods one watch and one cached copy is the difference between fitting in memory and not.
 * Informers are created on first request and counted on start/stop (Informer.start), so a
 * controller starts and stops the informers it asked for exactly as it would its own.
 * Their objects carry no `metadata.managedFields` (see stripManagedFields).
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from './client.js';
import { Informer, type InformerOptions } from './informer.js';
import type { KubeObject } from './types.js';

/**
 * The object without `metadata.managedFields` (client-go's TransformStripManagedFields), which
 * kube-controller-manager applies to all its informers (kubernetes#118455): no controller reads
 * them, and they are about half of a pod once parsed (the benchmark's 4.5 KB pod: 9.6 → 3.2 KB of
 * heap, 232 → 111 objects), so 100k cached pods cost every major GC of the process half the
 * marking. An update built from such an object keeps the stored
 * managedFields, since a write without any keeps them (apimachinery/ssa recordUpdate).
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const meta = obj.metadata;
  if (meta?.managedFields === undefined) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

export class SharedInformers {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(
    readonly client: KubeClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * The shared informer for these options. A `transform` makes an informer private to the caller
   * (a trimmed cache cannot serve someone who wants whole objects), so it is not shared; shared
   * informers strip managedFields.
   */
  informer<T extends KubeObject = KubeObject>(opts: InformerOptions<T>): Informer<T> {
    if (opts.transform) return new Informer<T>(this.client, opts, this.clock, this.log);
    const r = opts.resource;
    const key = [r.group, r.version, r.resource, r.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) this.informers.set(key, (inf = new Informer<KubeObject>(this.client, { ...(opts as InformerOptions<KubeObject>), transform: stripManagedFields }, this.clock, this.log)));
    return inf as unknown as Informer<T>;
  }
}
