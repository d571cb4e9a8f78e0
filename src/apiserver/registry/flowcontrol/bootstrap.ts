/**
 * Our own minimal API Priority and Fairness configuration, shaped like kube-apiserver's
 * bootstrap set (apiserver/pkg/apis/flowcontrol/bootstrap): the mandatory `exempt` and
 * `catch-all` levels and schemas plus the suggested ones a cluster lists (system, node-high,
 * leader-election, workload-high, workload-low, global-default). The server creates them at
 * startup, ignoring AlreadyExists; each carries `apf.kubernetes.io/autoupdate-spec: "true"` as
 * upstream's do. Nothing here enforces them: requests are not queued by priority level.
 */
import type { KObject } from '../resource.js';

const ANNOTATIONS = { 'apf.kubernetes.io/autoupdate-spec': 'true' };
const GROUP_VERSION = 'flowcontrol.apiserver.k8s.io/v1';

type Level = [name: string, shares: number, lendable: number, queuing?: [queues: number, handSize: number, queueLengthLimit: number]];

const LEVELS: Level[] = [
  ['catch-all', 5, 0],
  ['system', 30, 33, [64, 6, 50]],
  ['node-high', 40, 25, [64, 6, 50]],
  ['leader-election', 10, 0, [16, 4, 50]],
  ['workload-high', 40, 50, [128, 6, 50]],
  ['workload-low', 100, 90, [128, 6, 50]],
  ['global-default', 20, 50, [128, 6, 50]],
];

/** The bootstrap PriorityLevelConfigurations. */
export const BOOTSTRAP_PRIORITY_LEVELS: KObject[] = [
  { apiVersion: GROUP_VERSION, kind: 'PriorityLevelConfiguration', metadata: { name: 'exempt', annotations: ANNOTATIONS }, spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  ...LEVELS.map(([name, shares, lendable, q]) => ({
    apiVersion: GROUP_VERSION,
    kind: 'PriorityLevelConfiguration',
    metadata: { name, annotations: ANNOTATIONS },
    spec: {
      type: 'Limited',
      limited: {
        nominalConcurrencyShares: shares,
        lendablePercent: lendable,
        limitResponse: q ? { type: 'Queue', queuing: { queues: q[0], handSize: q[1], queueLengthLimit: q[2] } } : { type: 'Reject' },
      },
    },
  })),
];

const group = (name: string) => ({ kind: 'Group', group: { name } });
const user = (name: string) => ({ kind: 'User', user: { name } });
const sa = (namespace: string, name: string) => ({ kind: 'ServiceAccount', serviceAccount: { namespace, name } });
const EVERYONE = [group('system:unauthenticated'), group('system:authenticated')];
const ALL_RESOURCES = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }];
const ALL_URLS = [{ verbs: ['*'], nonResourceURLs: ['*'] }];
const everything = (subjects: object[]) => ({ subjects, resourceRules: ALL_RESOURCES, nonResourceRules: ALL_URLS });
const leases = { verbs: ['get', 'create', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] };

type Schema = [name: string, level: string, precedence: number, distinguisher: 'ByUser' | 'ByNamespace' | undefined, rules: object[]];

const SCHEMAS: Schema[] = [
  ['exempt', 'exempt', 1, undefined, [everything([group('system:masters')])]],
  ['probes', 'exempt', 2, undefined, [{ subjects: EVERYONE, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }]],
  ['system-leader-election', 'leader-election', 100, 'ByUser', [{ subjects: [user('system:kube-controller-manager'), user('system:kube-scheduler')], resourceRules: [leases] }]],
  ['workload-leader-election', 'leader-election', 200, 'ByUser', [{ subjects: [sa('kube-system', '*')], resourceRules: [leases] }]],
  ['system-node-high', 'node-high', 400, 'ByUser', [{ subjects: [group('system:nodes')], resourceRules: [{ verbs: ['*'], apiGroups: [''], resources: ['nodes', 'nodes/status'], clusterScope: true }, { ...leases, verbs: ['*'], namespaces: ['kube-node-lease'] }] }]],
  ['system-nodes', 'system', 500, 'ByUser', [everything([group('system:nodes')])]],
  ['kube-controller-manager', 'workload-high', 800, 'ByNamespace', [everything([user('system:kube-controller-manager')])]],
  ['kube-scheduler', 'workload-high', 800, 'ByNamespace', [everything([user('system:kube-scheduler')])]],
  ['kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', [everything([sa('kube-system', '*')])]],
  ['service-accounts', 'workload-low', 9000, 'ByUser', [everything([group('system:serviceaccounts')])]],
  ['global-default', 'global-default', 9900, 'ByUser', [everything(EVERYONE)]],
  ['catch-all', 'catch-all', 10000, 'ByUser', [everything(EVERYONE)]],
];

/** The bootstrap FlowSchemas. */
export const BOOTSTRAP_FLOW_SCHEMAS: KObject[] = SCHEMAS.map(([name, level, precedence, distinguisher, rules]) => ({
  apiVersion: GROUP_VERSION,
  kind: 'FlowSchema',
  metadata: { name, annotations: ANNOTATIONS },
  spec: { priorityLevelConfiguration: { name: level }, matchingPrecedence: precedence, ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}), rules },
}));
