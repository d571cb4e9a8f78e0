/**
 * Nothing is lost on restart: a cluster created through the AWS endpoint comes back after the
 * server is killed (SIGKILL) with the same endpoint, CA and objects, and the same kubeconfig works.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { freePort } from './harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;

async function startServer(dir: string, port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin/eksplane.js'), 'server', '--port', String(port), '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, EKSPLANE_LOG_LEVEL: 'warn' } });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  return proc;
}

it('a cluster survives kill -9 of the server with its endpoint, CA and objects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksplane-restart-'));
  const port = await freePort();
  const env = { ...process.env, HOME: join(dir, 'home'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  const aws = (...args: string[]) => spawnSync('aws', ['--endpoint-url', `http://127.0.0.1:${port}`, ...args], { encoding: 'utf8', env });
  const kubeconfig = join(dir, 'kubeconfig');
  const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env });
  let proc = await startServer(join(dir, 'data'), port);
  try {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const roleArn = JSON.parse(aws('iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', trust).stdout).Role.Arn;
    const subnets = JSON.parse(aws('ec2', 'describe-subnets').stdout).Subnets.slice(0, 2).map((s: { SubnetId: string }) => s.SubnetId).join(',');
    assert.equal(aws('eks', 'create-cluster', '--name', 'keep', '--role-arn', roleArn, '--resources-vpc-config', `subnetIds=${subnets}`).status, 0);
    // botocore's cluster_active waiter sleeps 30 s after a CREATING answer; poll faster here.
    for (let i = 0; i < 80 && JSON.parse(aws('eks', 'describe-cluster', '--name', 'keep').stdout).cluster.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 250));
    const before = JSON.parse(aws('eks', 'describe-cluster', '--name', 'keep').stdout).cluster;
    assert.equal(aws('eks', 'update-kubeconfig', '--name', 'keep', '--kubeconfig', kubeconfig).status, 0);
    const created = kubectl('create', 'configmap', 'kept', '--from-literal=k=v');
    assert.equal(created.status, 0, created.stderr);

    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    proc = await startServer(join(dir, 'data'), port);

    const after = JSON.parse(aws('eks', 'describe-cluster', '--name', 'keep').stdout).cluster;
    assert.equal(after.status, 'ACTIVE');
    assert.equal(after.endpoint, before.endpoint);
    assert.equal(after.certificateAuthority.data, before.certificateAuthority.data);
    let got = kubectl('get', 'configmap', 'kept', '-o', 'jsonpath={.data.k}');
    for (let i = 0; i < 50 && got.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      got = kubectl('get', 'configmap', 'kept', '-o', 'jsonpath={.data.k}');
    }
    assert.equal(got.stdout, 'v', got.stderr);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
