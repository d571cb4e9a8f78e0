/**
 * Test helpers for workload controllers (no tests of its own; named *.test.ts because it wires
 * server layers): a cluster on a manual clock with the shared informers, optionally with admission
 * plugins such as ResourceQuota, and a stand-in kubelet that reports pods Running and Ready
 * (status patches, as a kubelet would).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { createAdmissionChain } from '../../apiserver/admission/chain.js';
import { ApiServer } from '../../apiserver/api-server.js';
import { builtinIndexes, builtinResources } from '../../apiserver/registry/builtin.js';
import { bootstrapCluster } from '../../server/bootstrap.js';
import { inProcessTransport, startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { kubernetesVersion } from '../../server/version.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import type { ControllerContext } from '../manager.js';
import { PODS } from './replicaset-controller.js';

/** An in-process API server, a client and a controller context sharing one manual clock. */
export interface TestCluster {
  cluster: InProcessCluster;
  client: KubeClient;
  clock: ManualClock;
  ctx: ControllerContext;
}

/** Starts the cluster; `admission` names the admission plugins to run (none by default, as startInProcessCluster). */
export async function startTestCluster(opts: { admission?: string[] } = {}): Promise<TestCluster> {
  const clock = new ManualClock();
  const log = silentLogger();
  const cluster = opts.admission ? await withAdmission(clock, opts.admission) : await startInProcessCluster({ clock });
  const client = new KubeClient(cluster.transport);
  return { cluster, client, clock, ctx: { client, informers: new SharedInformers(client, clock, log), clock, log } };
}

/** Reports `pod` Running and Ready since now (or `ready: false`: Running, not ready). */
export async function setPodReady(client: KubeClient, clock: ManualClock, pod: KubeObject, ready = true): Promise<void> {
  const m = pod.metadata!;
  await client.patch({ ...PODS, namespace: m.namespace, name: m.name, subresource: 'status' }, {
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(clock.now()) }] },
  });
}

/** Active pods of namespace `ns` carrying `label=value`. */
export async function listPods(client: KubeClient, ns: string, selector: string): Promise<(Pod & KubeObject)[]> {
  const list = await client.list<Pod & KubeObject>({ ...PODS, namespace: ns }, { labelSelector: selector });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function withAdmission(clock: ManualClock, plugins: string[]): Promise<InProcessCluster> {
  const store = await openMemoryStore();
  let api: ApiServer | undefined;
  const admission = createAdmissionChain({ api: () => api!, clock, log: silentLogger(), plugins });
  api = new ApiServer({ store, clock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion(), admission });
  await api.start();
  await bootstrapCluster(api);
  const server = api;
  return {
    api: server,
    transport: inProcessTransport(server),
    async stop() {
      server.stop();
      await store.close();
    },
  };
}
