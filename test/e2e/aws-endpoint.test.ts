/**
 * `eksplane server` answers /healthz, and AWS operations it does not implement yet get the
 * protocol's own error with HTTP 501 naming the operation, as the real aws CLI shows it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
let url = '';
let dir = '';
let proc: ReturnType<typeof spawn>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eksplane-aws-'));
  proc = spawn(process.execPath, [join(ROOT, 'bin/eksplane.js'), 'server', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
});

after(() => {
  proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const awsAs = (key: string, secret: string, ...args: string[]) =>
  spawnSync('aws', ['--endpoint-url', url, '--region', 'us-east-1', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret, AWS_MAX_ATTEMPTS: '1', HOME: dir },
  });
const aws = (...args: string[]) => awsAs('test', 'test', ...args);

it('answers /healthz', async () => {
  const r = await fetch(`${url}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
});

it('names the operation it does not implement, in each protocol', () => {
  const eks = aws('eks', 'list-clusters');
  assert.notEqual(eks.status, 0);
  assert.match(eks.stderr, /\(NotImplemented\).*not implemented by eksplane yet/);
  const kms = aws('kms', 'list-keys');
  assert.match(kms.stderr, /\(NotImplemented\).*ListKeys of service kms/);
  const sts = aws('sts', 'get-caller-identity');
  assert.match(sts.stderr, /\(NotImplemented\).*GetCallerIdentity of service sts/);
});

it('verifies signatures: unknown keys and wrong secrets are refused in each service\'s words', () => {
  const unknown = awsAs('AKIAUNKNOWNKEY000000', 'x', 'eks', 'list-clusters');
  assert.match(unknown.stderr, /\(UnrecognizedClientException\).*The security token included in the request is invalid/);
  const wrong = awsAs('test', 'not-the-secret', 'kms', 'list-keys');
  assert.match(wrong.stderr, /\(InvalidSignatureException\)/);
  const iamWrong = awsAs('test', 'not-the-secret', 'iam', 'list-users');
  assert.match(iamWrong.stderr, /\(SignatureDoesNotMatch\)/);
});
