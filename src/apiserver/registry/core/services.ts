/**
 * core/v1 services: SetDefaults_Service (type ClusterIP, sessionAffinity None, port protocol TCP,
 * targetPort = port, traffic policies, LoadBalancer node ports), the IP-family defaults the
 * service REST storage applies (SingleStack IPv4; RequireDualStack for selectorless headless
 * services), the update preparation of the service strategy and REST layer (allocated values
 * carried over, type-dependent fields dropped on a type change), validation and the printer.
 * Allocating cluster IPs and node ports is not done here; a set spec.clusterIP is left as is.
 */
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { ageColumn, column, formatLabels } from './printing.js';
import { externallyAccessible, needsClusterIP, needsNodePort, serviceType, type Service } from './service-types.js';
import { validateService, validateServiceUpdate } from './service-validation.js';
import type { FieldError } from '../../../apimachinery/errors.js';
import { serviceAllocator } from '../allocators/service-addresses.js';

const DEFAULT_AFFINITY_SECONDS = 10800;

function defaults(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null)
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_AFFINITY_SECONDS } };
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc)) spec.externalTrafficPolicy ||= 'Cluster';
  if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  else if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  const headless = spec.clusterIP === 'None';
  spec.ipFamilyPolicy ??= headless && !spec.selector ? 'RequireDualStack' : 'SingleStack';
  if (!spec.ipFamilies?.length) spec.ipFamilies = spec.clusterIP?.includes(':') ? ['IPv6'] : ['IPv4'];
}

const same = (a: Service, b: Service, key: string) => deepEqual(a.spec?.[key], b.spec?.[key]);

/**
 * The REST layer's patchAllocatedValues (a PUT without clusterIP or nodePort keeps the allocated
 * ones) and the strategy's dropTypeDependentFields (a type change drops what only the old type
 * needed, when the client did not touch it).
 */
function prepareForUpdate(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const prev = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && prev.clusterIP) spec.clusterIP = prev.clusterIP;
    if (!spec.clusterIPs?.length && prev.clusterIPs && spec.clusterIP === prev.clusterIP) spec.clusterIPs = [...prev.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (prev.ports ?? []).find((q) => (p.name ?? '') === (q.name ?? '') && p.port === q.port && (p.protocol || 'TCP') === (q.protocol || 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (spec.type === 'LoadBalancer' && prev.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && !spec.healthCheckNodePort && prev.healthCheckNodePort)
    spec.healthCheckNodePort = prev.healthCheckNodePort;

  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (same(svc, old, 'clusterIP') && same(svc, old, 'clusterIPs')) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(svc, old, 'ipFamilies')) delete spec.ipFamilies;
    if (same(svc, old, 'ipFamilyPolicy')) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: Service) => (s.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
  if (needsNodePort(old) && !needsNodePort(svc) && deepEqual(nodePorts(svc), nodePorts(old))) for (const p of spec.ports ?? []) delete p.nodePort;
  const needsHC = (s: Service) => serviceType(s) === 'LoadBalancer' && s.spec?.externalTrafficPolicy === 'Local';
  if (needsHC(old) && !needsHC(svc) && same(svc, old, 'healthCheckNodePort')) delete spec.healthCheckNodePort;
  if (prev.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (same(svc, old, 'loadBalancerClass')) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(svc) && same(svc, old, 'externalTrafficPolicy')) delete spec.externalTrafficPolicy;
  if (serviceType(svc) !== 'LoadBalancer' && svc.status) svc.status = { ...svc.status, loadBalancer: {} };
}

/** getServiceExternalIP with wide output (the server always prints wide). */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean))].sort();
      const all = [...lb, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString: `80/TCP`, `80:30080/TCP`, joined by commas; `<none>` without ports. */
export function servicePorts(svc: Service): string {
  const ports = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`));
  return ports.length ? ports.join(',') : '<none>';
}

/** The service strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const serviceStrategy = {
  prepareForUpdate,
  allocate: serviceAllocator() as (obj: Service, peers: Iterable<Service>) => FieldError[],
  defaults,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
} satisfies ResourceStrategy<Service>;

const s = (o: KObject) => o as Service;

/** The `services` resource: table data plus its strategy. */
export const services: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  subresources: { status: true },
  nameRule: 'label',
  printerColumns: [
    column('Type', (o) => s(o).spec?.type ?? '', { description: 'type determines how the Service is exposed.' }),
    column('Cluster-IP', (o) => s(o).spec?.clusterIPs?.[0] || s(o).spec?.clusterIP || '<none>', { description: 'clusterIP is the IP address of the service.' }),
    column('External-IP', (o) => serviceExternalIP(s(o)), { description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.' }),
    column('Port(s)', (o) => servicePorts(s(o)), { description: 'The list of ports that are exposed by this service.' }),
    ageColumn,
    column('Selector', (o) => formatLabels(s(o).spec?.selector), { priority: 1, description: 'Route service traffic to pods with label keys and values matching this selector.' }),
  ],
  strategy: serviceStrategy as ResourceStrategy,
};
