/**
 * Control planes run from first use: a provisioned cluster's endpoint listens (ready) with nothing
 * of its Kubernetes side started or stored; the first HTTPS connection brings it up and is served
 * (TLS and HTTP as usual, the bootstrap objects there); concurrent first connections share one
 * bring-up; keep-alive connections are closed when the cluster is deleted, whose endpoint then
 * refuses connections; after a restart endpoints listen again on the same port without starting
 * anything. With a data plane, an EC2 instance tagged to join an idle cluster (a self-managed
 * node) brings it up without any connection.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { IamState } from '../aws/identity/index.js';
import { createEc2 } from '../aws/services/ec2/index.js';
import { Table } from '../aws/state/table.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { issueClientCert, type CertKeyPair } from '../lib/pki.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import { ClusterInstances } from './cluster-instances.js';
import { ControlPlanes } from './control-planes.js';

const scope = { account: '000000000000', region: 'eu-west-1' };
const cluster = { ...scope, name: 'idle', id: '6a1f0c2e-8d3b-4c5a-9e7f-0a1b2c3d4e5f', arn: 'arn:aws:eks:eu-west-1:000000000000:cluster/idle', version: '1.32', platformVersion: 'eks.1', encryptsSecrets: false };

let store: Store;
let cps: ControlPlanes;
let endpoint: URL;
let ca: CertKeyPair;
let admin: CertKeyPair;
const clock = new ManualClock();

const storedObjects = async (id = cluster.id) => (await store.range(`/clusters/${id}/registry/`, { limit: 1 })).kvs.length;

function get(path: string, agent: https.Agent | false = false): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, endpoint), { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

before(async () => {
  store = await openMemoryStore();
  cps = new ControlPlanes({ store, clock, log: silentLogger(), iam: new IamState(store, { clock }) });
  endpoint = new URL((await cps.provision(cluster)).endpoint);
  ca = (await new Table<{ ca: CertKeyPair }>(store, { service: 'eksplane', account: 'all-accounts', type: 'control-planes' }).get(cluster.id))!.value.ca;
  admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'] });
});

after(async () => {
  await cps.stop();
  await store.close();
});

describe('control planes on demand', () => {
  it('a provisioned cluster listens and is ready with nothing of its Kubernetes side stored', async () => {
    assert.equal(await cps.ready(cluster), true);
    assert.equal(await storedObjects(), 0);
  });

  it('the first HTTPS requests are served by one bring-up, with the bootstrap objects in place', async () => {
    const [a, b] = await Promise.all([get('/api/v1/namespaces/kube-system'), get('/api/v1/namespaces/default/services/kubernetes')]);
    assert.equal(a.status, 200);
    assert.equal(a.body.metadata.name, 'kube-system');
    assert.equal(b.status, 200);
    assert.equal(b.body.spec.ports[0].port, 443);
    const api = await cps.apiServer(cluster.id);
    assert.ok(api);
    assert.equal(await cps.apiServer(cluster.id), api, 'one API server per cluster');
  });

  it('after a restart the endpoint listens on the same port and nothing starts until used', async () => {
    await cps.stop();
    assert.equal(await connects(Number(endpoint.port)), false);
    cps = new ControlPlanes({ store, clock, log: silentLogger(), iam: new IamState(store, { clock }) });
    const before = await store.currentRevision();
    await cps.start();
    assert.equal(await cps.ready(cluster), true);
    assert.equal(await store.currentRevision(), before, 'nothing started (nothing written) by coming back');
    assert.equal(await connects(Number(endpoint.port)), true);
    const r = await get('/api/v1/namespaces/kube-system');
    assert.equal(r.status, 200);
  });

  it('a version update restarts a running control plane, which then reports the new version', async () => {
    assert.equal((await get('/version')).body.minor, '32+');
    const before = await cps.apiServer(cluster.id);
    await cps.updated({ ...cluster, version: '1.33' });
    assert.notEqual(await cps.apiServer(cluster.id), before, 'a new API server');
    const v = await get('/version');
    assert.equal(v.body.minor, '33+');
    assert.match(v.body.gitVersion, /^v1\.33\./);
  });

  it('deleting the cluster closes its keep-alive connections and its endpoint', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await get('/version', agent)).status, 200);
    const [socket] = Object.values(agent.freeSockets).flat();
    assert.ok(socket, 'the connection is kept alive');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await cps.deprovision(cluster);
    await closed;
    agent.destroy();
    assert.equal(await connects(Number(endpoint.port)), false);
    assert.equal(await cps.ready(cluster), false);
    assert.equal(await storedObjects(), 0);
  });
});

describe('control planes on demand, with a data plane', () => {
  it('an instance tagged to join an idle cluster brings it up', async () => {
    const ec2 = createEc2({ store, clock });
    const planes = new ControlPlanes({ store, clock, log: silentLogger(), iam: new IamState(store, { clock }), dataPlane: { ec2: ec2.api, instances: new ClusterInstances(ec2.api, clock), store } });
    const selfManaged = { ...cluster, name: 'self-managed', id: '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b' };
    try {
      await planes.provision(selfManaged);
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await storedObjects(selfManaged.id), 0, 'idle: no instances to join it');
      const [subnet] = await ec2.api.defaultSubnets(scope.account, scope.region, ['eu-west-1a']);
      await ec2.api.runInstances(scope.account, scope.region, { subnetId: subnet!.subnetId, count: 1, instanceType: 't3.medium', tags: { 'kubernetes.io/cluster/self-managed': 'owned' } });
      for (let i = 0; i < 100 && (await storedObjects(selfManaged.id)) === 0; i++) {
        clock.advance(1000);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await storedObjects(selfManaged.id), 1, 'brought up: its bootstrap objects are stored');
    } finally {
      await planes.stop();
    }
  });
});
