/**
 * Stock kubectl's exec, attach and port-forward against `eksplane apiserver`, for a pod bound by
 * hand to a Node: there is no container process to connect to, so each must end quickly with a
 * non-zero exit and the server's reason ("… is not supported by eksplane's simulated container
 * runtime …") on stderr — not hang on a stream that never opens. kubectl 1.32 tries a websocket
 * upgrade first for exec/attach/port-forward and falls back to SPDY when the upgrade is refused;
 * either way the error Status from the server is what the user sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiServer, type RunningApiServer } from './harness.js';

let server: RunningApiServer;
const NOT_SUPPORTED = /not supported by eksplane's simulated container runtime/;

before(async () => {
  server = await startApiServer();
  const node = JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-1-10.ec2.internal' } });
  assert.equal(server.kubectl(['create', '-f', '-'], node).code, 0);
  const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
  const created = server.kubectl(['create', '-f', '-'], pod);
  assert.equal(created.code, 0, created.stderr);
  const binding = JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'ip-10-0-1-10.ec2.internal' } });
  const bound = server.kubectl(['create', '--raw', '/api/v1/namespaces/default/pods/web/binding', '-f', '-'], binding);
  assert.equal(bound.code, 0, bound.stderr);
  // kubectl port-forward and attach look at the phase first: the pod runs, as its kubelet would report.
  const running = server.kubectl(['patch', 'pod', 'web', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })]);
  assert.equal(running.code, 0, running.stderr);
});
after(async () => {
  await server.cleanup();
});

describe('kubectl exec, attach and port-forward on a simulated pod', () => {
  for (const [what, args] of [
    ['exec', ['exec', 'web', '--', 'ls']],
    ['exec -it', ['exec', '-i', 'web', '--', 'sh']],
    ['attach', ['attach', 'web']],
    ['port-forward', ['port-forward', 'pod/web', '18080:80']],
  ] as const) {
    it(`${what} fails fast with the simulated runtime's message`, () => {
      const started = Date.now();
      const r = server.kubectl([...args, '--request-timeout=20s']);
      const took = Date.now() - started;
      assert.notEqual(r.code, 0, `${what} exited 0: ${r.stdout}`);
      assert.match(r.stderr, NOT_SUPPORTED, `${what} stderr: ${r.stderr}`);
      assert.ok(took < 15_000, `${what} took ${took} ms`);
    });
  }

  it('exec into a pod not on a node yet gets upstream\'s "does not have a host assigned"', () => {
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'floating', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    assert.equal(server.kubectl(['create', '-f', '-'], pod).code, 0);
    const r = server.kubectl(['exec', 'floating', '--request-timeout=20s', '--', 'ls']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pod floating does not have a host assigned/);
  });
});
