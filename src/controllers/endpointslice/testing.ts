/**
 * Test helpers for the endpoint and disruption controllers: the test plays kubelet, so pods are
 * created bound to a node and then given an IP, a phase and a Ready condition through pods/status,
 * as a kubelet would report them. Only the public API is used.
 */
import type { ContainerPort } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import type { OwnerReference } from '../../kubeclient/types.js';
import { rfc3339, type Clock } from '../../lib/clock.js';
import { LABEL_TOPOLOGY_ZONE, NODES, PODS, type NodeObject, type PodObject } from './objects.js';

/** A Node in `zone` (no zone label when undefined). */
export function createNode(client: KubeClient, name: string, zone?: string): Promise<NodeObject> {
  return client.create<NodeObject>(NODES, { metadata: { name, labels: zone ? { [LABEL_TOPOLOGY_ZONE]: zone } : {} } });
}

export interface RunPodOptions {
  labels: Record<string, string>;
  node: string;
  /** status.podIP; none: the pod has no IP yet. */
  ip?: string;
  ready?: boolean;
  ports?: ContainerPort[];
  owner?: OwnerReference;
  /** status.phase (default Running). */
  phase?: string;
}

/** Creates a pod bound to `node` and reports its status as a kubelet would. */
export async function runPod(client: KubeClient, clock: Clock, namespace: string, name: string, o: RunPodOptions): Promise<PodObject> {
  const pod = await client.create<PodObject>(
    { ...PODS, namespace },
    {
      metadata: { name, labels: o.labels, ...(o.owner ? { ownerReferences: [o.owner] } : {}) },
      spec: { nodeName: o.node, containers: [{ name: 'app', image: 'nginx', ports: o.ports ?? [] }] },
    },
  );
  return reportStatus(client, clock, pod, o.ready ?? true, o.ip, o.phase ?? 'Running');
}

/** Writes the pod's phase, IP and Ready condition through pods/status. */
export function reportStatus(client: KubeClient, clock: Clock, pod: PodObject, ready: boolean, ip = pod.status?.podIP, phase = pod.status?.phase ?? 'Running'): Promise<PodObject> {
  const status = ready ? 'True' : 'False';
  const now = rfc3339(clock.now());
  return client.patch<PodObject>(
    { ...PODS, namespace: pod.metadata!.namespace, name: pod.metadata!.name, subresource: 'status' },
    {
      status: {
        phase,
        ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
        conditions: [
          { type: 'Ready', status, lastTransitionTime: now },
          { type: 'ContainersReady', status, lastTransitionTime: now },
        ],
      },
    },
    'merge',
  );
}
