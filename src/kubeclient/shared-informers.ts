/**
 * One informer per (resource, selectors) for every controller of a cluster, as client-go's
 * SharedInformerFactory: the scheduler, the kubelets and a dozen controllers all read pods, and at
 * 150,000 pods one watch and one cached copy is the difference between fitting in memory and not.
 * Informers are created on first request and counted on start/stop (Informer.start), so a
 * controller starts and stops the informers it asked for exactly as it would its own.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from './client.js';
import { Informer, type InformerOptions } from './informer.js';
import type { KubeObject } from './types.js';

export class SharedInformers {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(
    readonly client: KubeClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * The shared informer for these options. A `transform` makes an informer private to the caller
   * (a trimmed cache cannot serve someone who wants whole objects), so it is not shared.
   */
  informer<T extends KubeObject = KubeObject>(opts: InformerOptions<T>): Informer<T> {
    if (opts.transform) return new Informer<T>(this.client, opts, this.clock, this.log);
    const r = opts.resource;
    const key = [r.group, r.version, r.resource, r.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) this.informers.set(key, (inf = new Informer<KubeObject>(this.client, opts as InformerOptions<KubeObject>, this.clock, this.log)));
    return inf as unknown as Informer<T>;
  }
}
