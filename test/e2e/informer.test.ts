/**
 * @kubernetes/client-node informers (list + watch) keep an exact mirror of 1,000 objects under
 * concurrent creates, updates and deletes, across a server restart that loses the watch
 * history (the informer gets a 410, relists and converges).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { adminClient, eventually, freePort, startApiServer } from './harness.js';

it('client-node informer mirrors 1,000 objects through churn and a restart', async () => {
  const port = await freePort();
  let s = await startApiServer({ port, args: ['--compaction-interval-seconds', '2'] });
  let call = await adminClient(s.kubeconfig);
  const create = async (i: number) => {
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `cm-${i}`, labels: { batch: String(i % 10) } }, data: { v: '0' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const inBatches = async (ids: number[], fn: (i: number) => Promise<void>) => {
    for (let k = 0; k < ids.length; k += 32) await Promise.all(ids.slice(k, k + 32).map(fn));
  };
  await inBatches([...Array(1000).keys()], create);

  const kc = new KubeConfig();
  kc.loadFromFile(s.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
  // Only the test's objects: every namespace also holds the kube-root-ca.crt ConfigMap.
  const mine = () => informer.list().filter((o) => o.metadata!.name!.startsWith('cm-'));
  let stopped = false;
  let errors = 0;
  informer.on('error', () => {
    errors++;
    if (!stopped) setTimeout(() => void informer.start().catch(() => {}), 200);
  });
  await informer.start();
  try {
    await eventually(() => mine().length === 1000, 20_000, 'initial sync');

    const churn = async () => {
      await inBatches([...Array(300).keys()], async (i) => {
        const r = await call('PATCH', `/api/v1/namespaces/default/configmaps/cm-${i}`, { data: { v: '1' } });
        if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      });
      await inBatches([...Array(200).keys()].map((i) => 300 + i), async (i) => {
        await call('DELETE', `/api/v1/namespaces/default/configmaps/cm-${i}`);
      });
    };
    await churn();
    // Restart: the new server's watch cache holds no history from before, so resuming watches get 410.
    await s.stop();
    s = await startApiServer({ port, dir: s.dir, args: ['--compaction-interval-seconds', '2'] });
    call = await adminClient(s.kubeconfig);
    await inBatches([...Array(200).keys()].map((i) => 1000 + i), create);
    await inBatches([...Array(100).keys()].map((i) => 600 + i), async (i) => {
      await call('PATCH', `/api/v1/namespaces/default/configmaps/cm-${i}`, { data: { v: '2' } });
    });

    const truth = async () => {
      const r = await call('GET', '/api/v1/namespaces/default/configmaps');
      return new Map<string, string>(r.body.items.filter((o: any) => o.metadata.name.startsWith('cm-')).map((o: any) => [o.metadata.name, o.metadata.resourceVersion]));
    };
    await eventually(async () => {
      const want = await truth();
      const have = new Map(mine().map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
      return want.size === have.size && [...want].every(([k, v]) => have.get(k) === v);
    }, 30_000, 'informer to converge');
    const mirror = mine();
    assert.equal(mirror.length, 1000 - 200 + 200);
    assert.equal(mirror.find((o) => o.metadata!.name === 'cm-650')!.data!.v, '2');
    assert.equal(mirror.some((o) => o.metadata!.name === 'cm-350'), false);
  } finally {
    stopped = true;
    await informer.stop();
    await s.cleanup();
  }
  void errors;
});
