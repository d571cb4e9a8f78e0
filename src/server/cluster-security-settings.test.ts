/**
 * A control plane enforcing its EKS cluster's settings, through its real HTTPS endpoint: Secrets
 * stored as KMS v2 envelopes (raw store without plaintext; KMS key disabled → 500 naming KMS,
 * other resources fine; enabled → readable; restarts, also with the key disabled meanwhile;
 * AssociateEncryptionConfig re-encrypting existing Secrets), endpoint access by client source
 * address (publicAccessCidrs, private-only), and the audit log with its policy.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IamState } from '../aws/identity/index.js';
import { eksTables, type ClusterRecord } from '../aws/services/eks/state.js';
import { controlPlaneCluster } from '../aws/services/eks/cluster-machine.js';
import { createKmsService } from '../aws/services/kms/index.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { issueClientCert, type CertKeyPair } from '../lib/pki.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import { Table } from '../aws/state/table.js';
import { auditLogPath } from './audit-log.js';
import { ControlPlanes } from './control-planes.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const scope = { account: ACCOUNT, region: REGION };
const SECRET_B64 = Buffer.from('hunter2-very-secret').toString('base64');

let store: Store;
let clock: ManualClock;
let kms: ReturnType<typeof createKmsService>;
let iam: IamState;
let dataDir: string;
let cps: ControlPlanes;
let keyArn: string;

function record(name: string, id: string, extra: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    name, id, arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`, createdAt: clock.now(), version: '1.32', platformVersion: 'eks.1', roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
    status: 'ACTIVE',
    resourcesVpcConfig: { subnetIds: [], securityGroupIds: [], clusterSecurityGroupId: 'sg-1', vpcId: 'vpc-1', endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '10.100.0.0/16' },
    logging: { clusterLogging: [{ types: ['audit'], enabled: true }] },
    tags: {}, health: { issues: [] }, accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: false },
    upgradePolicy: { supportType: 'STANDARD' }, deletionProtection: false, bootstrapSelfManagedAddons: true, creatorArn: `arn:aws:iam::${ACCOUNT}:root`,
    ...extra,
  };
}

interface Cluster {
  rec: ClusterRecord;
  endpoint: string;
  caPem: string;
  admin: CertKeyPair;
}

async function provision(rec: ClusterRecord): Promise<Cluster> {
  await eksTables(store, scope).clusters.create(rec.name, rec);
  const ep = await cps.provision(controlPlaneCluster(scope, rec));
  const cpRec = (await new Table<{ ca: CertKeyPair }>(store, { service: 'eksplane', account: 'all-accounts', type: 'control-planes' }).get(rec.id))!.value;
  const admin = await issueClientCert(cpRec.ca, { commonName: 'admin', organizations: ['system:masters'] });
  return { rec, endpoint: ep.endpoint, caPem: cpRec.ca.certPem, admin };
}

function call(c: Cluster, method: string, path: string, opts: { body?: unknown; localAddress?: string } = {}): Promise<{ status: number; body: any }> {
  const url = new URL(path, c.endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca: c.caPem, cert: c.admin.certPem, key: c.admin.keyPem, localAddress: opts.localAddress, headers: { 'content-type': 'application/json', 'user-agent': 'settings-test/1.0' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

/** Every raw value under the cluster's keys, as the backend holds it. */
async function rawValues(c: Cluster, under = ''): Promise<{ key: string; value: string }[]> {
  const r = await store.range(`/clusters/${c.rec.id}/registry/${under}`);
  return r.kvs.map((kv) => ({ key: kv.key, value: Buffer.from(kv.value).toString('latin1') }));
}

async function restart(): Promise<void> {
  await cps.stop();
  cps = new ControlPlanes({ store, clock, log: silentLogger(), iam, kms: kms.api, dataDir });
  await cps.start();
  for (const { value } of await eksTables(store, scope).clusters.list()) await cps.apiServer(value.id);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('condition not reached');
}

