/**
 * Where a cluster's Kubernetes API comes from. EKS asks an injected {@link ControlPlaneProvider}
 * to provision one per cluster; the real provider (a Kubernetes API server per cluster, its own
 * CA and port) is built elsewhere, while {@link syntheticControlPlane} only invents EKS-shaped
 * answers (for tests and for an AWS-only endpoint).
 */
import { createCA } from '../../../lib/pki.js';

/** What a provider learns of a cluster. `id` is the cluster's UUID, stable for its life. */
export interface ControlPlaneCluster {
  account: string;
  region: string;
  name: string;
  id: string;
  arn: string;
  version: string;
  platformVersion: string;
  /** Whether the cluster's `encryptionConfig` envelope-encrypts Secrets. */
  encryptsSecrets: boolean;
}

/** How clients reach a provisioned control plane. */
export interface ControlPlaneEndpoint {
  /** `https://…`, DescribeCluster's `endpoint`. */
  endpoint: string;
  /** base64 of the PEM CA certificate, DescribeCluster's `certificateAuthority.data`. */
  certificateAuthorityData: string;
  /** `identity.oidc.issuer`. */
  oidcIssuer: string;
}

/**
 * A source of per-cluster control planes. Calls may be repeated after a restart or a concurrent
 * change (the reconciler re-runs steps), so every method must be idempotent by cluster `id`:
 * a second `provision` of the same cluster returns the same endpoint, a second `deprovision` of
 * a gone one succeeds.
 */
export interface ControlPlaneProvider {
  /** Starts (or finds) the cluster's control plane and says how to reach it. */
  provision(cluster: ControlPlaneCluster): Promise<ControlPlaneEndpoint>;
  /** Whether the control plane serves requests; the cluster turns ACTIVE only when it does. */
  ready(cluster: ControlPlaneCluster): Promise<boolean>;
  /** Stops the control plane and releases what it holds. */
  deprovision(cluster: ControlPlaneCluster): Promise<void>;
  /** Applies a cluster as an update that succeeded left it (a new version, Secrets encryption); optional. */
  updated?(cluster: ControlPlaneCluster): Promise<void>;
}

/** The 32 upper-case hex digits EKS names a cluster's endpoint and OIDC issuer with. */
export function clusterHex(id: string): string {
  return id.replace(/-/g, '').toUpperCase().padEnd(32, '0').slice(0, 32);
}

/**
 * A provider with no Kubernetes behind it: endpoints in EKS's format
 * (`https://<32 HEX>.gr7.<region>.eks.amazonaws.com`), OIDC issuer
 * `https://oidc.eks.<region>.amazonaws.com/id/<same hex>`, and as CA data the base64 of a real
 * self-signed CA certificate (CN `kubernetes`, as EKS's). Always ready.
 */
export function syntheticControlPlane(opts: { now?: () => number } = {}): ControlPlaneProvider {
  const cas = new Map<string, Promise<string>>();
  return {
    async provision(c) {
      let ca = cas.get(c.id);
      if (!ca) {
        ca = createCA('kubernetes', { now: opts.now?.() }).then((pair) => Buffer.from(pair.certPem).toString('base64'));
        cas.set(c.id, ca);
      }
      const hex = clusterHex(c.id);
      return {
        endpoint: `https://${hex}.gr7.${c.region}.eks.amazonaws.com`,
        certificateAuthorityData: await ca,
        oidcIssuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${hex}`,
      };
    },
    async ready() {
      return true;
    },
    async deprovision(c) {
      cas.delete(c.id);
    },
  };
}

/**
 * The provider with at most `max` provisions running at once; the rest wait their turn in order.
 * A control plane's bring-up (certificates, API server, bootstrap objects, controllers) shares the
 * process's one event loop with the AWS endpoint: a burst of CreateCluster calls would otherwise
 * start every bring-up together, and each request behind them would wait for all. Queued clusters
 * stay CREATING a little longer, which is what EKS's own provisioning looks like anyway.
 */
export function limitProvisioning(provider: ControlPlaneProvider, max: number): ControlPlaneProvider {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    async provision(c) {
      if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        return await provider.provision(c);
      } finally {
        release();
      }
    },
    ready: (c) => provider.ready(c),
    deprovision: (c) => provider.deprovision(c),
    ...(provider.updated ? { updated: (c: ControlPlaneCluster) => provider.updated!(c) } : {}),
  };
}
