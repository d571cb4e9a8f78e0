/**
 * Nothing is lost on restart (shared/ARCHITECTURE.md rule 6): a new EKS service over the same
 * store finishes a CREATING cluster, an in-flight update and a DELETING cluster; a cluster whose
 * role vanished before activation ends FAILED with health issues; the reconciler framework runs
 * registered kinds, re-runs a step after a concurrent change and retries a step that threw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateClusterCommand, DeleteClusterCommand, DescribeClusterCommand, DescribeUpdateCommand, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { ManualClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import { clusterInput, EKS_ROLE, FakeEc2, FakeIam, rejection, startEks } from './eks.test-helper.js';
import { Reconciler } from './reconciler.js';
import { tableOf, type Lifecycle } from './state.js';

describe('restart', () => {
  it('a new service over the same store finishes a CREATING cluster and an in-flight update', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const ec2 = new FakeEc2();
    const iam = new FakeIam();
    const first = await startEks({ clock, store, ec2, iam });
    await first.eks.send(new CreateClusterCommand(clusterInput('old')));
    await first.svc.reconciler.idle();
    clock.advance(1000);
    await first.svc.reconciler.idle();
    const upd = await first.eks.send(new UpdateClusterConfigCommand({ name: 'old', deletionProtection: true }));
    await first.eks.send(new CreateClusterCommand(clusterInput('young')));
    await first.stop();

    // Down for a while: due times pass with nobody watching.
    clock.advance(5000);
    const second = await startEks({ clock, store, ec2, iam });
    await second.svc.reconciler.idle();
    const young = (await second.eks.send(new DescribeClusterCommand({ name: 'young' }))).cluster!;
    assert.equal(young.status, 'ACTIVE');
    assert.match(young.endpoint ?? '', /^https:\/\/[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
    assert.equal((await second.eks.send(new DescribeUpdateCommand({ name: 'old', updateId: upd.update!.id! }))).update?.status, 'Successful');
    const old = (await second.eks.send(new DescribeClusterCommand({ name: 'old' }))).cluster!;
    assert.equal(old.status, 'ACTIVE');
    assert.equal(old.deletionProtection, true);
    await second.stop();
  });

  it('a cluster created without a running reconciler is picked up at start, and a DELETING one finishes', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const dormant = await startEks({ clock, store, start: false });
    await dormant.eks.send(new CreateClusterCommand(clusterInput('c')));
    assert.equal((await dormant.eks.send(new DescribeClusterCommand({ name: 'c' }))).cluster?.status, 'CREATING');
    await dormant.eks.send(new DeleteClusterCommand({ name: 'c' }));
    await dormant.stop();
    clock.advance(1000);
    const live = await startEks({ clock, store });
    await live.svc.reconciler.idle();
    const err = await rejection(live.eks.send(new DescribeClusterCommand({ name: 'c' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    await live.stop();
  });
});

describe('FAILED clusters', () => {
  it('a role deleted before activation fails the cluster with IamRoleNotFound; it can still be deleted', async () => {
    const clock = new ManualClock();
    const srv = await startEks({ clock });
    await srv.eks.send(new CreateClusterCommand(clusterInput('doomed')));
    await srv.svc.reconciler.idle();
    srv.iam.roles.delete(EKS_ROLE);
    clock.advance(1000);
    await srv.svc.reconciler.idle();
    const c = (await srv.eks.send(new DescribeClusterCommand({ name: 'doomed' }))).cluster!;
    assert.equal(c.status, 'FAILED');
    assert.equal(c.endpoint, undefined);
    assert.deepEqual(c.health?.issues, [{ code: 'IamRoleNotFound', message: `The cluster role ${EKS_ROLE} does not exist.`, resourceIds: [EKS_ROLE] }]);
    assert.equal((await srv.eks.send(new DeleteClusterCommand({ name: 'doomed' }))).cluster?.status, 'DELETING');
    clock.advance(1000);
    await srv.svc.reconciler.idle();
    assert.equal((await rejection(srv.eks.send(new DescribeClusterCommand({ name: 'doomed' })))).name, 'ResourceNotFoundException');
    await srv.stop();
  });

  it('a trust policy changed before activation is AccessDenied; a deleted subnet is Ec2SubnetNotFound', async () => {
    const clock = new ManualClock();
    const srv = await startEks({ clock });
    await srv.eks.send(new CreateClusterCommand(clusterInput('t')));
    await srv.svc.reconciler.idle();
    srv.iam.roles.set(EKS_ROLE, new Set(['ec2.amazonaws.com']));
    srv.ec2.subnets.delete('subnet-b');
    clock.advance(1000);
    await srv.svc.reconciler.idle();
    const c = (await srv.eks.send(new DescribeClusterCommand({ name: 't' }))).cluster!;
    assert.equal(c.status, 'FAILED');
    assert.deepEqual(c.health?.issues?.map((i) => i.code), ['AccessDenied', 'Ec2SubnetNotFound']);
    assert.deepEqual(c.health?.issues?.[1]?.resourceIds, ['subnet-b']);
    await srv.stop();
  });

  it('the cluster waits for the control plane to report ready', async () => {
    const clock = new ManualClock();
    let ready = false;
    const srv = await startEks({
      clock,
      controlPlane: {
        async provision(c) {
          return { endpoint: `https://cp-${c.name}.example`, certificateAuthorityData: 'Q0E=', oidcIssuer: 'https://oidc.example/id/X' };
        },
        async ready() {
          return ready;
        },
        async deprovision() {},
      },
    });
    await srv.eks.send(new CreateClusterCommand(clusterInput('slow')));
    await srv.svc.reconciler.idle();
    clock.advance(5000);
    await srv.svc.reconciler.idle();
    assert.equal((await srv.eks.send(new DescribeClusterCommand({ name: 'slow' }))).cluster?.status, 'CREATING');
    ready = true;
    clock.advance(250);
    await srv.svc.reconciler.idle();
    const c = (await srv.eks.send(new DescribeClusterCommand({ name: 'slow' }))).cluster!;
    assert.equal(c.status, 'ACTIVE');
    assert.equal(c.endpoint, 'https://cp-slow.example');
    await srv.stop();
  });
});

describe('Reconciler framework', () => {
  interface Thing {
    n: number;
    lifecycle?: Lifecycle;
  }
  const scope = { account: '111111111111', region: 'eu-west-1' };

  it('advances a registered kind when due, across regions, and deletes on remove', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const r = new Reconciler({ store, clock, log: silentLogger() });
    r.register<Thing>({
      kind: 'things',
      async advance(t, ctx) {
        if (t.n >= 3) return { remove: true };
        return { put: { n: t.n + 1, lifecycle: { phase: 'count', startedAt: ctx.now, dueAt: ctx.now + 10 } } };
      },
    });
    assert.throws(() => r.register({ kind: 'things', advance: async () => undefined }), /registered twice/);
    const table = tableOf<Thing>(store, scope, 'things');
    await table.create('a', { n: 0, lifecycle: { phase: 'count', startedAt: clock.now(), dueAt: clock.now() + 10 } });
    await table.create('b', { n: 0 });
    const ac = new AbortController();
    await r.start(ac.signal);
    clock.advance(10);
    await r.idle();
    assert.equal((await table.get('a'))?.value.n, 1);
    for (let i = 0; i < 3; i++) {
      clock.advance(10);
      await r.idle();
    }
    assert.equal(await table.get('a'), undefined);
    assert.equal((await table.get('b'))?.value.n, 0);
    ac.abort();
  });

  it('re-runs a step whose write lost to a concurrent change, and retries a step that threw', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const r = new Reconciler({ store, clock, log: silentLogger(), retryMs: 100 });
    const table = tableOf<Thing>(store, scope, 'things');
    let calls = 0;
    r.register<Thing>({
      kind: 'things',
      async advance(t) {
        calls++;
        if (calls === 1) await table.modify('x', (v) => ({ ...v, n: 10 }));
        if (calls === 2) throw new Error('transient');
        return { put: { n: t.n + 1 } };
      },
    });
    await table.create('x', { n: 0, lifecycle: { phase: 'p', startedAt: 0, dueAt: clock.now() } });
    const ac = new AbortController();
    await r.start(ac.signal);
    await r.idle();
    assert.equal(calls, 2);
    clock.advance(100);
    await r.idle();
    assert.equal(calls, 3);
    assert.deepEqual((await table.get('x'))?.value, { n: 11 });
    ac.abort();
  });

  it('kicked with the value just written, schedules it by its due time without reading it, and reads it again when that time comes', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    let gets = 0;
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      get: (key: string) => {
        gets++;
        return store.get(key);
      },
    });
    const r = new Reconciler({ store: counting, clock, log: silentLogger() });
    const seen: number[] = [];
    r.register<Thing>({
      kind: 'things',
      async advance(t) {
        seen.push(t.n);
        return { put: { n: t.n } };
      },
    });
    const table = tableOf<Thing>(store, scope, 'things');
    const ac = new AbortController();
    await r.start(ac.signal);
    const written = { n: 1, lifecycle: { phase: 'p', startedAt: clock.now(), dueAt: clock.now() + 50 } };
    await table.create('y', written);
    r.kick({ kind: 'things', ...scope, id: 'y' }, written);
    await r.idle();
    assert.equal(gets, 0, 'a future due time needs no read');
    // Changed meanwhile: the step sees the stored value, not the one it was kicked with.
    await table.modify('y', (v) => ({ ...v, n: 2 }));
    clock.advance(50);
    await r.idle();
    assert.deepEqual(seen, [2]);
    assert.ok(gets > 0);
    // Kicked with a value already due: looked at now.
    const due = { n: 3, lifecycle: { phase: 'p', startedAt: clock.now(), dueAt: clock.now() } };
    await table.update('y', due, (await table.get('y'))!.revision);
    r.kick({ kind: 'things', ...scope, id: 'y' }, due);
    await r.idle();
    assert.deepEqual(seen, [2, 3]);
    ac.abort();
  });
});