before(async () => {
  store = await openMemoryStore();
  clock = new ManualClock();
  iam = new IamState(store, { clock });
  kms = createKmsService({ store, clock });
  keyArn = (await kms.state.createKey(ACCOUNT, REGION, {})).arn;
  dataDir = mkdtempSync(join(tmpdir(), 'eksplane-settings-'));
  cps = new ControlPlanes({ store, clock, log: silentLogger(), iam, kms: kms.api, dataDir });
});

after(async () => {
  await cps.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Secrets encrypted with the cluster KMS key', () => {
  let c: Cluster;
  before(async () => {
    c = await provision(record('enc', '11111111-1111-1111-1111-111111111111', { encryptionConfig: [{ resources: ['secrets'], provider: { keyArn } }] }));
  });

  it('stores Secrets as KMS v2 envelopes and serves them in plaintext', async () => {
    const made = await call(c, 'POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: SECRET_B64 }, stringData: { user: 'plain-user-name' } } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const got = await call(c, 'GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(got.body.data.password, SECRET_B64);
    const raw = await rawValues(c);
    const secret = raw.find((kv) => kv.key.endsWith('core/secrets/default/db'))!;
    assert.ok(secret.value.startsWith('k8s:enc:kms:v2:aws-encryption-provider:'), secret.value.slice(0, 40));
    for (const kv of raw) {
      assert.ok(!kv.value.includes(SECRET_B64) && !kv.value.includes('plain-user-name') && !kv.value.includes(Buffer.from('plain-user-name').toString('base64')), kv.key);
    }
    assert.ok(raw.some((kv) => kv.key.includes('/core/namespaces/') && kv.value.startsWith('{')), 'other resources stay plain JSON');
  });

  it('refuses Secret requests while the key is disabled, naming KMS, and recovers when it is enabled', async () => {
    await kms.state.disableKey(ACCOUNT, REGION, keyArn);
    const r = await call(c, 'GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(r.status, 500);
    assert.equal(r.body.reason, 'InternalError');
    assert.match(r.body.message, /^Internal error occurred: KMS key arn:aws:kms:.* is Disabled \(KMS_KEY_DISABLED\)/);
    assert.equal((await call(c, 'GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    await kms.state.enableKey(ACCOUNT, REGION, keyArn);
    assert.equal((await call(c, 'GET', '/api/v1/namespaces/default/secrets/db')).body.data.password, SECRET_B64);
  });

  it('reads Secrets back after a restart, and after a restart with the key disabled once it is enabled', async () => {
    await restart();
    assert.equal((await call(c, 'GET', '/api/v1/namespaces/default/secrets/db')).body.data.password, SECRET_B64);
    await kms.state.disableKey(ACCOUNT, REGION, keyArn);
    await restart();
    assert.equal((await call(c, 'GET', '/api/v1/namespaces')).status, 200);
    assert.match((await call(c, 'GET', '/api/v1/namespaces/default/secrets/db')).body.message, /KMS key .* is Disabled/);
    await kms.state.enableKey(ACCOUNT, REGION, keyArn);
    await until(async () => (await call(c, 'GET', '/api/v1/namespaces/default/secrets/db')).body.data?.password === SECRET_B64);
  });
});

describe('AssociateEncryptionConfig', () => {
  it('re-encrypts the Secrets written before', async () => {
    const c = await provision(record('late', '22222222-2222-2222-2222-222222222222'));
    assert.equal((await call(c, 'POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'old' }, data: { k: SECRET_B64 } } })).status, 201);
    assert.ok((await rawValues(c, 'core/secrets/')).some((kv) => kv.value.includes(SECRET_B64)));
    await eksTables(store, scope).clusters.modify('late', (r) => ({ ...r, encryptionConfig: [{ resources: ['secrets'], provider: { keyArn } }] }));
    await until(async () => (await rawValues(c, 'core/secrets/')).every((kv) => kv.value.startsWith('k8s:enc:kms:v2:')));
    assert.equal((await call(c, 'GET', '/api/v1/namespaces/default/secrets/old')).body.data.k, SECRET_B64);
  });
});

describe('endpoint access', () => {
  let c: Cluster;
  const vpc = (patch: Partial<ClusterRecord['resourcesVpcConfig']>) => eksTables(store, scope).clusters.modify('net', (r) => ({ ...r, resourcesVpcConfig: { ...r.resourcesVpcConfig, ...patch } }));
  const settle = () => new Promise((r) => setTimeout(r, 20));
  before(async () => {
    c = await provision(record('net', '33333333-3333-3333-3333-333333333333'));
  });

  it('admits only sources inside publicAccessCidrs', async () => {
    await vpc({ publicAccessCidrs: ['127.0.0.2/32'] });
    await settle();
    assert.equal((await call(c, 'GET', '/version', { localAddress: '127.0.0.2' })).status, 200);
    await assert.rejects(call(c, 'GET', '/version', { localAddress: '127.0.0.1' }), /ECONNRESET|socket hang up/);
    await assert.rejects(call(c, 'GET', '/version', { localAddress: '127.1.0.9' }), /ECONNRESET|socket hang up/, 'VPC traffic without private access is public traffic');
  });

  it('with only the private endpoint, admits only the VPC side (127.1.0.0/16)', async () => {
    await vpc({ endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
    await settle();
    assert.equal((await call(c, 'GET', '/version', { localAddress: '127.1.0.9' })).status, 200);
    await assert.rejects(call(c, 'GET', '/version', { localAddress: '127.0.0.2' }), /ECONNRESET|socket hang up/);
    await vpc({ endpointPublicAccess: true, endpointPrivateAccess: false });
    await settle();
    assert.equal((await call(c, 'GET', '/version')).status, 200);
  });
});

describe('audit log', () => {
  it('writes audit.k8s.io/v1 events per the policy while the audit log type is enabled', async () => {
    const c = await provision(record('aud', '44444444-4444-4444-4444-444444444444'));
    await call(c, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'cm' }, data: { a: 'b' } }, localAddress: '127.0.0.3' });
    await call(c, 'POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 's' }, data: { k: SECRET_B64 } } });
    await call(c, 'GET', '/healthz');
    await eksTables(store, scope).clusters.modify('aud', (r) => ({ ...r, logging: { clusterLogging: [{ types: ['audit'], enabled: false }] } }));
    await new Promise((r) => setTimeout(r, 20));
    await call(c, 'GET', '/api/v1/namespaces/default/configmaps/after-disable');
    await restart();
    const events = readFileSync(auditLogPath(dataDir, { ...scope, name: 'aud' }), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const cm = events.find((e) => e.objectRef?.resource === 'configmaps' && e.verb === 'create');
    assert.ok(cm, JSON.stringify(events.map((e) => e.requestURI)));
    assert.equal(cm.kind, 'Event');
    assert.equal(cm.apiVersion, 'audit.k8s.io/v1');
    assert.equal(cm.stage, 'ResponseComplete');
    assert.equal(cm.level, 'Metadata', 'configmaps are audited at Metadata by the default policy');
    assert.deepEqual(cm.sourceIPs, ['127.0.0.3']);
    assert.equal(cm.userAgent, 'settings-test/1.0');
    assert.equal(cm.user.username, 'admin');
    assert.deepEqual(cm.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cm', apiVersion: 'v1' });
    assert.equal(cm.responseStatus.code, 201);
    assert.equal(cm.annotations['authorization.k8s.io/decision'], 'allow');
    assert.match(cm.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const secret = events.find((e) => e.objectRef?.resource === 'secrets');
    assert.ok(secret && secret.requestObject === undefined && secret.responseObject === undefined, 'no Secret body in the log');
    assert.ok(!events.some((e) => e.requestURI === '/healthz'), 'health checks are not audited');
    assert.ok(!events.some((e) => e.requestURI.includes('after-disable')), 'nothing is written while audit logging is off');
    assert.ok(!readFileSync(auditLogPath(dataDir, { ...scope, name: 'aud' }), 'utf8').includes(SECRET_B64));
  });
});
