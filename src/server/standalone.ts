/**
 * `eksplane apiserver`: one Kubernetes API server over HTTPS with its own CA, an admin kubeconfig
 * (client certificate in system:masters), the bootstrap namespaces and the controllers that keep
 * the API honest (garbage collector, namespace lifecycle). Ready in well under a second; the CA
 * and certificates persist in the data directory so a restart keeps the kubeconfig valid.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiServer } from '../apiserver/api-server.js';
import { createHttpsServer } from '../apiserver/http/https-server.js';
import { builtinIndexes, builtinResources } from '../apiserver/registry/builtin.js';
import { realClock, type Clock } from '../lib/clock.js';
import { buildKubeconfig, writeKubeconfig } from '../lib/kubeconfig.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { createCA, issueClientCert, issueServerCert, type CertKeyPair } from '../lib/pki.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { LazySigningKey } from '../apiserver/serviceaccount/index.js';
import { replicaIdentity } from './replica-identity.js';
import { bootstrapCluster } from './bootstrap.js';
import { setUpClusterIdentity, type ClusterIdentity } from './cluster-identity.js';
import { clusterSecurity } from './cluster-security.js';
import { ControllersThread } from './controllers-thread.js';
import { startCompactor } from './compactor.js';
import { kubernetesVersion } from './version.js';

export interface StandaloneOptions {
  port: number;
  host?: string;
  dataDir: string;
  kubeconfigPath: string;
  storeUrl?: string;
  /** The API server's clock; the controllers, in a thread of their own, read the real one. */
  clock?: Clock;
  log?: Logger;
  /** How often the store is compacted (default 5 minutes, as kube-apiserver). */
  compactionIntervalMs?: number;
}

export interface Standalone {
  url: string;
  api: ApiServer;
  stop(): Promise<void>;
}

export async function startStandalone(opts: StandaloneOptions): Promise<Standalone> {
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? realClock;
  const host = opts.host ?? '127.0.0.1';
  await mkdir(opts.dataDir, { recursive: true });
  const pkiDir = join(opts.dataDir, 'pki');
  const pki = await loadOrCreatePki(pkiDir, host);
  const store: Store = await openStore(opts.storeUrl ?? 'sqlite:', { dataDir: opts.dataDir });
  let api: ApiServer | undefined;
  const security = clusterSecurity({ lookup: () => api!, clock, log });
  api = new ApiServer({ store, clock, log, resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion(), authorize: security.authorize, admission: security.admission });
  await api.start();
  await security.afterStart(api);
  let identity: ClusterIdentity | undefined;
  const server = createHttpsServer({
    api,
    tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.ca.certPem },
    log,
    authenticate: async (req) => {
      const auth = req.headers.authorization;
      return auth?.startsWith('Bearer ') && identity ? identity.authenticateToken(auth.slice(7).trim()) : undefined;
    },
    publicHandler: (method, path) => identity?.publicHandler(method, path),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // kubeadm's default issuer; the JWKS is served at this server's own address.
  // The RSA key is made on first use (a token, the JWKS) and kept in pki.json: ~200 ms a first
  // start need not wait for.
  const signingKey = new LazySigningKey({ pem: pki.serviceAccountKey || undefined, keep: (pem) => keepServiceAccountKey(pkiDir, pem) });
  identity = setUpClusterIdentity({ api, clock, signingKey, issuer: 'https://kubernetes.default.svc.cluster.local', externalAddress: `${host}:${port}`, caPem: pki.ca.certPem });
  await bootstrapCluster(api, { ip: host, port });
  // The same replica after a restart (same data directory) takes its Leases back at once.
  // Started once the API serves (spawned earlier, its module loading would compete with ours for
  // the cores and /readyz would come ~300 ms later).
  const controllers = new ControllersThread(log.level);
  await controllers.start({ api, log, identity: await replicaIdentity(opts.dataDir), serviceAccount: identity.controllers });
  const stopCompactor = startCompactor(store, clock, log, opts.compactionIntervalMs);
  const url = `https://${host}:${port}`;
  await writeKubeconfig(
    opts.kubeconfigPath,
    buildKubeconfig({ clusterName: 'eksplane', server: url, caPem: pki.ca.certPem, user: 'kubernetes-admin', clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem, namespace: 'default' }),
  );
  log.info({ url, kubeconfig: opts.kubeconfigPath }, 'API server ready');
  return {
    url,
    api,
    async stop() {
      stopCompactor();
      await controllers.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      api.stop();
      await store.close();
    },
  };
}

interface Pki {
  ca: CertKeyPair;
  server: CertKeyPair;
  admin: CertKeyPair;
  /** PEM private key for service-account tokens, once made ('' before). */
  serviceAccountKey: string;
}

const pkiFile = (dir: string) => join(dir, 'pki.json');

async function loadOrCreatePki(dir: string, host: string): Promise<Pki> {
  try {
    return JSON.parse(await readFile(pkiFile(dir), 'utf8')) as Pki;
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ca = await createCA('eksplane-ca');
    const ips = [...new Set(['127.0.0.1', host].filter((h) => /^[\d.]+$|:/.test(h)))];
    const server = await issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'], ipAddresses: ips });
    const admin = await issueClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    const pki: Pki = { ca, server, admin, serviceAccountKey: '' };
    await writePki(dir, pki);
    return pki;
  }
}

/** Keeps a newly made service-account key in pki.json unless one is there already; the kept key's PEM. */
async function keepServiceAccountKey(dir: string, pem: string): Promise<string> {
  const pki = JSON.parse(await readFile(pkiFile(dir), 'utf8')) as Pki;
  if (pki.serviceAccountKey) return pki.serviceAccountKey;
  await writePki(dir, { ...pki, serviceAccountKey: pem });
  return pem;
}

/** Replaces pki.json whole (a crash leaves the old file or the new one, never half of one). */
async function writePki(dir: string, pki: Pki): Promise<void> {
  await writeFile(`${pkiFile(dir)}.tmp`, JSON.stringify(pki), { mode: 0o600 });
  await rename(`${pkiFile(dir)}.tmp`, pkiFile(dir));
}
