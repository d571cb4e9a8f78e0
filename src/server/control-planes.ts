/**
 * The real control planes behind EKS clusters: one Kubernetes API server per cluster in this
 * process, each with its own CA, serving certificate, HTTPS port on 127.0.0.1 and key prefix in
 * the shared store, its bootstrap objects and controllers, started on first use (see
 * {@link ControlPlanes}). What identifies a control plane (port, certificates) is stored, so a
 * restarted server opens every cluster's endpoint again with the same port and CA; `start()` does
 * that before EKS's reconciler runs.
 *
 * Each control plane also enforces its EKS cluster's settings, followed live from the cluster
 * record ({@link ClusterSettings}): Secrets envelope-encrypted with the `encryptionConfig` KMS
 * key ({@link SecretsEncryption}, a decorator of the store the API server is given), the endpoint
 * access rules on every connection ({@link guardEndpointAccess}: loopback source addresses stand
 * for the internet and 127.1.0.0/16 for the VPC), and the audit log while `logging` enables the
 * `audit` type ({@link ClusterAuditLog}, events from {@link Auditor} around the HTTPS front).
 */
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { ApiServer } from '../apiserver/api-server.js';
import { createHttpsServer } from '../apiserver/http/https-server.js';
import { builtinIndexes, builtinResources } from '../apiserver/registry/builtin.js';
import { Auditor } from '../apiserver/audit/auditor.js';
import { DEFAULT_AUDIT_POLICY, type AuditPolicy } from '../apiserver/audit/policy.js';
import { parseRequestInfo } from '../apiserver/endpoints/request-info.js';
import type { ApiRequest } from '../apiserver/endpoints/types.js';
import { internalError } from '../apimachinery/errors.js';
import type { IamState } from '../aws/identity/index.js';
import type { ClusterRecord } from '../aws/services/eks/state.js';
import type { KmsApi } from '../aws/services/kms/index.js';
import type { ControlPlaneCluster, ControlPlaneEndpoint, ControlPlaneProvider } from '../aws/services/eks/control-plane.js';
import { Table } from '../aws/state/table.js';
import type { NodegroupNodes } from '../aws/services/eks/nodegroups/model.js';
import { startControllers } from '../controllers/manager.js';
import { KubeClient } from '../kubeclient/client.js';
import { SharedInformers } from '../kubeclient/shared-informers.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createCA, issueServerCert, preloadPki, type CertKeyPair } from '../lib/pki.js';
import type { Store } from '../store/types.js';
import { LazySigningKey } from '../apiserver/serviceaccount/index.js';
import { auditLogPath, ClusterAuditLog, loadAuditPolicy } from './audit-log.js';
import { bootstrapCluster } from './bootstrap.js';
import { acceptHandedOff, ClusterEndpoint } from './cluster-endpoint.js';
import { ClusterSettings } from './cluster-settings.js';
import { DEFAULT_ENDPOINT_ACCESS, guardEndpointAccess } from './endpoint-access.js';
import { SecretsEncryption } from './secrets-encryption.js';
import { clusterSecurity } from './cluster-security.js';
import { setUpClusterIdentity, type ClusterIdentity } from './cluster-identity.js';
import { eksIdentityMapper, eksTokenAuthenticator } from './eks-identity.js';
import { ClusterDataPlane, type DataPlaneDeps } from './cluster-data-plane.js';
import { replicaIdentity } from './replica-identity.js';
import { inProcessTransport } from './in-process-transport.js';
import { kubernetesVersion } from './version.js';

interface ControlPlaneRecord {
  id: string;
  account: string;
  region: string;
  name: string;
  version: string;
  port: number;
  ca: CertKeyPair;
  /** The API server's certificate, issued by `ca` when the control plane first comes up. */
  serving?: CertKeyPair;
  /** PEM key the cluster signs service-account tokens with, once made (on first use: {@link LazySigningKey}). */
  serviceAccountKeyPem?: string;
  /** Whether Secrets are envelope-encrypted: such a cluster is kept up, so a rewrite to envelopes finishes. */
  encryptsSecrets?: boolean;
}

interface Running {
  api: ApiServer;
  /** Serves a connection its cluster's endpoint accepted. */
  accept(socket: Socket): void;
  /** Nodes, scheduler and CNI, when the server has EC2 to take instances from. */
  dataPlane?: ClusterDataPlane;
  stop(): Promise<void>;
}

