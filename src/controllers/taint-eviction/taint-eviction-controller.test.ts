import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { TaintEvictionController } from './taint-eviction-controller.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let controller: TaintEvictionController;
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const UNREACHABLE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const DEFAULTS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new TaintEvictionController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

const settle = () => new Promise((r) => setTimeout(r, 30));

async function createPod(name: string, node: string, tolerations?: Toleration[]): Promise<void> {
  await client.create(PODS, { metadata: { name }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) } } as KubeObject);
}

/** Gone, or marked for deletion (the kubelet would finish it). */
async function deleted(name: string): Promise<Pod | true | undefined> {
  try {
    const p = await client.get<Pod & KubeObject>({ ...PODS, name });
    return p.metadata?.deletionTimestamp ? p : undefined;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function setTaints(node: string, taints: Taint[]): Promise<void> {
  await client.patch({ ...NODES, name: node }, { spec: { taints } }, 'merge');
}

async function events(reason: string): Promise<string[]> {
  const list = await client.list<KubeObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  return list.items.filter((e) => e.reason === reason).map((e) => e.message ?? '');
}

test('pods that do not tolerate a NoExecute taint are deleted at once, with the DisruptionTarget condition and an event', async () => {
  await client.create(NODES, { metadata: { name: 'n1' } });
  await createPod('intolerant', 'n1');
  await createPod('patient', 'n1', DEFAULTS);
  await createPod('forever', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
  await createPod('elsewhere', 'n2');
  await settle();
  await setTaints('n1', [UNREACHABLE]);
  const gone = await eventually(() => deleted('intolerant'), { timeoutMs: 3000 });
  if (gone !== true) {
    const c = gone.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
    assert.equal(c?.status, 'True');
    assert.equal(c?.reason, 'DeletionByTaintManager');
    assert.equal(c?.message, 'Taint manager: deleting due to NoExecute taint');
  }
  assert.deepEqual(await eventually(async () => {
    const msgs = await events('TaintManagerEviction');
    return msgs.length ? msgs : undefined;
  }), ['Marking for deletion Pod default/intolerant']);
  assert.equal(await deleted('patient'), undefined);
  assert.equal(await deleted('elsewhere'), undefined);
});

test('pods with tolerationSeconds go after that long; tolerating forever stays', async () => {
  clock.advance(299_000);
  await settle();
  assert.equal(await deleted('patient'), undefined, 'still within its 300 s');
  clock.advance(1_000);
  await eventually(() => deleted('patient'), { timeoutMs: 3000 });
  clock.advance(3600_000);
  await settle();
  assert.equal(await deleted('forever'), undefined);
});

test('removing the taint cancels a pending deletion', async () => {
  await client.create(NODES, { metadata: { name: 'n3' } });
  await createPod('saved', 'n3', DEFAULTS);
  await settle();
  await setTaints('n3', [UNREACHABLE]);
  await settle();
  clock.advance(100_000);
  await setTaints('n3', []);
  await eventually(async () => (await events('TaintManagerEviction')).includes('Cancelling deletion of Pod default/saved'));
  clock.advance(400_000);
  await settle();
  assert.equal(await deleted('saved'), undefined);
});
