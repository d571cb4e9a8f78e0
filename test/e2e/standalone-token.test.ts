/**
 * `eksplane apiserver` makes its service-account signing key on first use and keeps it in its
 * data directory: a token from `kubectl create token` authenticates kubectl, and still does after
 * the server restarts on the same directory (the key was kept, not made again).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { eventually, freePort, startApiServer, type RunningApiServer } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'eksplane-e2e-token-'));
let srv: RunningApiServer | undefined;
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `kubectl auth whoami` as the bearer of `token` only (no client certificate). */
function whoami(s: RunningApiServer, token: string): string {
  const ca = join(dir, 'ca.pem');
  const caData = /certificate-authority-data: (\S+)/.exec(readFileSync(s.kubeconfig, 'utf8'))![1]!;
  writeFileSync(ca, Buffer.from(caData, 'base64'));
  writeFileSync(join(dir, 'empty-kubeconfig'), '');
  const r = spawnSync('kubectl', ['--kubeconfig', join(dir, 'empty-kubeconfig'), '--server', s.url, '--certificate-authority', ca, '--token', token, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
    encoding: 'utf8',
    env: { ...process.env, HOME: join(dir, 'home') },
  });
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${r.stderr.trim()}`;
}

test('a service-account token from kubectl authenticates, before and after a restart', { timeout: 120_000 }, async () => {
  const port = await freePort();
  srv = await startApiServer({ dir, port });
  const pki = () => JSON.parse(readFileSync(join(dir, 'data', 'pki', 'pki.json'), 'utf8')) as { serviceAccountKey: string };
  assert.equal(pki().serviceAccountKey, '', 'no key until a token is asked for');
  await eventually(() => srv!.kubectl(['get', 'serviceaccount', 'default']).code === 0, 20_000, 'the default service account');
  const created = srv.kubectl(['create', 'token', 'default']);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.equal(whoami(srv, token), 'system:serviceaccount:default:default');
  assert.match(pki().serviceAccountKey, /BEGIN PRIVATE KEY/);

  await srv.stop();
  srv = await startApiServer({ dir, port });
  assert.equal(whoami(srv, token), 'system:serviceaccount:default:default');
  assert.match(whoami(srv, `${token.slice(0, -4)}AAAA`), /^exit 1: .*Unauthorized/);
});
