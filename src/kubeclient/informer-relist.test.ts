import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { KubeClient } from './client.js';
import { Informer } from './informer.js';
import type { KubeTransport, TransportRequest } from './transport.js';

let cluster: InProcessCluster;
const ref = { group: '', version: 'v1', resource: 'configmaps', namespace: 'relist' };

before(async () => {
  cluster = await startInProcessCluster();
  const client = new KubeClient(cluster.transport);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: 'relist' } });
  for (let i = 0; i < 7; i++) await client.create(ref, { metadata: { name: `cm-${i}` }, data: { i: String(i) } });
});
after(() => cluster.stop());

/** The in-process transport, recording list requests; `wholeLists` as given. */
function recording(wholeLists: boolean): { transport: KubeTransport; lists: TransportRequest[] } {
  const lists: TransportRequest[] = [];
  const inner = cluster.transport;
  const transport: KubeTransport = {
    wholeLists,
    request: (r) => {
      if (r.method === 'GET' && r.path.endsWith('/configmaps')) lists.push(r);
      return inner.request(r);
    },
    watch: (...a) => inner.watch(...a),
  };
  return { transport, lists };
}

async function synced(transport: KubeTransport, pageSize?: number): Promise<Informer> {
  const inf = new Informer(new KubeClient(transport), { resource: ref, pageSize }, new ManualClock(), silentLogger());
  inf.start();
  assert.ok(await inf.waitForSync());
  return inf;
}

test('over a transport that takes whole lists, an informer relists in one unpaged request', async () => {
  const { transport, lists } = recording(true);
  const inf = await synced(transport);
  assert.equal(lists.length, 1);
  assert.equal(lists[0]!.query?.limit, undefined);
  assert.equal(inf.list().length, 7);
  assert.equal((inf.get('relist', 'cm-3') as { data?: Record<string, string> } | undefined)?.data?.i, '3');
  await inf.stop();
});

test('otherwise (or with an explicit page size) it pages, and gets the same objects', async () => {
  for (const [whole, pageSize] of [[false, undefined], [true, 3]] as const) {
    const { transport, lists } = recording(whole);
    const inf = await synced(transport, pageSize);
    assert.equal(lists[0]!.query?.limit, String(pageSize ?? 500));
    if (pageSize) assert.equal(lists.length, 3);
    assert.deepEqual(inf.list().map((o) => o.metadata!.name).sort(), ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    await inf.stop();
  }
});