export interface ControlPlanesOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  iam: IamState;
  /** Address the API servers bind to (default 127.0.0.1). */
  host?: string;
  /** Gives every cluster a data plane (kubelets for its instances, scheduler, VPC CNI). */
  dataPlane?: DataPlaneDeps;
  /** KMS, for clusters whose `encryptionConfig` envelope-encrypts Secrets (without it such clusters store Secrets in plaintext). */
  kms?: KmsApi;
  /** The data directory: audit logs go under `audit/` there (no audit log without it). */
  dataDir?: string;
}

/**
 * Every cluster's endpoint listens from provisioning on ({@link ClusterEndpoint}); its control
 * plane runs from first use on: a connection to the endpoint, an internal caller (a node group
 * waiting for nodes, {@link apiServer}), an EC2 instance tagged to join it, or Secrets encryption
 * to apply. Once up it stays up until the cluster is deleted or the server stops.
 */
export class ControlPlanes implements ControlPlaneProvider, NodegroupNodes {
  private readonly records: Table<ControlPlaneRecord>;
  private readonly endpoints = new Map<string, Promise<ClusterEndpoint>>();
  private readonly running = new Map<string, Promise<Running>>();
  /** `account/region/name` → cluster id, for lookups by EKS name. */
  private readonly ids = new Map<string, string>();
  private readonly host: string;
  private readonly auditPolicy: AuditPolicy;
  private cancelWake: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly opts: ControlPlanesOptions) {
    this.records = new Table(opts.store, { service: 'eksplane', account: 'all-accounts', type: 'control-planes' });
    this.host = opts.host ?? '127.0.0.1';
    this.auditPolicy = opts.dataDir ? loadAuditPolicy(opts.dataDir, opts.log) : DEFAULT_AUDIT_POLICY;
  }

  /** Opens every recorded cluster's endpoint again (after a restart); clusters come up on use. */
  async start(): Promise<void> {
    this.stopped = false;
    void preloadPki().catch((err) => this.opts.log.error({ err }, 'loading the X.509 library failed'));
    await Promise.all(
      (await this.records.list()).map(async ({ value }) => {
        try {
          await this.ensureListening(value);
          if (value.encryptsSecrets) await this.ensureRunning(value.id);
        } catch (err) {
          this.opts.log.error({ err, cluster: value.name }, 'control plane did not come back');
        }
      }),
    );
    this.scheduleWake();
  }

  async provision(c: ControlPlaneCluster): Promise<ControlPlaneEndpoint> {
    let rec = (await this.records.get(c.id))?.value;
    if (!rec) {
      const ca = await createCA('kubernetes', { now: this.opts.clock.now() });
      const fresh: ControlPlaneRecord = { id: c.id, account: c.account, region: c.region, name: c.name, version: c.version, port: 0, ca, encryptsSecrets: c.encryptsSecrets };
      if (!(await this.records.create(c.id, fresh))) return this.provision(c);
      rec = fresh;
    }
    const { port } = await this.ensureListening(rec);
    if (rec.port !== port) await this.records.modify(c.id, (r) => ({ ...r, port }));
    this.scheduleWake();
    return {
      endpoint: `https://${this.host}:${port}`,
      certificateAuthorityData: Buffer.from(rec.ca.certPem).toString('base64'),
      oidcIssuer: oidcIssuerOf(rec),
    };
  }

  async ready(c: ControlPlaneCluster): Promise<boolean> {
    const endpoint = await this.endpoints.get(c.id)?.catch(() => undefined);
    return !!endpoint?.listening;
  }

  async deprovision(c: ControlPlaneCluster): Promise<void> {
    const endpoint = this.endpoints.get(c.id);
    this.endpoints.delete(c.id);
    this.ids.delete(`${c.account}/${c.region}/${c.name}`);
    await (await endpoint?.catch(() => undefined))?.close();
    await this.stopRunning(c.id);
    await deletePrefix(this.opts.store, keyPrefix(c.id));
    await this.records.delete(c.id);
  }

  /** A new version shows in /version once the API server restarts; encryption needs the control plane up to rewrite Secrets. */
  async updated(c: ControlPlaneCluster): Promise<void> {
    const before = (await this.records.get(c.id))?.value;
    if (!before) return;
    const versionChanged = before.version !== c.version;
    if (versionChanged || !!before.encryptsSecrets !== c.encryptsSecrets) {
      if (!(await this.records.modify(c.id, (r) => ({ ...r, version: c.version, encryptsSecrets: c.encryptsSecrets })))) return;
    }
    if (versionChanged && this.running.has(c.id)) {
      await this.stopRunning(c.id);
      await this.ensureRunning(c.id);
    } else if (c.encryptsSecrets) {
      await this.ensureRunning(c.id);
    }
  }

  /** Stops every control plane and closes their endpoints (their state stays in the store). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.cancelWake = undefined;
    const endpoints = [...this.endpoints.values()];
    this.endpoints.clear();
    await Promise.all(endpoints.map(async (e) => (await e.catch(() => undefined))?.close()));
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(async (r) => (await r.catch(() => undefined))?.stop()));
  }

  /** NodegroupNodes: how a node group's instances are doing as nodes (the cluster comes up to find out). */
  async status(scope: { account: string; region: string }, clusterName: string, nodegroupName: string): Promise<{ ready: number; failedToJoin: string[] }> {
    const id = this.ids.get(`${scope.account}/${scope.region}/${clusterName}`);
    const running = id ? await this.ensureRunning(id).catch(() => undefined) : undefined;
    return running?.dataPlane?.nodegroupStatus(nodegroupName) ?? { ready: 0, failedToJoin: [] };
  }

  /** The API server of a cluster (brought up if it is not), for in-process wiring (data plane, tests). */
  async apiServer(clusterId: string): Promise<ApiServer | undefined> {
    return (await this.ensureRunning(clusterId).catch(() => undefined))?.api;
  }

  private ensureListening(rec: ControlPlaneRecord): Promise<ClusterEndpoint> {
    this.ids.set(`${rec.account}/${rec.region}/${rec.name}`, rec.id);
    let e = this.endpoints.get(rec.id);
    if (!e) {
      const log = this.opts.log.child({ cluster: rec.name, account: rec.account, region: rec.region });
      e = ClusterEndpoint.open({
        host: this.host,
        port: rec.port,
        log,
        onConnection: (socket) =>
          this.ensureRunning(rec.id).then(
            (r) => r.accept(socket),
            (err) => {
              log.error({ err }, 'control plane did not start; connection closed');
              socket.destroy();
            },
          ),
      });
      this.endpoints.set(rec.id, e);
      e.catch(() => this.endpoints.get(rec.id) === e && this.endpoints.delete(rec.id));
    }
    return e;
  }

  private ensureRunning(id: string): Promise<Running> {
    let r = this.running.get(id);
    if (!r) {
      const starting = this.bringUp(id);
      this.running.set(id, starting);
      starting.catch(() => this.running.get(id) === starting && this.running.delete(id));
      r = starting;
    }
    return r;
  }

  private async stopRunning(id: string): Promise<void> {
    const r = this.running.get(id);
    this.running.delete(id);
    await (await r?.catch(() => undefined))?.stop();
  }

  /** Issues the API server's certificate and keeps it in the record (the first one kept wins). */
  private async issueServing(rec: ControlPlaneRecord): Promise<CertKeyPair> {
    const serving = await issueServerCert(rec.ca, {
      commonName: 'kube-apiserver',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['127.0.0.1', this.host].filter((h, i, a) => /^[\d.]+$/.test(h) && a.indexOf(h) === i),
      now: this.opts.clock.now(),
    });
    const kept = await this.records.modify(rec.id, (r) => (r.serving ? r : { ...r, serving }));
    if (!kept?.serving) throw new Error(`control plane ${rec.id} is gone`);
    return kept.serving;
  }

  /**
   * While some cluster is not up and the server has a data plane: every second, brings up the
   * clusters that EC2 instances are tagged to join (`kubernetes.io/cluster/<name>`, self-managed
   * nodes included), from the region's shared instance sweep.
   */
  private scheduleWake(): void {
    const deps = this.opts.dataPlane;
    if (!deps || this.cancelWake || this.stopped) return;
    this.cancelWake = this.opts.clock.setTimer(deps.syncMs ?? 1000, () => {
      this.cancelWake = undefined;
      this.wakeForInstances(deps)
        .catch((err) => this.opts.log.warn({ err }, 'looking for instances of idle clusters failed'))
        .finally(() => this.scheduleWake());
    });
  }

  private async wakeForInstances(deps: DataPlaneDeps): Promise<void> {
    for (const [key, id] of this.ids) {
      if (this.running.has(id)) continue;
      const [account = '', region = '', name = ''] = key.split('/');
      const instances = await deps.instances.of(account, region, name);
      if (instances.some((i) => i.state === 'pending' || i.state === 'running')) {
        this.ensureRunning(id).catch((err) => this.opts.log.error({ err, cluster: name }, 'control plane did not start'));
      }
    }
  }

  private async bringUp(id: string): Promise<Running> {
    const rec = (await this.records.get(id))?.value;
    if (!rec) throw new Error(`control plane ${id} is not provisioned`);
    const { port } = await this.ensureListening(rec);
    const serving = rec.serving ?? (await this.issueServing(rec));
    const { store, clock, iam } = this.opts;
    const log = this.opts.log.child({ cluster: rec.name, account: rec.account, region: rec.region });
    const settings = new ClusterSettings(store, rec, log);
    const encryption = this.opts.kms && new SecretsEncryption(store, { kms: this.opts.kms, account: rec.account, region: rec.region, clusterPrefix: keyPrefix(rec.id), log });
    const auditLog = this.opts.dataDir ? new ClusterAuditLog(auditLogPath(this.opts.dataDir, rec), log) : undefined;
    const apply = (c: ClusterRecord | undefined) => {
      auditLog?.setEnabled(!!c?.logging.clusterLogging.some((l) => l.enabled && l.types.includes('audit')));
      const keyArn = c?.encryptionConfig?.[0]?.provider.keyArn;
      return !!keyArn && !!encryption?.enable(keyArn);
    };
    // Turning encryption on (AssociateEncryptionConfig, or a restart that finds a rewrite cut
    // short) rewrites Secrets still stored in plaintext as envelopes.
    const onSettings = (c: ClusterRecord | undefined) => {
      if (apply(c)) encryption!.encryptExisting().catch((err) => log.error({ err }, 're-encrypting existing secrets failed'));
    };
    await settings.start(onSettings);
    onSettings(settings.current);
    const auditor = new Auditor({ clock, policy: () => this.auditPolicy, sink: () => auditLog?.sink() });
    let api: ApiServer | undefined;
    const security = clusterSecurity({ lookup: () => api!, clock, log, eks: { store, account: rec.account, region: rec.region, clusterName: rec.name } });
    api = new ApiServer({
      store: encryption?.store ?? store,
      clock,
      log,
      resources: builtinResources,
      indexes: builtinIndexes,
      version: kubernetesVersion(rec.version),
      keyPrefix: keyPrefix(rec.id),
      authorize: auditor.authorizer(security.authorize),
      admission: security.admission,
    });
    await api.start();
    await security.afterStart(api);
    const awsAuth = () => api.storeFor('', 'configmaps')?.cache.entries.get(api.storeFor('', 'configmaps')!.key('kube-system', 'aws-auth'))?.obj;
    const ec2 = this.opts.dataPlane?.ec2;
    const ec2PrivateDnsName = ec2 && (async (instanceId: string) => (await ec2.describeInstances(rec.account, rec.region, [instanceId]))[0]?.privateDnsName);
    const tokenUser = eksTokenAuthenticator({ store, iam, clock, cluster: rec, awsAuth, ec2PrivateDnsName });
    let identity: ClusterIdentity | undefined;
    const sourceIps = new WeakMap<object, string>();
    const handle = auditor.handler(
      async (req: ApiRequest) => (encryption && (await secretsRefusal(encryption, req))) ?? api.handle(req),
      (req) => [sourceIps.get(req.headers) ?? ''],
    );
    // The HTTPS front sees the API server with `handle` audited and Secret requests gated.
    const front = new Proxy(api, {
      get(target, prop, receiver) {
        if (prop === 'handle') return handle;
        const v: unknown = Reflect.get(target, prop, receiver === front ? target : receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const server = createHttpsServer({
      api: front,
      tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: rec.ca.certPem },
      log,
      authenticate: async (req) => {
        const auth = req.headers.authorization;
        return auth?.startsWith('Bearer ') && identity ? identity.authenticateToken(auth.slice(7).trim()) : undefined;
      },
      publicHandler: (method, path) => identity?.publicHandler(method, path),
    });
    server.prependListener('request', (req: IncomingMessage) => sourceIps.set(req.headers, plainIp(req.socket.remoteAddress)));
    guardEndpointAccess(server, () => settings.current?.resourcesVpcConfig ?? DEFAULT_ENDPOINT_ACCESS, log);
    const accept = acceptHandedOff(server);
    // The service-account key is made when first needed (a token, the JWKS) and then kept in the
    // record, so bringing a cluster up does not spend ~170 ms of CPU on an RSA key it may never use.
    const signingKey = new LazySigningKey({
      pem: rec.serviceAccountKeyPem,
      keep: async (pem) => {
        const kept = await this.records.modify(rec.id, (r) => (r.serviceAccountKeyPem ? r : { ...r, serviceAccountKeyPem: pem }));
        if (!kept?.serviceAccountKeyPem) throw new Error(`control plane ${rec.id} is gone`);
        return kept.serviceAccountKeyPem;
      },
    });
    identity = setUpClusterIdentity({
      api,
      clock,
      signingKey,
      issuer: oidcIssuerOf(rec),
      apiAudiences: ['https://kubernetes.default.svc'],
      externalAddress: `${this.host}:${port}`,
      caPem: rec.ca.certPem,
      otherTokens: tokenUser,
    });
    await bootstrapCluster(api, { ip: this.host, port });
    const informers = new SharedInformers(new KubeClient(inProcessTransport(api)), clock, log);
    // The same replica after a restart (same data directory) takes its Leases back at once.
    const leaderElection = this.opts.dataDir ? { identity: await replicaIdentity(this.opts.dataDir) } : undefined;
    const controllers = await startControllers({ transport: informers.client.transport, informers, clock, log, serviceAccountConfig: identity.controllers, leaderElection });
    const dataPlane =
      this.opts.dataPlane &&
      new ClusterDataPlane({
        api,
        informers,
        cluster: { account: rec.account, region: rec.region, name: rec.name, version: rec.version, endpoint: `https://${this.host}:${port}` },
        deps: this.opts.dataPlane,
        mapIdentity: eksIdentityMapper({ store, cluster: rec, awsAuth, ec2PrivateDnsName }),
        clock,
        log,
        leaderElection,
      });
    if (dataPlane) {
      api.podLogs = dataPlane.podLogs;
      dataPlane.start();
    }
    log.info({ port }, 'control plane up');
    return {
      api,
      accept,
      dataPlane,
      async stop() {
        await dataPlane?.stop();
        await controllers.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        api.stop();
        settings.stop();
        await auditLog?.close();
      },
    };
  }
}

/** The cluster's OIDC issuer, EKS's format; also the `iss` of its service-account tokens. */
function oidcIssuerOf(rec: { id: string; region: string }): string {
  return `https://oidc.eks.${rec.region}.amazonaws.com/id/${rec.id.replace(/-/g, '').toUpperCase().slice(0, 32)}`;
}

/**
 * Requests on Secrets while the cluster's KMS key cannot be used: a 500 Status naming KMS and the
 * key (see {@link SecretsEncryption.refusal}); undefined for every other request.
 */
async function secretsRefusal(encryption: SecretsEncryption, req: ApiRequest) {
  const info = parseRequestInfo(req.method, req.path, req.query);
  if (!info.isResource || info.group !== '' || info.resource !== 'secrets') return undefined;
  const why = await encryption.refusal();
  if (!why) return undefined;
  return { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(internalError(why).toStatus()) };
}

/** A socket's remote address as audit events show it (IPv4-mapped addresses in IPv4 form). */
function plainIp(addr: string | undefined): string {
  return addr?.startsWith('::ffff:') ? addr.slice(7) : (addr ?? '');
}

function keyPrefix(clusterId: string): string {
  return `/clusters/${clusterId}/registry/`;
}

/** Deletes every key under a prefix (a deleted cluster's objects). */
async function deletePrefix(store: Store, prefix: string): Promise<void> {
  for (;;) {
    const page = await store.range(prefix, { limit: 1000 });
    if (!page.kvs.length) return;
    for (const kv of page.kvs) await store.delete(kv.key);
  }
}
