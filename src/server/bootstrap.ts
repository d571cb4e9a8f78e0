/** Objects every cluster starts with, as kube-apiserver's bootstrap controllers create them. */
import { StatusError } from '../apimachinery/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { KObject } from '../apiserver/registry/resource.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The first address of the service CIDR, which the `kubernetes` service always holds. */
export const KUBERNETES_SERVICE_IP = '10.100.0.1';

/**
 * Creates what is missing; safe to run at every start. `apiserver` is where clients reach the
 * API server (address and port): the `kubernetes` service's target port and endpoints.
 */
export async function bootstrapCluster(api: ApiServer, apiserver?: { ip: string; port: number }): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await ensure(api, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(api, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserver?.port ?? 443 }], sessionAffinity: 'None' },
  });
  // Endpoints may not be loopback addresses (as upstream validation says), so a server bound to
  // 127.0.0.1 publishes none, like a kube-apiserver without an advertise address.
  if (apiserver && !apiserver.ip.startsWith('127.') && apiserver.ip !== '::1')
    await ensure(api, '', 'endpoints', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: apiserver.ip }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] }],
    });
}

async function ensure(api: ApiServer, group: string, plural: string, obj: KObject): Promise<void> {
  const gs = api.storeFor(group, plural);
  if (!gs) return;
  if (gs.cache.entries.has(gs.key(obj.metadata!.namespace, obj.metadata!.name!))) return;
  try {
    await gs.create(obj);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}
