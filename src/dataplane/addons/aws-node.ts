/**
 * The Amazon VPC CNI as a new EKS cluster has it in kube-system (aws/amazon-vpc-cni-k8s
 * config/master/aws-k8s-cni.yaml, the chart EKS renders): the ENIConfig CRD, the aws-node
 * ServiceAccount and RBAC, the amazon-vpc-cni ConfigMap and the aws-node DaemonSet — host
 * network, system-node-critical, tolerating everything, on linux amd64/arm64 nodes that are not
 * Fargate, with ipamd's env (WARM_ENI_TARGET=1, prefix delegation and custom networking off) and
 * the network-policy agent beside it.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, EnvVar, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { CustomResourceDefinition, JSONSchemaProps } from 'kubernetes-types/apiextensions/v1.js';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

/** What the aws-node manifests depend on. */
export interface AwsNodeOptions {
  registry: string;
  /** amazon-k8s-cni image tag, e.g. v1.19.2-eksbuild.1. */
  version: string;
  /** aws-network-policy-agent image tag. */
  networkPolicyAgentVersion: string;
  clusterName?: string;
  vpcId?: string;
}

const LABELS = { 'app.kubernetes.io/name': 'aws-node', 'app.kubernetes.io/instance': 'aws-vpc-cni', 'k8s-app': 'aws-node' };

/** The ENIConfig CRD (crd.k8s.amazonaws.com/v1alpha1, cluster-scoped; spec.subnet, spec.securityGroups). */
export function eniConfigCrd(): CustomResourceDefinition & KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'eniconfigs.crd.k8s.amazonaws.com', labels: { ...LABELS } },
    spec: {
      scope: 'Cluster',
      group: 'crd.k8s.amazonaws.com',
      names: { plural: 'eniconfigs', singular: 'eniconfig', kind: 'ENIConfig', listKind: 'ENIConfigList' },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { subnet: { type: 'string' }, securityGroups: { type: 'array', items: { type: 'string' } } },
                },
              },
              'x-kubernetes-preserve-unknown-fields': true,
            } as JSONSchemaProps,
          },
        },
      ],
    },
  };
}

