/**
 * The kube-system objects a new EKS cluster comes with (the "self-managed" default add-ons EKS
 * applies at CreateCluster: VPC CNI, kube-proxy, CoreDNS) and an idempotent way to apply them.
 */
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isNotFound } from '../../kubeclient/errors.js';
import { parseApiVersion, type KubeObject, type ResourceRef } from '../../kubeclient/types.js';
import { awsNodeObjects } from './aws-node.js';
import { coreDnsObjects } from './coredns.js';
import { kubeProxyObjects } from './kube-proxy.js';
import { addonRegistry, addonVersionsFor } from './versions.js';

export { ADDON_VERSIONS, addonRegistry, addonVersionsFor, type AddonVersions } from './versions.js';

/** What the default add-ons depend on. */
export interface EksDefaultAddonsOptions {
  region: string;
  /** "1.32" (a patch suffix is ignored). */
  kubernetesVersion: string;
  /** The cluster's kubernetesNetworkConfig.serviceIpv4Cidr, e.g. 10.100.0.0/16. */
  serviceIpv4Cidr: string;
  /** Overrides the region's EKS image account (602401143452 in most regions). */
  accountForImages?: string;
  /** The API endpoint kube-proxy's kubeconfig points at (default https://<service CIDR .1>). */
  endpoint?: string;
  clusterName?: string;
  vpcId?: string;
}

/** The address `offset` past the network address of an IPv4 CIDR: `.10` is kube-dns, `.1` the kubernetes Service. */
export function serviceCidrAddress(cidr: string, offset: number): string {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const octets = (addr ?? '').split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(bits) || bits < 0 || bits > 30) {
    throw new Error(`invalid IPv4 CIDR ${cidr}`);
  }
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const network = ip - (ip % 2 ** (32 - bits));
  const n = network + offset;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Every default add-on object, in apply order (CRD and identities before the workloads that use them). */
export function eksDefaultAddons(opts: EksDefaultAddonsOptions): KubeObject[] {
  const versions = addonVersionsFor(opts.kubernetesVersion);
  const registry = addonRegistry(opts.region, opts.accountForImages);
  return [
    ...awsNodeObjects({ registry, version: versions.vpcCni, networkPolicyAgentVersion: versions.networkPolicyAgent, clusterName: opts.clusterName, vpcId: opts.vpcId }),
    ...kubeProxyObjects({ registry, version: versions.kubeProxy, endpoint: opts.endpoint ?? `https://${serviceCidrAddress(opts.serviceIpv4Cidr, 1)}` }),
    ...coreDnsObjects({ registry, version: versions.coreDns, clusterIp: serviceCidrAddress(opts.serviceIpv4Cidr, 10) }),
  ];
}

/** Kind → resource for the kinds the add-ons use (cluster-scoped ones marked). */
const RESOURCES: Readonly<Record<string, { resource: string; clusterScoped?: true }>> = {
  CustomResourceDefinition: { resource: 'customresourcedefinitions', clusterScoped: true },
  ClusterRole: { resource: 'clusterroles', clusterScoped: true },
  ClusterRoleBinding: { resource: 'clusterrolebindings', clusterScoped: true },
  ServiceAccount: { resource: 'serviceaccounts' },
  ConfigMap: { resource: 'configmaps' },
  Service: { resource: 'services' },
  DaemonSet: { resource: 'daemonsets' },
  Deployment: { resource: 'deployments' },
};

/** Where an add-on object is created. */
export function addonRef(obj: KubeObject): ResourceRef {
  const kind = obj.kind ?? '';
  const r = RESOURCES[kind];
  if (!r || !obj.apiVersion) throw new Error(`add-on object of unknown kind ${kind}`);
  const { group, version } = parseApiVersion(obj.apiVersion);
  return { group, version, resource: r.resource, namespace: r.clusterScoped ? undefined : (obj.metadata?.namespace ?? 'kube-system') };
}

/**
 * Creates each object in order; one that exists already is left as it is (a restart, or the
 * user changed it since, as EKS leaves self-managed add-ons alone). A create that fails for
 * another reason while the object exists counts as existing too: re-creating kube-dns is refused
 * as Invalid (its ClusterIP "is already allocated") before the name clash is noticed, as upstream.
 * Returns the objects created, as `Kind/name`.
 */
export async function applyAddons(client: KubeClient, objects: readonly KubeObject[]): Promise<string[]> {
  const created: string[] = [];
  for (const obj of objects) {
    const ref = addonRef(obj);
    try {
      await client.create(ref, obj);
      created.push(`${obj.kind}/${obj.metadata?.name ?? ''}`);
    } catch (err) {
      if (isAlreadyExists(err) || (await exists(client, { ...ref, name: obj.metadata?.name }))) continue;
      throw err;
    }
  }
  return created;
}

async function exists(client: KubeClient, ref: ResourceRef): Promise<boolean> {
  if (!ref.name) return false;
  try {
    await client.get(ref);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
