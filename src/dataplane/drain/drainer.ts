/**
 * Node draining as `kubectl drain` does it (k8s.io/kubectl/pkg/drain) and as EKS drains a managed
 * node group's node before its instance terminates: cordon (spec.unschedulable), then evict every
 * pod bound to the node through the Eviction API (policy/v1 Eviction on pods/{name}/eviction) —
 * except DaemonSet-owned pods, which the DaemonSet controller would put right back, and mirror
 * pods, which belong to the kubelet — and wait for the evicted pods to be gone. An eviction that a
 * PodDisruptionBudget refuses (429 TooManyRequests; also the 500 of a pod under several budgets)
 * is retried every `retryMs` of the clock until the deadline, when the drain reports what is left
 * instead of failing: EKS's scale-in proceeds then anyway. Only the Kubernetes API is used.
 */
import type { Pod as CorePod } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { KubeApiError, isNotFound } from '../../kubeclient/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeObject } from '../../kubeclient/types.js';

type Pod = CorePod & KubeObject;

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
/** The annotation a kubelet puts on the API copy of a static pod. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** What the drainer is built over. */
export interface DrainerOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  /** Wait between refused evictions (kubectl: 5 s). */
  retryMs?: number;
  /** Wait between checks that evicted pods are gone (kubectl polls every second). */
  pollMs?: number;
}

/** How a drain ended. */
export interface DrainResult {
  node: string;
  /** `namespace/name` of the pods evicted. */
  evicted: string[];
  /** Pods still on the node at the deadline (not evicted, or evicted but not yet gone). */
  remaining: string[];
  timedOut: boolean;
}

const keyOf = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** Whether kubectl drain leaves the pod alone: DaemonSet-owned (ignore-daemonsets) or a mirror pod. */
export function skippedByDrain(p: Pod): boolean {
  if (p.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return true;
  return (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet');
}

/** Drains nodes through the API. */
export class Drainer {
  private readonly retryMs: number;
  private readonly pollMs: number;

  constructor(private readonly opts: DrainerOptions) {
    this.retryMs = opts.retryMs ?? 5000;
    this.pollMs = opts.pollMs ?? 1000;
  }

  /** Marks the node unschedulable (a no-op when it is already, or gone). */
  async cordon(node: string): Promise<void> {
    try {
      const n = await this.opts.client.get<KubeObject & { spec?: { unschedulable?: boolean } }>({ ...NODES, name: node });
      if (n.spec?.unschedulable) return;
      await this.opts.client.patch({ ...NODES, name: node }, { spec: { unschedulable: true } }, 'merge');
      this.opts.log.info({ node }, 'node cordoned');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Cordons `node` and evicts its pods, giving up at `timeoutMs` of the clock from now. */
  async drain(node: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<DrainResult> {
    const deadline = this.opts.clock.now() + o.timeoutMs;
    const log = this.opts.log.child({ node });
    await this.cordon(node);
    const pods = (await this.opts.client.listAll<Pod>(PODS, { fieldSelector: `spec.nodeName=${node}` })).items.filter((p) => !skippedByDrain(p));
    const outcomes = await Promise.all(pods.map((p) => this.evictAndWait(p, deadline, log, o.signal)));
    const evicted = pods.filter((_, i) => outcomes[i] !== 'refused').map(keyOf);
    const remaining = pods.filter((_, i) => outcomes[i] !== 'gone').map(keyOf);
    const result = { node, evicted, remaining, timedOut: remaining.length > 0 };
    if (result.timedOut) log.warn({ remaining }, 'drain timed out; pods left on the node');
    else log.info({ evicted: evicted.length }, 'node drained');
    return result;
  }

  /** Evicts one pod (retrying refusals) and waits for it to be gone: 'gone', 'evicted' (still terminating) or 'refused'. */
  private async evictAndWait(p: Pod, deadline: number, log: Logger, signal?: AbortSignal): Promise<'gone' | 'evicted' | 'refused'> {
    const { client, clock } = this.opts;
    const ref = { ...PODS, namespace: p.metadata!.namespace!, name: p.metadata!.name! };
    const uid = p.metadata?.uid;
    if (!p.metadata?.deletionTimestamp) {
      for (;;) {
        try {
          await client.create({ ...ref, subresource: 'eviction' }, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: ref.name, namespace: ref.namespace } });
          log.debug({ pod: keyOf(p) }, 'pod evicted');
          break;
        } catch (err) {
          if (isNotFound(err)) return 'gone';
          const retry = err instanceof KubeApiError && (err.code === 429 || err.code === 500);
          if (!retry) log.warn({ err, pod: keyOf(p) }, 'eviction failed; retrying');
          if (clock.now() + this.retryMs > deadline || signal?.aborted) return 'refused';
          await this.sleep(this.retryMs, signal);
        }
      }
    }
    for (;;) {
      try {
        const cur = await client.get<Pod>(ref);
        if (cur.metadata?.uid !== uid) return 'gone';
      } catch (err) {
        if (isNotFound(err)) return 'gone';
        throw err;
      }
      if (clock.now() >= deadline || signal?.aborted) return 'evicted';
      await this.sleep(Math.min(this.pollMs, deadline - clock.now()), signal);
    }
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.opts.clock.setTimer(ms, done);
      function done() {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
