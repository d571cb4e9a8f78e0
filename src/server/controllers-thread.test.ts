/**
 * The controllers' thread over a real in-process API server: its controllers act (a new
 * namespace gets its `default` service account), a thread that dies is started again and its
 * controllers act again, and stop ends it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { KubeClient } from '../kubeclient/client.js';
import { eventually } from '../kubeclient/testing.js';
import { silentLogger } from '../lib/logger.js';
import { ControllersThread } from './controllers-thread.js';
import { startInProcessCluster, type InProcessCluster } from './in-process-transport.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE_ACCOUNTS = { group: '', version: 'v1', resource: 'serviceaccounts' };

let cluster: InProcessCluster;
let thread: ControllersThread;

before(async () => {
  cluster = await startInProcessCluster();
  thread = new ControllersThread('silent');
  await thread.start({ api: cluster.api, log: silentLogger(), identity: 'test-replica', serviceAccount: {} });
});

after(async () => {
  await thread.stop();
  await cluster.stop();
});

async function defaultServiceAccountAppears(ns: string): Promise<void> {
  const client = new KubeClient(cluster.transport);
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const sa = await eventually(() => client.get({ ...SERVICE_ACCOUNTS, namespace: ns, name: 'default' }), { timeoutMs: 15_000 });
  assert.equal(sa.metadata?.name, 'default');
}

test('the thread runs the controllers, and runs them again after it died', { timeout: 60_000 }, async () => {
  await defaultServiceAccountAppears('before-crash');
  // As if the thread crashed: end it from outside.
  await (thread as unknown as { worker: Worker }).worker.terminate();
  await defaultServiceAccountAppears('after-crash');
});
