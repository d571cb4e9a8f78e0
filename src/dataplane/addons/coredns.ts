/**
 * CoreDNS as a new EKS cluster has it (the manifests eksctl vendors from EKS,
 * pkg/addons/default/assets/coredns-1.32.json): the coredns Deployment (2 replicas,
 * system-cluster-critical, preferred anti-affinity per hostname, zone spread, tolerating
 * CriticalAddonsOnly and the control-plane taint), its Corefile ConfigMap, ServiceAccount and RBAC,
 * and the kube-dns Service on the `.10` address of the service CIDR.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

/** What the CoreDNS manifests depend on. */
export interface CoreDnsOptions {
  registry: string;
  /** eks/coredns image tag, e.g. v1.11.4-eksbuild.2. */
  version: string;
  /** The kube-dns ClusterIP (serviceIpv4Cidr's .10). */
  clusterIp: string;
}

const LABELS = { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' };

/** EKS's default Corefile. */
export const DEFAULT_COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** The kube-dns Service. */
export function kubeDnsService(clusterIp: string): Service & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      labels: { 'eks.amazonaws.com/component': 'kube-dns', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      clusterIP: clusterIp,
      clusterIPs: [clusterIp],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
  };
}

/** The coredns Deployment. */
export function coreDnsDeployment(o: CoreDnsOptions): Deployment & KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...LABELS, 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 2,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { ...LABELS } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                    ],
                  },
                ],
              },
            },
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' },
                },
              ],
            },
          },
          containers: [
            {
              name: 'coredns',
              image: `${o.registry}/eks/coredns:${o.version}`,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              livenessProbe: { failureThreshold: 5, httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 5 },
              readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              ],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
              volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }],
            },
          ],
          dnsPolicy: 'Default',
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          tolerations: [
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' },
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
          ],
          topologySpreadConstraints: [{ labelSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  };
}

/** Every CoreDNS object, in apply order. */
export function coreDnsObjects(o: CoreDnsOptions): KubeObject[] {
  const sa: ServiceAccount & KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...LABELS } } };
  const rbacLabels = { ...LABELS, 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  const role: ClusterRole & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:coredns', labels: rbacLabels },
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
  };
  const binding: ClusterRoleBinding & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:coredns', labels: rbacLabels, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
    subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
  };
  const cm: ConfigMap & KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...LABELS } }, data: { Corefile: DEFAULT_COREFILE } };
  return [sa, role, binding, cm, kubeDnsService(o.clusterIp), coreDnsDeployment(o)];
}
