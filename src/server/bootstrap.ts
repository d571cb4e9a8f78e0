/** Objects every cluster starts with, as kube-apiserver's bootstrap controllers create them. */
import { StatusError } from '../apimachinery/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { BOOTSTRAP_API_SERVICES } from '../apiserver/registry/apiregistration/apiservices.js';
import { BOOTSTRAP_FLOW_SCHEMAS, BOOTSTRAP_PRIORITY_LEVELS } from '../apiserver/registry/flowcontrol/bootstrap.js';
import type { KObject } from '../apiserver/registry/resource.js';
import { BOOTSTRAP_PRIORITY_CLASSES } from '../apiserver/registry/scheduling/priorityclasses.js';
import { rfc3339 } from '../lib/clock.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The first address of the service CIDR, which the `kubernetes` service always holds. */
export const KUBERNETES_SERVICE_IP = '10.100.0.1';

/**
 * Creates what is missing; safe to run at every start. `apiserver` is where clients reach the
 * API server (address and port): the `kubernetes` service's target port and endpoints.
 *
 * The objects are created concurrently (the namespaces first, since the others may live in them),
 * so a store that commits concurrent writes together (SQLite's group commit, one etcd round trip
 * each) spends one commit on a batch instead of one per object.
 */
export async function bootstrapCluster(api: ApiServer, apiserver?: { ip: string; port: number }): Promise<void> {
  await Promise.all(SYSTEM_NAMESPACES.map((name) => ensure(api, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const writes: Promise<unknown>[] = [
    ensure(api, '', 'services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels },
      spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserver?.port ?? 443 }], sessionAffinity: 'None' },
    }),
    ...BOOTSTRAP_PRIORITY_CLASSES.map((pc) => ensure(api, 'scheduling.k8s.io', 'priorityclasses', structuredClone(pc))),
    ...BOOTSTRAP_PRIORITY_LEVELS.map((pl) => ensure(api, 'flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', structuredClone(pl))),
    ...BOOTSTRAP_FLOW_SCHEMAS.map((fs) => ensure(api, 'flowcontrol.apiserver.k8s.io', 'flowschemas', structuredClone(fs))),
    // APIServices for the built-in group versions, Available as local services are.
    ...BOOTSTRAP_API_SERVICES(api.resources, rfc3339(api.clock.now())).map(async (svc) => {
      const created = await ensure(api, 'apiregistration.k8s.io', 'apiservices', structuredClone(svc));
      if (created) await api.storeFor('apiregistration.k8s.io', 'apiservices')!.update(undefined, svc.metadata!.name!, (cur) => ({ ...cur!, status: svc.status }), { subresource: 'status' });
    }),
  ];
  // Endpoints may not be loopback addresses (as upstream validation says), so a server bound to
  // 127.0.0.1 publishes none, like a kube-apiserver without an advertise address.
  if (apiserver && !apiserver.ip.startsWith('127.') && apiserver.ip !== '::1')
    writes.push(
      ensure(api, '', 'endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets: [{ addresses: [{ ip: apiserver.ip }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] }],
      }),
    );
  await settleAll(writes);
}

/** Waits for every promise, then throws the first failure (none is left running unobserved). */
async function settleAll(ps: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(ps)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Creates the object unless it exists; true when this call created it. */
async function ensure(api: ApiServer, group: string, plural: string, obj: KObject): Promise<boolean> {
  const gs = api.storeFor(group, plural);
  if (!gs) return false;
  if (gs.cache.entries.has(gs.key(obj.metadata!.namespace, obj.metadata!.name!))) return false;
  try {
    await gs.create(obj);
    return true;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
    return false;
  }
}
