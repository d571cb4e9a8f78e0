/**
 * The VPC CNI's knobs, read as ipamd reads them: from the environment of the `aws-node`
 * container of the kube-system/aws-node DaemonSet (pkg/ipamd/ipamd.go getters for
 * WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, WARM_PREFIX_TARGET,
 * ENABLE_PREFIX_DELEGATION, AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG, MAX_ENI; the datastore's
 * IP_COOLDOWN_PERIOD; pkg/eniconfig's ENI_CONFIG_LABEL_DEF / ENI_CONFIG_ANNOTATION_DEF) plus the
 * cluster's ENIConfig objects (crd.k8s.amazonaws.com, spec.subnet + spec.securityGroups).
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

/** One ENIConfig's spec: where pods' ENIs go under custom networking. */
export interface EniConfigSpec {
  subnet: string;
  securityGroups: string[];
}

/** Everything the VPC CNI's address management depends on. */
export interface CniConfig {
  /** ENABLE_PREFIX_DELEGATION=true: /28 prefixes instead of secondary IPs (nitro machines only). */
  prefixDelegation: boolean;
  /** AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true: pod ENIs in the node's ENIConfig subnet; primary ENI carries no pods. */
  customNetworking: boolean;
  /** WARM_ENI_TARGET (default 1): keep this many ENIs' worth of free addresses. */
  warmEniTarget: number;
  /** WARM_IP_TARGET (0 = unset): keep this many free addresses; overrides the ENI / prefix target. */
  warmIpTarget: number;
  /** MINIMUM_IP_TARGET (0 = unset): keep at least this many addresses in total. */
  minimumIpTarget: number;
  /** WARM_PREFIX_TARGET (default 1): keep this many /28s' worth of free addresses (prefix delegation). */
  warmPrefixTarget: number;
  /** MAX_ENI: at most this many ENIs per node (undefined = the instance type's limit). */
  maxEni: number | undefined;
  /** IP_COOLDOWN_PERIOD in ms (default 30 s): a freed address is not handed to another pod sooner. */
  ipCooldownMs: number;
  /** ENI_CONFIG_LABEL_DEF: the node label naming its ENIConfig (upstream default k8s.amazonaws.com/eniConfig). */
  eniConfigLabelDef: string;
  /** ENI_CONFIG_ANNOTATION_DEF: the node annotation naming its ENIConfig (default k8s.amazonaws.com/eniConfig). */
  eniConfigAnnotationDef: string;
  /** ENIConfig name → spec. */
  eniConfigs: Record<string, EniConfigSpec>;
}

/** pkg/eniconfig defaultEniConfigLabelDef / defaultEniConfigAnnotationDef. */
export const DEFAULT_ENI_CONFIG_KEY = 'k8s.amazonaws.com/eniConfig';

/** What ipamd runs with when aws-node sets nothing (and the EKS manifest's WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1). */
export const DEFAULT_CNI_CONFIG: CniConfig = Object.freeze({
  prefixDelegation: false,
  customNetworking: false,
  warmEniTarget: 1,
  warmIpTarget: 0,
  minimumIpTarget: 0,
  warmPrefixTarget: 1,
  maxEni: undefined,
  ipCooldownMs: 30_000,
  eniConfigLabelDef: DEFAULT_ENI_CONFIG_KEY,
  eniConfigAnnotationDef: DEFAULT_ENI_CONFIG_KEY,
  eniConfigs: Object.freeze({}) as Record<string, EniConfigSpec>,
});

/** The literal env values of a container (valueFrom entries are not config knobs and are skipped). */
function envOf(awsNode: DaemonSet | undefined): Map<string, string> {
  const containers = awsNode?.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === 'aws-node') ?? containers[0];
  const env = new Map<string, string>();
  for (const e of c?.env ?? []) if (e.value !== undefined) env.set(e.name, e.value);
  return env;
}

/** ipamd's GetIntFromStringEnvVar: a non-negative integer, or the default when unset or unparsable. */
function intEnv(env: Map<string, string>, name: string, dflt: number): number {
  const v = env.get(name);
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return dflt;
  return Number.parseInt(v, 10);
}

/** ipamd parses booleans with strconv.ParseBool: 1, t, T, TRUE, true, True. */
function boolEnv(env: Map<string, string>, name: string, dflt: boolean): boolean {
  const v = env.get(name);
  if (v === undefined) return dflt;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return dflt;
}

function nonEmpty(env: Map<string, string>, name: string, dflt: string): string {
  const v = env.get(name);
  return v ? v : dflt;
}

/** The ENIConfig objects' specs by name; objects without a subnet are skipped, as ipamd cannot use them. */
export function eniConfigsOf(objs: readonly KubeObject[]): Record<string, EniConfigSpec> {
  const out: Record<string, EniConfigSpec> = {};
  for (const o of objs) {
    const name = o.metadata?.name;
    const spec = (o as { spec?: { subnet?: unknown; securityGroups?: unknown } }).spec;
    if (!name || typeof spec?.subnet !== 'string' || !spec.subnet) continue;
    const sgs = Array.isArray(spec.securityGroups) ? spec.securityGroups.filter((s): s is string => typeof s === 'string') : [];
    out[name] = { subnet: spec.subnet, securityGroups: sgs };
  }
  return out;
}

/**
 * The CNI configuration a cluster's aws-node DaemonSet and ENIConfigs describe. Without an
 * aws-node DaemonSet (not yet applied, or deleted) ipamd's defaults hold.
 */
export function cniConfigFromCluster(awsNode: DaemonSet | undefined, eniConfigs: readonly KubeObject[]): CniConfig {
  const env = envOf(awsNode);
  const maxEni = intEnv(env, 'MAX_ENI', -1);
  return {
    prefixDelegation: boolEnv(env, 'ENABLE_PREFIX_DELEGATION', false),
    customNetworking: boolEnv(env, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', false),
    warmEniTarget: intEnv(env, 'WARM_ENI_TARGET', DEFAULT_CNI_CONFIG.warmEniTarget),
    warmIpTarget: intEnv(env, 'WARM_IP_TARGET', 0),
    minimumIpTarget: intEnv(env, 'MINIMUM_IP_TARGET', 0),
    warmPrefixTarget: intEnv(env, 'WARM_PREFIX_TARGET', DEFAULT_CNI_CONFIG.warmPrefixTarget),
    maxEni: maxEni > 0 ? maxEni : undefined,
    ipCooldownMs: intEnv(env, 'IP_COOLDOWN_PERIOD', 30) * 1000,
    eniConfigLabelDef: nonEmpty(env, 'ENI_CONFIG_LABEL_DEF', DEFAULT_ENI_CONFIG_KEY),
    eniConfigAnnotationDef: nonEmpty(env, 'ENI_CONFIG_ANNOTATION_DEF', DEFAULT_ENI_CONFIG_KEY),
    eniConfigs: eniConfigsOf(eniConfigs),
  };
}
