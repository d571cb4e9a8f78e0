/**
 * `kubectl drain` (1.32) against a spawned `eksplane apiserver`: kubectl finds pods/eviction in
 * discovery, cordons the node, evicts its pods through the Eviction API and waits for them to go;
 * a PodDisruptionBudget with no disruption left holds a pod back with upstream's 429 message until
 * the budget allows it. The test plays kubelet (pod statuses); the server's disruption controller
 * keeps the budget's status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const POD = (name: string, app: string, node = 'n1') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${app}}}
spec:
  nodeName: ${node}
  containers: [{name: c, image: nginx}]
`;

describe('kubectl drain', () => {
  let s: RunningApiServer;
  const ok = (args: string[], input?: string) => {
    const r = s.kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const running = (name: string) =>
    ok(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })]);
  const allowed = () => ok(['get', 'pdb', 'db', '-o', 'jsonpath={.status.disruptionsAllowed}']);

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('evicts through the Eviction API and respects the disruption budget', async () => {
    ok(['apply', '-f', '-'], `apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\n${POD('db-1', 'db')}---\n${POD('db-2', 'db')}---\n${POD('loose', 'free')}`);
    running('db-1');
    running('db-2');
    ok(['create', 'pdb', 'db', '--selector=app=db', '--min-available=1']);
    await eventually(() => allowed() === '1', 10_000, 'the budget to allow one disruption');

    const blocked = s.kubectl(['drain', 'n1', '--force', '--grace-period=0', '--timeout=3s']);
    assert.notEqual(blocked.code, 0, blocked.stdout);
    assert.match(blocked.stdout + blocked.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.equal(ok(['get', 'node', 'n1', '-o', 'jsonpath={.spec.unschedulable}']), 'true');
    const left = ok(['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter(Boolean);
    assert.equal(left.length, 1, `one db pod is held back: ${left.join(' ')}`);
    assert.match(left[0]!, /^db-/);
    assert.equal(allowed(), '0');

    // A replacement comes up elsewhere: the budget has room again and the drain completes.
    ok(['apply', '-f', '-'], `apiVersion: v1\nkind: Node\nmetadata: {name: n2}\n---\n${POD('db-3', 'db', 'n2')}`);
    running('db-3');
    await eventually(() => allowed() === '1', 10_000, 'room in the budget again');
    const drained = s.kubectl(['drain', 'n1', '--force', '--grace-period=0', '--timeout=10s']);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /evicted/);
    assert.match(drained.stdout, /node\/n1 drained/);
    assert.equal(ok(['get', 'pods', '-o', 'name']).trim(), 'pod/db-3');
  });
});
