import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serviceAccountTokenAuthenticator } from '../../apiserver/serviceaccount/authenticator.js';
import { TokenIssuer } from '../../apiserver/serviceaccount/issuer.js';
import { createSigningKey } from '../../apiserver/serviceaccount/keys.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP, serviceAccountControllerEntries, type RunnableController } from './index.js';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const ISSUER = 'https://oidc.eks.eu-central-1.amazonaws.com/id/00112233445566778899AABBCCDDEEFF';
const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let issuer: TokenIssuer;
let running: RunnableController[] = [];

const core = (resource: string, namespace?: string, name?: string): ResourceRef => ({ group: '', version: 'v1', resource, namespace, name });
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function get(ref: ResourceRef): Promise<KubeObject | undefined> {
  try {
    return await client.get(ref);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
const wait = <T>(check: () => T | Promise<T>, message: string) => eventually(check, { clock, stepMs: 50, message });

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  issuer = new TokenIssuer({ issuer: ISSUER, key: await createSigningKey(), apiAudiences: ['https://kubernetes.default.svc'] });
  const entries = serviceAccountControllerEntries(() => ({
    rootCaPem: CA_PEM,
    signLegacy: (namespace, name, uid, secretName) => issuer.issueLegacy({ namespace, serviceAccount: { name, uid }, secretName }),
  }));
  assert.deepEqual(entries.map((e) => e.name), ['serviceaccount', 'root-ca-cert-publisher', 'serviceaccount-token']);
  running = entries.map((e) => e.create({ client, clock, log: silentLogger() }));
  for (const c of running) c.start();
  await Promise.all(running.map((c) => c.synced));
});
after(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await cluster.stop();
});

describe('serviceaccount controller', () => {
  it('gives every namespace a default service account and re-creates it when deleted', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) await wait(() => get(core('serviceaccounts', ns, 'default')), `default SA in ${ns}`);
    await client.create(core('namespaces'), { metadata: { name: 'team-a' } });
    const first = await wait(() => get(core('serviceaccounts', 'team-a', 'default')), 'default SA in a new namespace');
    await client.delete(core('serviceaccounts', 'team-a', 'default'));
    const again = await wait(async () => {
      const sa = await get(core('serviceaccounts', 'team-a', 'default'));
      return sa && sa.metadata?.uid !== first.metadata?.uid ? sa : undefined;
    }, 'default SA re-created');
    assert.ok(again.metadata?.uid);
  });

  it('leaves a terminating namespace alone', async () => {
    await client.create(core('namespaces'), { metadata: { name: 'doomed' } });
    await wait(() => get(core('serviceaccounts', 'doomed', 'default')), 'default SA in doomed');
    // No namespace controller runs here: the namespace stays Terminating.
    await client.delete(core('namespaces', undefined, 'doomed'));
    await client.delete(core('serviceaccounts', 'doomed', 'default'));
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(await get(core('serviceaccounts', 'doomed', 'default')), undefined);
  });
});

describe('root CA publisher', () => {
  it('publishes kube-root-ca.crt in every namespace and keeps it as it should be', async () => {
    const cm = await wait(() => get(core('configmaps', 'kube-system', ROOT_CA_CONFIGMAP)), 'kube-root-ca.crt in kube-system');
    assert.deepEqual(cm.data, { 'ca.crt': CA_PEM });
    assert.equal(cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);

    await client.create(core('namespaces'), { metadata: { name: 'team-b' } });
    await wait(() => get(core('configmaps', 'team-b', ROOT_CA_CONFIGMAP)), 'kube-root-ca.crt in a new namespace');

    await client.patch(core('configmaps', 'team-b', ROOT_CA_CONFIGMAP), { data: { 'ca.crt': 'tampered', extra: 'x' }, metadata: { annotations: { [DESCRIPTION_ANNOTATION]: null, mine: 'kept' } } });
    const restored = await wait(async () => {
      const c = await get(core('configmaps', 'team-b', ROOT_CA_CONFIGMAP));
      return c?.metadata?.annotations?.[DESCRIPTION_ANNOTATION] && (c.data as Record<string, string>)['ca.crt'] === CA_PEM ? c : undefined;
    }, 'kube-root-ca.crt restored');
    assert.deepEqual(restored.data, { 'ca.crt': CA_PEM });
    assert.equal(restored.metadata?.annotations?.mine, 'kept');

    await client.delete(core('configmaps', 'team-b', ROOT_CA_CONFIGMAP));
    await wait(() => get(core('configmaps', 'team-b', ROOT_CA_CONFIGMAP)), 'kube-root-ca.crt re-created');
  });
});

