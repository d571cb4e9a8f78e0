/**
 * kube-proxy as EKS installs it: a host-network DaemonSet on every EC2 node (not Fargate), run
 * with `--config=/var/lib/kube-proxy-config/config` from the kube-proxy-config ConfigMap and a
 * kubeconfig (ConfigMap kube-proxy) that points at the cluster endpoint with the pod's service
 * account token, its ServiceAccount bound to system:node-proxier.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

/** What the kube-proxy manifests depend on. */
export interface KubeProxyOptions {
  registry: string;
  /** eks/kube-proxy image tag, e.g. v1.32.9-minimal-eksbuild.2. */
  version: string;
  /** The cluster's API endpoint, written into kube-proxy's kubeconfig. */
  endpoint: string;
}

const LABELS = { 'eks.amazonaws.com/component': 'kube-proxy', 'k8s-app': 'kube-proxy' };

function kubeconfig(endpoint: string): string {
  return [
    'kind: Config',
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `    server: ${endpoint}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
    '',
  ].join('\n');
}

/** The KubeProxyConfiguration EKS ships (iptables mode, conntrack and sync settings). */
const KUBE_PROXY_CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  acceptContentTypes: ""
  burst: 10
  contentType: application/vnd.kubernetes.protobuf
  kubeconfig: /var/lib/kube-proxy/kubeconfig
  qps: 5
clusterCIDR: ""
configSyncPeriod: 15m0s
conntrack:
  maxPerCore: 32768
  min: 131072
  tcpCloseWaitTimeout: 1h0m0s
  tcpEstablishedTimeout: 24h0m0s
enableProfiling: false
healthzBindAddress: 0.0.0.0:10256
hostnameOverride: ""
iptables:
  masqueradeAll: false
  masqueradeBit: 14
  minSyncPeriod: 0s
  syncPeriod: 30s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  syncPeriod: 30s
kind: KubeProxyConfiguration
metricsBindAddress: 0.0.0.0:10249
mode: "iptables"
nodePortAddresses: null
oomScoreAdj: -998
portRange: ""
`;

/** The kube-proxy DaemonSet. */
export function kubeProxyDaemonSet(o: KubeProxyOptions): DaemonSet & KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { ...LABELS } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                      { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate', 'auto'] },
                    ],
                  },
                ],
              },
            },
          },
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: `${o.registry}/eks/kube-proxy:${o.version}`,
              command: ['kube-proxy', '--v=2', '--config=/var/lib/kube-proxy-config/config', '--hostname-override=$(NODE_NAME)'],
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
              resources: { requests: { cpu: '100m' } },
              securityContext: { privileged: true },
              volumeMounts: [
                { mountPath: '/var/log', name: 'varlog', readOnly: false },
                { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
                { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
                { mountPath: '/var/lib/kube-proxy/', name: 'kubeconfig' },
                { mountPath: '/var/lib/kube-proxy-config/', name: 'config' },
              ],
            },
          ],
          volumes: [
            { name: 'varlog', hostPath: { path: '/var/log' } },
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
            { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
            { name: 'kubeconfig', configMap: { name: 'kube-proxy' } },
            { name: 'config', configMap: { name: 'kube-proxy-config' } },
          ],
        },
      },
    },
  };
}

/** Every kube-proxy object, in apply order. */
export function kubeProxyObjects(o: KubeProxyOptions): KubeObject[] {
  const sa: ServiceAccount & KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { ...LABELS } } };
  const binding: ClusterRoleBinding & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'eks:kube-proxy', labels: { ...LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
    subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }],
  };
  const kubeconfigMap: ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { ...LABELS } },
    data: { kubeconfig: kubeconfig(o.endpoint) },
  };
  const configMap: ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy-config', namespace: 'kube-system', labels: { ...LABELS } },
    data: { config: KUBE_PROXY_CONFIG },
  };
  return [sa, binding, kubeconfigMap, configMap, kubeProxyDaemonSet(o)];
}
