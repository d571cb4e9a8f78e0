/**
 * Who an `aws eks get-token` bearer is inside a cluster, as EKS decides it: the token is verified
 * as a presigned STS GetCallerIdentity (aws-iam-authenticator's checks), then the IAM identity is
 * mapped through the cluster's access entries (authentication modes API and API_AND_CONFIG_MAP)
 * and the `kube-system/aws-auth` ConfigMap (CONFIG_MAP and API_AND_CONFIG_MAP), with the cluster
 * creator's implicit admin in CONFIG_MAP mode. No mapping means 401, as on EKS.
 */
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../apiserver/endpoints/types.js';
import type { KObject } from '../apiserver/registry/resource.js';
import { verifyEksToken, type EksIdentity, type IamState } from '../aws/identity/index.js';
import { childId, eksTables, type AccessEntryRecord, type ClusterRecord } from '../aws/services/eks/state.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/types.js';

export interface ClusterRef {
  account: string;
  region: string;
  name: string;
}

interface AwsAuthMapping {
  rolearn?: string;
  userarn?: string;
  username?: string;
  groups?: string[];
}

export interface EksMappingOptions {
  store: Store;
  cluster: ClusterRef;
  /** The cluster's aws-auth ConfigMap as the API server holds it now. */
  awsAuth: () => KObject | undefined;
  /** `{{EC2PrivateDNSName}}`: the private DNS name of the instance a role session belongs to (its session name is the instance id). */
  ec2PrivateDnsName?: (instanceId: string) => Promise<string | undefined>;
}

/** Builds the bearer-token authenticator of one cluster. `awsAuth` reads the cluster's aws-auth ConfigMap. */
export function eksTokenAuthenticator(opts: EksMappingOptions & { iam: IamState; clock: Clock }): (token: string) => Promise<UserInfo | undefined> {
  const map = eksIdentityMapper(opts);
  return async (token) => {
    if (!token.startsWith('k8s-aws-v1.')) return undefined;
    const verified = await verifyEksToken(token, { iam: opts.iam, clock: opts.clock, clusterId: opts.cluster.name });
    if (!verified.ok) return undefined;
    return map(verified.identity);
  };
}

/**
 * The Kubernetes user an IAM identity is inside the cluster now (access entries, aws-auth, the
 * creator's implicit admin), or undefined when nothing maps it — a 401 on EKS. Nodes are mapped
 * through this too (their instance role's session), so removing a node role's access entry stops
 * its kubelets, as on EKS.
 */
export function eksIdentityMapper(opts: EksMappingOptions): (id: EksIdentity) => Promise<UserInfo | undefined> {
  const tables = eksTables(opts.store, { account: opts.cluster.account, region: opts.cluster.region });
  const map = async (id: EksIdentity): Promise<UserInfo | undefined> => {
    const cluster = (await tables.clusters.get(opts.cluster.name))?.value as ClusterRecord | undefined;
    if (!cluster) return undefined;
    const dns = id.sessionName?.startsWith('i-') && opts.ec2PrivateDnsName ? await opts.ec2PrivateDnsName(id.sessionName) : undefined;
    const expand = (template: string) => expandTemplate(template, id, dns);
    const mode = cluster.accessConfig.authenticationMode;
    const extra = { arn: [id.arn], canonicalArn: [id.canonicalArn], accessKeyId: [id.accessKeyId], ...(id.sessionName ? { sessionName: [id.sessionName] } : {}) };
    if (mode !== 'CONFIG_MAP') {
      const entry = (await tables.accessEntries.get(childId(cluster.name, id.canonicalArn)))?.value;
      if (entry) return { ...fromEntry(entry, id, expand), uid: `aws-iam-authenticator:${id.accountId}:${id.userId}`, extra };
    }
    if (mode !== 'API') {
      const mapped = fromAwsAuth(opts.awsAuth(), id, expand);
      if (mapped) return { ...mapped, uid: `aws-iam-authenticator:${id.accountId}:${id.userId}`, extra };
      if (mode === 'CONFIG_MAP' && cluster.creatorArn === id.canonicalArn)
        return { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'], uid: `aws-iam-authenticator:${id.accountId}:${id.userId}`, extra };
    }
    return undefined;
  };
  // aws-iam-authenticator refuses an identity whose EC2 instance it cannot describe.
  return async (id) => {
    const user = await map(id);
    return user && !user.name.includes(UNRESOLVED) ? user : undefined;
  };
}

type Expand = (template: string) => string;

function fromEntry(e: AccessEntryRecord, id: EksIdentity, expand: Expand): UserInfo {
  if (e.type === 'EC2_LINUX' || e.type === 'EC2_WINDOWS') return { name: expand(e.username || 'system:node:{{EC2PrivateDNSName}}'), groups: ['system:bootstrappers', 'system:nodes', 'system:authenticated'] };
  if (e.type === 'FARGATE_LINUX') return { name: expand(e.username || 'system:node:{{SessionName}}'), groups: ['system:bootstrappers', 'system:nodes', 'system:node-proxier', 'system:authenticated'] };
  return { name: expand(e.username || id.arn), groups: [...e.kubernetesGroups, 'system:authenticated'] };
}

function fromAwsAuth(cm: KObject | undefined, id: EksIdentity, expand: Expand): { name: string; groups: string[] } | undefined {
  const data = (cm?.data ?? {}) as Record<string, string>;
  const parseList = (text: string | undefined): AwsAuthMapping[] => {
    if (!text) return [];
    try {
      const v = parseYaml(text) as unknown;
      return Array.isArray(v) ? (v as AwsAuthMapping[]) : [];
    } catch {
      return [];
    }
  };
  const m = parseList(data.mapRoles).find((r) => r.rolearn === id.canonicalArn) ?? parseList(data.mapUsers).find((u) => u.userarn === id.canonicalArn);
  if (!m) return undefined;
  return { name: expand(m.username || id.arn), groups: [...(m.groups ?? []), 'system:authenticated'] };
}

/** Left in a name whose `{{EC2PrivateDNSName}}` could not be resolved: such a name maps no one. */
const UNRESOLVED = '\u0000unresolved';

/** aws-iam-authenticator's username templates; `{{EC2PrivateDNSName}}` needs the instance's DNS name. */
function expandTemplate(template: string, id: EksIdentity, ec2PrivateDnsName: string | undefined): string {
  return template
    .replace(/\{\{EC2PrivateDNSName\}\}/g, ec2PrivateDnsName ?? UNRESOLVED)
    .replace(/\{\{AccountID\}\}/g, id.accountId)
    .replace(/\{\{SessionName\}\}/g, id.sessionName ?? '')
    .replace(/\{\{SessionNameRaw\}\}/g, id.sessionName ?? '')
    .replace(/\{\{AccessKeyID\}\}/g, id.accessKeyId);
}
