/**
 * Issue 5's security scenario with only the aws CLI, stock kubectl and a Node HTTPS client
 * against `eksplane server`: a cluster created with encryptionConfig (a key from
 * `aws kms create-key`) and the audit log type; a Secret readable through kubectl and absent in
 * plaintext from every file of the data directory; the key disabled → Secret reads fail naming
 * KMS while namespaces still list; enabled → readable; publicAccessCidrs set through
 * UpdateClusterConfig (an Update that ends Successful) refuses a client from another 127.x
 * address and admits one from inside; the audit log records the requests; after SIGTERM and a
 * restart on the same data directory and port, everything still works.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startAwsServer, type RunningAwsServer } from './aws-harness.js';

let server: RunningAwsServer;
let dir = '';
let env: NodeJS.ProcessEnv;
const kubeconfig = () => join(dir, 'kubeconfig');
const PLAINTEXT = `s3cr3t-${Date.now()}-never-on-disk`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eksplane-security-'));
  server = await startAwsServer({ dataDir: join(dir, 'data') });
  env = { ...process.env, HOME: join(dir, 'home'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function aws(...args: string[]) {
  const r = spawnSync('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { encoding: 'utf8', env });
  assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trimStart().startsWith('{') ? JSON.parse(r.stdout) : r.stdout;
}
const kubectlRaw = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig(), '--request-timeout=10s', ...args], { encoding: 'utf8', env, timeout: 60_000 });
function kubectl(...args: string[]): string {
  const r = kubectlRaw(...args);
  assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} did not happen in ${ms} ms`);
    await sleep(200);
  }
}

/** GET /version anonymously from `localAddress`; rejects when the connection is dropped. */
function version(endpoint: string, caPem: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL('/version', endpoint), { ca: caPem, localAddress, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Every file under `d`, recursively. */
function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

async function updateConfig(name: string, vpc: string): Promise<void> {
  const u = aws('eks', 'update-cluster-config', '--name', name, '--resources-vpc-config', vpc).update as { id: string; type: string };
  assert.equal(u.type, 'EndpointAccessUpdate');
  await until('endpoint update Successful', () => aws('eks', 'describe-update', '--name', name, '--update-id', u.id).update.status === 'Successful');
  await until('cluster ACTIVE', () => aws('eks', 'describe-cluster', '--name', name).cluster.status === 'ACTIVE');
}

it('KMS-encrypted Secrets, endpoint access rules and the audit log survive a restart', async () => {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = aws('iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', trust).Role.Arn as string;
  const subnets = (aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').Subnets as { SubnetId: string }[]).slice(0, 3).map((s) => s.SubnetId);
  const keyArn = aws('kms', 'create-key', '--description', 'eks secrets').KeyMetadata.Arn as string;
  aws('eks', 'create-cluster', '--name', 'sec', '--role-arn', role, '--resources-vpc-config', `subnetIds=${subnets.join(',')}`,
    '--encryption-config', JSON.stringify([{ resources: ['secrets'], provider: { keyArn } }]),
    '--logging', JSON.stringify({ clusterLogging: [{ types: ['audit'], enabled: true }] }));
  const cluster = await until('cluster ACTIVE', () => {
    const c = aws('eks', 'describe-cluster', '--name', 'sec').cluster;
    return c.status === 'ACTIVE' && c;
  });
  assert.equal(cluster.encryptionConfig[0].provider.keyArn, keyArn);
  const caPem = Buffer.from(cluster.certificateAuthority.data as string, 'base64').toString();
  aws('eks', 'update-kubeconfig', '--name', 'sec', '--kubeconfig', kubeconfig());

  // A Secret: readable through kubectl, nowhere in plaintext in the data directory.
  kubectl('create', 'secret', 'generic', 'db', `--from-literal=password=${PLAINTEXT}`);
  const b64 = kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}');
  assert.equal(Buffer.from(b64, 'base64').toString(), PLAINTEXT);
  const onDisk = () => files(join(dir, 'data')).filter((f) => {
    const bytes = readFileSync(f);
    return bytes.includes(PLAINTEXT) || bytes.includes(b64);
  });
  assert.deepEqual(onDisk(), []);
  assert.ok(files(join(dir, 'data')).some((f) => readFileSync(f).includes('k8s:enc:kms:v2:aws-encryption-provider:')), 'the store holds KMS v2 envelopes');

  // The key disabled: Secret reads fail naming KMS, everything else works; enabled again: fine.
  aws('kms', 'disable-key', '--key-id', keyArn);
  const refused = kubectlRaw('get', 'secret', 'db');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /KMS key .* is Disabled \(KMS_KEY_DISABLED\)/);
  kubectl('get', 'ns');
  aws('kms', 'enable-key', '--key-id', keyArn);
  assert.equal(kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}'), b64);

  // Endpoint access: only 127.0.0.2 (and the VPC side) once publicAccessCidrs says so.
  await updateConfig('sec', 'publicAccessCidrs=127.0.0.2/32');
  assert.equal(await version(cluster.endpoint, caPem, '127.0.0.2'), 200);
  await assert.rejects(version(cluster.endpoint, caPem, '127.0.0.1'), /ECONNRESET|socket hang up|timeout/);
  assert.notEqual(kubectlRaw('get', 'ns').status, 0, 'kubectl from 127.0.0.1 is refused');
  await updateConfig('sec', 'endpointPrivateAccess=true,publicAccessCidrs=0.0.0.0/0');
  assert.equal(await version(cluster.endpoint, caPem, '127.1.0.7'), 200);
  kubectl('get', 'ns');

  // The audit log: audit.k8s.io/v1 events of the requests above.
  const auditFile = join(dir, 'data', 'audit', '000000000000', 'us-east-1', 'sec.log');
  const events = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const created = events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'secrets');
  assert.ok(created, 'secret creation audited');
  assert.equal(created.apiVersion, 'audit.k8s.io/v1');
  assert.equal(created.objectRef.name, 'db');
  assert.deepEqual(created.sourceIPs, ['127.0.0.1']);
  assert.match(created.userAgent, /^kubectl/);
  assert.equal(created.annotations['authorization.k8s.io/decision'], 'allow');
  assert.ok(events.some((e) => e.responseStatus?.code === 500 && e.objectRef?.resource === 'secrets'), 'the refused read is audited');

  // Restart on the same data directory and port: same endpoint, Secret readable, rules kept.
  const port = server.port;
  await server.stop();
  server = await startAwsServer({ dataDir: join(dir, 'data'), port });
  await until('API answers after restart', () => kubectlRaw('get', 'ns').status === 0);
  assert.equal(kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}'), b64);
  kubectl('create', 'secret', 'generic', 'after', '--from-literal=k=v-after-restart');
  assert.equal(aws('eks', 'describe-cluster', '--name', 'sec').cluster.endpoint, cluster.endpoint);
  assert.equal(await version(cluster.endpoint, caPem, '127.1.0.7'), 200);
  assert.deepEqual(onDisk(), []);
});