describe('legacy token controller', () => {
  it('fills a service-account-token Secret with a token that authenticates, the namespace and the CA', async () => {
    const sa = await client.create(core('serviceaccounts', 'default'), { metadata: { name: 'ci-bot' } });
    await client.create(core('secrets', 'default'), { metadata: { name: 'ci-bot-token', annotations: { 'kubernetes.io/service-account.name': 'ci-bot' } }, type: 'kubernetes.io/service-account-token' });
    const secret = await wait(async () => {
      const s = await get(core('secrets', 'default', 'ci-bot-token'));
      return (s?.data as Record<string, string> | undefined)?.token ? s : undefined;
    }, 'token Secret populated');
    const data = secret.data as Record<string, string>;
    assert.equal(data.namespace, b64('default'));
    assert.equal(data['ca.crt'], b64(CA_PEM));
    assert.equal(secret.metadata?.annotations?.['kubernetes.io/service-account.uid'], sa.metadata?.uid);
    const token = Buffer.from(data.token!, 'base64').toString();
    const auth = serviceAccountTokenAuthenticator({ issuer: ISSUER, audiences: issuer.apiAudiences, publicKeys: issuer.publicKeys, lookup: () => cluster.api, clock });
    assert.equal((await auth(token))?.name, 'system:serviceaccount:default:ci-bot');

    const before = secret.metadata?.resourceVersion;
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await get(core('secrets', 'default', 'ci-bot-token')))?.metadata?.resourceVersion, before, 'a filled Secret is left alone');
  });

  it('deletes token Secrets whose service account does not exist, or is deleted', async () => {
    await client.create(core('secrets', 'default'), { metadata: { name: 'orphan-token', annotations: { 'kubernetes.io/service-account.name': 'nobody' } }, type: 'kubernetes.io/service-account-token' });
    await wait(async () => !(await get(core('secrets', 'default', 'orphan-token'))), 'orphaned token Secret deleted');

    await client.create(core('serviceaccounts', 'default'), { metadata: { name: 'temp' } });
    await client.create(core('secrets', 'default'), { metadata: { name: 'temp-token', annotations: { 'kubernetes.io/service-account.name': 'temp' } }, type: 'kubernetes.io/service-account-token' });
    await wait(async () => (((await get(core('secrets', 'default', 'temp-token')))?.data ?? {}) as Record<string, string>).token, 'temp token populated');
    await client.delete(core('serviceaccounts', 'default', 'temp'));
    await wait(async () => !(await get(core('secrets', 'default', 'temp-token'))), 'token Secret deleted with its service account');
  });

  it('removes a deleted token Secret from its service account’s secrets', async () => {
    await client.create(core('serviceaccounts', 'default'), { metadata: { name: 'lister' }, secrets: [{ name: 'lister-token' }, { name: 'other' }] });
    await client.create(core('secrets', 'default'), { metadata: { name: 'lister-token', annotations: { 'kubernetes.io/service-account.name': 'lister' } }, type: 'kubernetes.io/service-account-token' });
    await wait(async () => (((await get(core('secrets', 'default', 'lister-token')))?.data ?? {}) as Record<string, string>).token, 'lister token populated');
    await client.delete(core('secrets', 'default', 'lister-token'));
    const sa = await wait(async () => {
      const s = await get(core('serviceaccounts', 'default', 'lister'));
      return (s?.secrets as { name: string }[] | undefined)?.length === 1 ? s : undefined;
    }, 'reference removed');
    assert.deepEqual(sa.secrets, [{ name: 'other' }]);
  });
});