function env(o: AwsNodeOptions): EnvVar[] {
  const plain: [string, string][] = [
    ['ADDITIONAL_ENI_TAGS', '{}'],
    ['ANNOTATE_POD_IP', 'false'],
    ['AWS_VPC_CNI_NODE_PORT_SUPPORT', 'true'],
    ['AWS_VPC_ENI_MTU', '9001'],
    ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', 'false'],
    ['AWS_VPC_K8S_CNI_EXTERNALSNAT', 'false'],
    ['AWS_VPC_K8S_CNI_LOGLEVEL', 'DEBUG'],
    ['AWS_VPC_K8S_CNI_LOG_FILE', '/host/var/log/aws-routed-eni/ipamd.log'],
    ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', 'prng'],
    ['AWS_VPC_K8S_CNI_VETHPREFIX', 'eni'],
    ['AWS_VPC_K8S_PLUGIN_LOG_FILE', '/var/log/aws-routed-eni/plugin.log'],
    ['AWS_VPC_K8S_PLUGIN_LOG_LEVEL', 'DEBUG'],
    ...(o.clusterName ? ([['CLUSTER_NAME', o.clusterName]] as [string, string][]) : []),
    ['DISABLE_INTROSPECTION', 'false'],
    ['DISABLE_METRICS', 'false'],
    ['DISABLE_NETWORK_RESOURCE_PROVISIONING', 'false'],
    ['ENABLE_IPv4', 'true'],
    ['ENABLE_IPv6', 'false'],
    ['ENABLE_POD_ENI', 'false'],
    ['ENABLE_PREFIX_DELEGATION', 'false'],
    ['ENABLE_SUBNET_DISCOVERY', 'true'],
    ['NETWORK_POLICY_ENFORCING_MODE', 'standard'],
    ['VPC_CNI_VERSION', o.version.replace(/-eksbuild\.\d+$/, '')],
    ...(o.vpcId ? ([['VPC_ID', o.vpcId]] as [string, string][]) : []),
    ['WARM_ENI_TARGET', '1'],
    ['WARM_PREFIX_TARGET', '1'],
  ];
  return [
    ...plain.map(([name, value]) => ({ name, value })),
    { name: 'MY_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    { name: 'MY_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
  ];
}

/** The aws-node DaemonSet. */
export function awsNodeDaemonSet(o: AwsNodeOptions): DaemonSet & KubeObject {
  const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: type ? { path, type } : { path } });
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels: { ...LABELS, 'app.kubernetes.io/version': o.version.replace(/-eksbuild\.\d+$/, '') } },
    spec: {
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      selector: { matchLabels: { 'k8s-app': 'aws-node' } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'aws-node',
          hostNetwork: true,
          initContainers: [
            {
              name: 'aws-vpc-cni-init',
              image: `${o.registry}/amazon-k8s-cni-init:${o.version}`,
              env: [
                { name: 'DISABLE_TCP_EARLY_DEMUX', value: 'false' },
                { name: 'ENABLE_IPv6', value: 'false' },
              ],
              securityContext: { privileged: true },
              resources: { requests: { cpu: '25m' } },
              volumeMounts: [{ mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' }],
            },
          ],
          terminationGracePeriodSeconds: 10,
          tolerations: [{ operator: 'Exists' }],
          securityContext: {},
          containers: [
            {
              name: 'aws-node',
              image: `${o.registry}/amazon-k8s-cni:${o.version}`,
              ports: [{ containerPort: 61678, name: 'metrics' }],
              livenessProbe: { exec: { command: ['/app/grpc-health-probe', '-addr=:50051', '-connect-timeout=5s', '-rpc-timeout=5s'] }, initialDelaySeconds: 60, timeoutSeconds: 10 },
              readinessProbe: { exec: { command: ['/app/grpc-health-probe', '-addr=:50051', '-connect-timeout=5s', '-rpc-timeout=5s'] }, initialDelaySeconds: 1, timeoutSeconds: 10 },
              env: env(o),
              resources: { requests: { cpu: '25m' } },
              securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
              volumeMounts: [
                { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
                { mountPath: '/host/var/log/aws-routed-eni', name: 'log-dir' },
                { mountPath: '/var/run/aws-node', name: 'run-dir' },
                { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
              ],
            },
            {
              name: 'aws-eks-nodeagent',
              image: `${o.registry}/amazon/aws-network-policy-agent:${o.networkPolicyAgentVersion}`,
              env: [{ name: 'MY_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
              args: ['--enable-ipv6=false', '--enable-network-policy=false', '--enable-cloudwatch-logs=false'],
              resources: { requests: { cpu: '25m' } },
              securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: true },
              volumeMounts: [
                { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                { mountPath: '/sys/fs/bpf', name: 'bpf-pin-path' },
                { mountPath: '/var/log/aws-routed-eni', name: 'log-dir' },
                { mountPath: '/var/run/aws-node', name: 'run-dir' },
              ],
            },
          ],
          volumes: [
            hostPath('bpf-pin-path', '/sys/fs/bpf'),
            hostPath('cni-bin-dir', '/opt/cni/bin'),
            hostPath('cni-net-dir', '/etc/cni/net.d'),
            hostPath('log-dir', '/var/log/aws-routed-eni', 'DirectoryOrCreate'),
            hostPath('run-dir', '/var/run/aws-node', 'DirectoryOrCreate'),
            hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
          ],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                      { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate', 'hybrid', 'auto'] },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
    },
  };
}

/** Every aws-node object, in apply order. */
export function awsNodeObjects(o: AwsNodeOptions): KubeObject[] {
  const sa: ServiceAccount & KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'aws-node', namespace: 'kube-system', labels: { ...LABELS } } };
  const cm: ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system', labels: { ...LABELS } },
    data: { 'enable-windows-ipam': 'false', 'enable-network-policy-controller': 'false' },
  };
  const role: ClusterRole & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'aws-node', labels: { ...LABELS } },
    rules: [
      { apiGroups: ['crd.k8s.amazonaws.com'], resources: ['eniconfigs'], verbs: ['list', 'watch', 'get'] },
      { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['list', 'watch', 'get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch', 'get'] },
      { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'list'] },
      { apiGroups: ['networking.k8s.aws'], resources: ['policyendpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['networking.k8s.aws'], resources: ['policyendpoints/status'], verbs: ['get'] },
      { apiGroups: ['vpcresources.k8s.aws'], resources: ['cninodes'], verbs: ['get', 'list', 'watch', 'patch'] },
    ],
  };
  const binding: ClusterRoleBinding & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'aws-node', labels: { ...LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'aws-node' },
    subjects: [{ kind: 'ServiceAccount', name: 'aws-node', namespace: 'kube-system' }],
  };
  return [eniConfigCrd(), sa, cm, role, binding, awsNodeDaemonSet(o)];
}
