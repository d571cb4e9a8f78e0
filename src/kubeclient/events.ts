/**
 * Records core/v1 Events the way client-go's EventRecorder + EventCorrelator do: one Event per
 * (object, type, reason, message), created with count 1 and then patched (count + 1,
 * lastTimestamp) when the same thing happens again within ten minutes, so a pod that fails to
 * schedule a thousand times is one Event with count 1000, not a thousand objects. Recording
 * never throws and never blocks the caller: a failed write is logged and dropped, as upstream.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { rfc3339 } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from './client.js';
import { isNotFound } from './errors.js';
import type { KubeObject } from './types.js';

export type EventType = 'Normal' | 'Warning';

/** Who records: `source.component` (e.g. default-scheduler, kubelet) and, for kubelets, the node. */
export interface EventSource {
  component: string;
  host?: string;
}

/** client-go's maxLruCacheEntries horizon: repeats older than this start a new Event. */
const AGGREGATE_WINDOW_MS = 10 * 60 * 1000;
/** Keys remembered at most (client-go keeps an LRU of 4096). */
const MAX_REMEMBERED = 4096;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  at: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
    private readonly source: EventSource,
    private readonly log: Logger,
  ) {}

  /** Records that `reason` happened to `obj`; returns once the write is done (callers need not await). */
  async event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const key = [m.uid ?? `${m.namespace}/${m.name}`, type, reason, message].join('\u0000');
    const now = this.clock.now();
    const prev = this.seen.get(key);
    try {
      if (prev && now - prev.at < AGGREGATE_WINDOW_MS) {
        prev.count++;
        prev.at = now;
        this.touch(key, prev);
        try {
          await this.client.patch({ group: '', version: 'v1', resource: 'events', namespace: prev.namespace, name: prev.name }, { count: prev.count, lastTimestamp: rfc3339(now) });
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // The Event expired or was deleted: start a new one.
        }
      }
      const name = `${m.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n).toString(16)}${randomBytes(2).toString('hex')}`;
      await this.client.create(
        { group: '', version: 'v1', resource: 'events', namespace },
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            kind: obj.kind,
            apiVersion: obj.apiVersion,
            namespace: m.namespace,
            name: m.name,
            uid: m.uid,
            resourceVersion: m.resourceVersion,
          },
          reason,
          message,
          type,
          source: this.source.host ? { component: this.source.component, host: this.source.host } : { component: this.source.component },
          firstTimestamp: rfc3339(now),
          lastTimestamp: rfc3339(now),
          count: 1,
          reportingComponent: this.source.component,
          reportingInstance: this.source.host ?? '',
        } as KubeObject,
      );
      this.touch(key, { name, namespace, count: 1, at: now });
    } catch (err) {
      this.log.debug({ err, reason, ns: m.namespace, name: m.name }, 'event not recorded');
    }
  }

  private touch(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }
}
