import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { KubeClient } from './client.js';
import { InformerTerms, LeaderElector, leaderIdentity, type LeaderElectionConfig } from './leader-election.js';
import { SharedInformers } from './shared-informers.js';
import { eventually } from './testing.js';
import type { KubeObject } from './types.js';

const LEASE = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' };

let clock: ManualClock;
let cluster: InProcessCluster;
let client: KubeClient;
const electors: LeaderElector[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
});

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
  await cluster.stop();
});

interface Probe {
  elector: LeaderElector;
  leading: boolean;
  starts: number;
  stops: number;
  signal?: AbortSignal;
}

function elector(identity: string, extra: Partial<LeaderElectionConfig> = {}): Probe {
  const p: Probe = { leading: false, starts: 0, stops: 0 } as Probe;
  p.elector = new LeaderElector({
    client,
    lease: { namespace: 'kube-system', name: 'kube-controller-manager' },
    identity,
    clock,
    log: silentLogger(),
    jitterFactor: 0,
    onStartedLeading(signal) {
      p.leading = true;
      p.starts++;
      p.signal = signal;
    },
    onStoppedLeading() {
      p.leading = false;
      p.stops++;
    },
    ...extra,
  });
  electors.push(p.elector);
  return p;
}

const lease = () => client.get<Lease & KubeObject>(LEASE);
/** Lets in-flight API calls finish without moving the clock. */
const settle = () => new Promise((r) => setTimeout(r, 20));

test('identity is <hostname>_<uuid>', () => {
  assert.match(leaderIdentity(), /^.+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('a lone elector leads at once and writes the Lease as client-go does; it renews every RetryPeriod', async () => {
  const a = elector('host-a_1');
  a.elector.start();
  await eventually(() => a.leading);
  const l = await lease();
  assert.equal(l.spec?.holderIdentity, 'host-a_1');
  assert.equal(l.spec?.leaseDurationSeconds, 15);
  assert.equal(l.spec?.leaseTransitions, 0);
  assert.match(l.spec?.acquireTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const acquired = l.spec?.acquireTime;
  clock.advance(2000);
  await eventually(async () => (await lease()).spec?.renewTime !== l.spec?.renewTime);
  const renewed = await lease();
  assert.equal(renewed.spec?.acquireTime, acquired);
  assert.equal(renewed.spec?.holderIdentity, 'host-a_1');
});

test('two electors on one Lease: exactly one leads, the other stands by while it is renewed', async () => {
  const a = elector('host-a_1');
  const b = elector('host-b_2');
  a.elector.start();
  b.elector.start();
  await eventually(() => a.leading || b.leading);
  for (let i = 0; i < 20; i++) {
    clock.advance(1000);
    await settle();
    assert.equal(Number(a.leading) + Number(b.leading), 1);
  }
  const leader = a.leading ? a : b;
  assert.equal((await lease()).spec?.holderIdentity, leader.elector.identity);
  assert.equal(leader.starts, 1);
});

test('a leader that hangs (stops without releasing) is taken over after LeaseDuration', async () => {
  const a = elector('host-a_1', { releaseOnCancel: false });
  a.elector.start();
  await eventually(() => a.leading);
  const b = elector('host-b_2');
  b.elector.start();
  await settle();
  assert.equal(b.leading, false);
  await a.elector.stop();
  assert.equal((await lease()).spec?.holderIdentity, 'host-a_1', 'not released');
  // b first saw the record at t0; it must wait a full LeaseDuration from then.
  for (let t = 0; t < 12_000; t += 2000) {
    clock.advance(2000);
    await settle();
    assert.equal(b.leading, false, `not before LeaseDuration (t=${t + 2000})`);
  }
  await eventually(() => b.leading, { clock, stepMs: 1000 });
  const l = await lease();
  assert.equal(l.spec?.holderIdentity, 'host-b_2');
  assert.equal(l.spec?.leaseTransitions, 1);
});

test('release on stop: the Lease is cleared (leaseDurationSeconds 1) and the standby takes over at its next try', async () => {
  const a = elector('host-a_1');
  a.elector.start();
  await eventually(() => a.leading);
  const b = elector('host-b_2');
  b.elector.start();
  await settle();
  await a.elector.stop();
  assert.equal(a.stops, 1);
  assert.equal(a.signal?.aborted, true);
  const released = await lease();
  assert.equal(released.spec?.holderIdentity ?? '', '');
  assert.equal(released.spec?.leaseDurationSeconds, 1);
  clock.advance(2000);
  await eventually(() => b.leading);
  assert.equal((await lease()).spec?.leaseTransitions, 1);
});

test('a conflicting write to the Lease makes a renew fall back to the slow path; a leader whose Lease was taken stops leading', async () => {
  const a = elector('host-a_1');
  a.elector.start();
  await eventually(() => a.leading);
  // Someone else bumps the Lease (same holder): the cached resourceVersion is stale.
  const l = await lease();
  await client.update(LEASE, { ...l, metadata: { ...l.metadata, labels: { touched: 'yes' } } } as Lease & KubeObject);
  clock.advance(2000);
  await eventually(async () => (await lease()).spec?.renewTime !== l.spec?.renewTime);
  assert.equal(a.leading, true, 'conflict on the fast path is retried after a fresh read');
  // Another replica takes the Lease by force: the leader can no longer renew and steps down.
  const now = await lease();
  await client.update(LEASE, { ...now, spec: { ...now.spec, holderIdentity: 'host-z_9', leaseTransitions: 1 } } as Lease & KubeObject);
  await eventually(() => !a.leading, { clock, stepMs: 1000 });
  assert.equal(a.stops, 1);
  assert.equal(a.signal?.aborted, true);
  assert.equal((await lease()).spec?.holderIdentity, 'host-z_9');
});

test('two electors racing to create the Lease: one create wins, the other loses on AlreadyExists', async () => {
  const a = elector('host-a_1');
  const b = elector('host-b_2');
  a.elector.start();
  b.elector.start();
  await eventually(() => a.leading || b.leading);
  await settle();
  assert.equal(Number(a.leading) + Number(b.leading), 1);
});

test('informer terms: the handlers of a stopped term go quiet and the shared informer keeps serving the next term', async () => {
  const base = new SharedInformers(client, clock, silentLogger());
  const terms = new InformerTerms(base, clock, silentLogger());
  const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };
  const seen1: string[] = [];
  const t1 = terms.begin();
  const inf1 = t1.informers.informer({ resource: cms });
  inf1.addEventHandler({ onAdd: (o) => seen1.push(o.metadata?.name ?? '') });
  inf1.start();
  assert.equal(await inf1.waitForSync(), true);
  await client.create(cms, { metadata: { name: 'one' } });
  await eventually(() => seen1.includes('one'));
  // The term's component stops its informer and the term ends.
  await inf1.stop();
  t1.end();
  await client.create(cms, { metadata: { name: 'two' } });
  const seen2: string[] = [];
  const t2 = terms.begin();
  const inf2 = t2.informers.informer({ resource: cms });
  inf2.addEventHandler({ onAdd: (o) => seen2.push(o.metadata?.name ?? '') });
  inf2.start();
  await eventually(() => seen2.includes('two') && seen2.includes('one'));
  assert.deepEqual(seen1, ['one'], 'the ended term heard nothing more');
  await inf2.stop();
  await terms.close();
});
