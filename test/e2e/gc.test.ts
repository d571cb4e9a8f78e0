/**
 * Garbage collection and namespace lifecycle through kubectl: `delete --cascade` background,
 * foreground and orphan, and deleting a namespace empties it, then removes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

describe('garbage collection and namespaces', () => {
  let s: RunningApiServer;
  const ok = (...args: string[]) => {
    const r = s.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const apply = (yaml: string) => {
    const r = s.kubectl(['apply', '-f', '-'], yaml);
    assert.equal(r.code, 0, r.stderr);
  };
  /**
   * A Deployment and a ReplicaSet it owns. The RS carries the selector's labels: the deployment
   * controller would otherwise release it, as upstream's does.
   */
  const ownerWithDependent = (name: string) => {
    apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`);
    const uid = ok('get', 'deploy', name, '-o', 'jsonpath={.metadata.uid}');
    apply(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}-rs
  labels: {app: ${name}}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: ${name}, uid: ${uid}, controller: true, blockOwnerDeletion: true}]
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`);
  };
  const exists = (...args: string[]) => s.kubectl(['get', ...args]).code === 0;

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('background: the owner goes at once and its dependents follow', async () => {
    ownerWithDependent('bg');
    ok('delete', 'deploy', 'bg', '--cascade=background');
    assert.equal(exists('deploy', 'bg'), false);
    await eventually(() => !exists('rs', 'bg-rs'), 15_000, 'dependent to be collected');
  });

  it('foreground: the owner waits for its blocking dependents', async () => {
    ownerWithDependent('fg');
    ok('delete', 'deploy', 'fg', '--cascade=foreground', '--wait=true', '--timeout=20s');
    assert.equal(exists('rs', 'fg-rs'), false);
    assert.equal(exists('deploy', 'fg'), false);
  });

  it('orphan: dependents survive without the owner reference', async () => {
    ownerWithDependent('or');
    ok('delete', 'deploy', 'or', '--cascade=orphan', '--wait=true', '--timeout=20s');
    assert.equal(exists('deploy', 'or'), false);
    await eventually(() => ok('get', 'rs', 'or-rs', '-o', 'jsonpath={.metadata.ownerReferences}') === '', 15_000, 'owner reference removed');
  });

  it('deleting a namespace empties it, then removes it', () => {
    ok('create', 'namespace', 'doomed');
    ok('create', 'configmap', 'c1', '-n', 'doomed');
    ok('create', 'secret', 'generic', 's1', '-n', 'doomed', '--from-literal=a=b');
    ok('delete', 'namespace', 'doomed', '--timeout=30s');
    assert.equal(exists('namespace', 'doomed'), false);
    assert.equal(exists('configmap', 'c1', '-n', 'doomed'), false);
    const refused = s.kubectl(['create', 'configmap', 'late', '-n', 'doomed']);
    assert.match(refused.stderr, /namespaces "doomed" not found/);
  });
});
