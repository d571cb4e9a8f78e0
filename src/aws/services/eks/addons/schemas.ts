/**
 * The configuration schemas DescribeAddonConfiguration answers and CreateAddon / UpdateAddon
 * validate `configurationValues` against: draft-06 JSON Schemas in the shape EKS publishes them
 * (the CLI's describe-addon-configuration examples for vpc-cni and coredns: a `$ref` to a root
 * definition, `additionalProperties: false` objects, `Resources`/`Limits` definitions, booleans
 * and integers in env maps as strings with a `format`). The members are the add-ons' commonly
 * used Helm values; the lists are ours and shorter than the real ones (UNVERIFIED).
 */
import type { JsonSchema } from './json-schema.js';

const str = { type: 'string' };
const int = { type: 'integer' };
const boolStr = { format: 'boolean', type: 'string' };
const intStr = { format: 'integer', type: 'string' };
const strMap = { additionalProperties: { type: 'string' }, type: 'object' };
const closed = (title: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ additionalProperties: false, properties, title, type: 'object', ...extra });

/** Definitions every schema shares. */
const COMMON = {
  Affinity: { type: ['object', 'null'] },
  Limits: closed('Limits', { cpu: str, memory: str }),
  Resources: closed('Resources', { limits: { $ref: '#/definitions/Limits' }, requests: { $ref: '#/definitions/Limits' } }),
  Tolerations: { items: { type: 'object' }, type: 'array' },
};

/** A schema whose root is definitions[`root`]. */
function schema(root: string, definitions: Record<string, unknown>, description: string): JsonSchema {
  return { $ref: `#/definitions/${root}`, $schema: 'http://json-schema.org/draft-06/schema#', definitions: { ...COMMON, ...definitions }, description };
}

/** Pod-level settings most add-ons take. */
const POD = {
  affinity: { $ref: '#/definitions/Affinity' },
  nodeSelector: strMap,
  podAnnotations: strMap,
  podLabels: strMap,
  resources: { $ref: '#/definitions/Resources' },
  tolerations: { $ref: '#/definitions/Tolerations' },
};

const VPC_CNI_ENV = [
  ['ADDITIONAL_ENI_TAGS', str],
  ['ANNOTATE_POD_IP', boolStr],
  ['AWS_VPC_CNI_NODE_PORT_SUPPORT', boolStr],
  ['AWS_VPC_ENI_MTU', intStr],
  ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', boolStr],
  ['AWS_VPC_K8S_CNI_EXTERNALSNAT', boolStr],
  ['AWS_VPC_K8S_CNI_LOGLEVEL', str],
  ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', str],
  ['DISABLE_NETWORK_RESOURCE_PROVISIONING', boolStr],
  ['ENABLE_POD_ENI', boolStr],
  ['ENABLE_PREFIX_DELEGATION', boolStr],
  ['ENI_CONFIG_ANNOTATION_DEF', str],
  ['ENI_CONFIG_LABEL_DEF', str],
  ['MAX_ENI', intStr],
  ['MINIMUM_IP_TARGET', intStr],
  ['POD_SECURITY_GROUP_ENFORCING_MODE', str],
  ['WARM_ENI_TARGET', intStr],
  ['WARM_IP_TARGET', intStr],
  ['WARM_PREFIX_TARGET', intStr],
] as const;

const SCHEMAS: Record<string, JsonSchema> = {
  'vpc-cni': schema(
    'VpcCni',
    {
      EniConfig: closed(
        'EniConfig',
        {
          create: { type: 'boolean' },
          region: str,
          subnets: { additionalProperties: closed('Subnet', { id: str, securityGroups: { items: str, type: 'array' } }, { required: ['id'] }), minProperties: 1, type: 'object' },
        },
        { required: ['create', 'region', 'subnets'] },
      ),
      Env: closed('Env', Object.fromEntries(VPC_CNI_ENV)),
      NodeAgent: closed('NodeAgent', { enableCloudWatchLogs: boolStr, enablePolicyEventLogs: boolStr, healthProbeBindAddr: intStr, metricsBindAddr: intStr }),
      VpcCni: closed('VpcCni', {
        affinity: { $ref: '#/definitions/Affinity' },
        enableNetworkPolicy: boolStr,
        enableWindowsIpam: boolStr,
        eniConfig: { $ref: '#/definitions/EniConfig' },
        env: { $ref: '#/definitions/Env' },
        livenessProbeTimeoutSeconds: int,
        nodeAgent: { $ref: '#/definitions/NodeAgent' },
        readinessProbeTimeoutSeconds: int,
        resources: { $ref: '#/definitions/Resources' },
        tolerations: { $ref: '#/definitions/Tolerations' },
      }),
    },
    'vpc-cni',
  ),
  coredns: schema(
    'Coredns',
    {
      AutoScaling: closed('AutoScaling', { enabled: { type: 'boolean' }, maxReplicas: { ...int, minimum: 2 }, minReplicas: { ...int, minimum: 2 } }),
      Coredns: closed('Coredns', { ...POD, autoScaling: { $ref: '#/definitions/AutoScaling' }, computeType: str, corefile: { description: 'Entire corefile contents to use with installation', type: 'string' }, replicaCount: { ...int, minimum: 1 } }),
    },
    'coredns',
  ),
  'kube-proxy': schema('KubeProxy', { KubeProxy: closed('KubeProxy', { ...POD, ipvs: closed('Ipvs', { scheduler: str }), mode: { enum: ['iptables', 'ipvs', 'nftables'], type: 'string' } }) }, 'kube-proxy'),
  'eks-pod-identity-agent': schema('Agent', { Agent: closed('Agent', { ...POD, agent: closed('AgentConfig', { additionalArgs: strMap }) }) }, 'eks-pod-identity-agent'),
  'aws-ebs-csi-driver': schema(
    'EbsCsi',
    {
      Controller: closed('Controller', { ...POD, extraVolumeTags: strMap, replicaCount: { ...int, minimum: 1 } }),
      Node: closed('Node', { ...POD, volumeAttachLimit: int }),
      EbsCsi: closed('EbsCsi', { controller: { $ref: '#/definitions/Controller' }, defaultStorageClass: closed('DefaultStorageClass', { enabled: { type: 'boolean' } }), node: { $ref: '#/definitions/Node' } }),
    },
    'aws-ebs-csi-driver',
  ),
  'aws-efs-csi-driver': schema(
    'EfsCsi',
    { EfsCsi: closed('EfsCsi', { controller: closed('Controller', { ...POD, replicaCount: { ...int, minimum: 1 } }), node: closed('Node', POD) }) },
    'aws-efs-csi-driver',
  ),
  'snapshot-controller': schema('SnapshotController', { SnapshotController: closed('SnapshotController', { ...POD, replicaCount: { ...int, minimum: 1 } }) }, 'snapshot-controller'),
  'amazon-cloudwatch-observability': schema(
    'Observability',
    { Observability: closed('Observability', { agent: closed('Agent', { config: { type: 'object' }, resources: { $ref: '#/definitions/Resources' } }), containerLogs: closed('ContainerLogs', { enabled: { type: 'boolean' } }), tolerations: { $ref: '#/definitions/Tolerations' } }) },
    'amazon-cloudwatch-observability',
  ),
};

/** The configuration schema of an add-on (every version of an add-on shares it here). */
export function configurationSchema(addonName: string): JsonSchema {
  return SCHEMAS[addonName] ?? schema('Root', { Root: closed('Root', POD) }, addonName);
}
