import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../../apimachinery/errors.js';
import type { KObject } from '../resource.js';
import { base64DecodedLength } from './base64.js';
import { configmaps } from './configmaps.js';
import { endpoints } from './endpoints.js';
import { events } from './events.js';
import { nodes } from './nodes.js';
import { secrets } from './secrets.js';
import { serviceaccounts } from './serviceaccounts.js';
import { services } from './services.js';
import { cells, created, createErrors, NOW, updateErrors } from './strategy-test-helpers.js';

const obj = (kind: string, rest: Record<string, unknown>, name = 'x'): KObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, ...rest });
const has = (errs: string[], want: string) => assert.ok(errs.some((e) => e.startsWith(want)), `${want}\n not in\n${errs.join('\n')}`);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('configmaps', () => {
  it('validates keys, the binaryData overlap and the 1 MiB limit', () => {
    has(createErrors(configmaps, obj('ConfigMap', { data: { 'bad key': 'v' } })), 'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters');
    has(createErrors(configmaps, obj('ConfigMap', { data: { k: 'v' }, binaryData: { k: b64('v') } })), 'data[k]: Invalid value: "k": duplicate of key present in binaryData');
    assert.deepEqual(createErrors(configmaps, obj('ConfigMap', { data: { big: 'x'.repeat(1024 * 1024 + 1) } })), [': Too long: must have at most 1048576 bytes']);
    assert.deepEqual(cells(configmaps, obj('ConfigMap', { data: { a: '1' }, binaryData: { b: b64('2') } })), { Data: 2 });
  });

  it('keeps an immutable configmap', () => {
    const old = created(configmaps, obj('ConfigMap', { data: { k: 'v' }, immutable: true }));
    assert.deepEqual(updateErrors(configmaps, old, { ...old, data: { k: 'w' } }), ['data: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(updateErrors(configmaps, old, { ...old, immutable: false }), ['immutable: Forbidden: field is immutable when `immutable` is set']);
  });
});

describe('secrets', () => {
  it('defaults the type and merges stringData into data', () => {
    const s = created(secrets, obj('Secret', { data: { a: b64('1') }, stringData: { b: 'two' } }));
    assert.deepEqual({ type: s.type, data: s.data, stringData: s.stringData }, { type: 'Opaque', data: { a: b64('1'), b: b64('two') }, stringData: undefined });
  });

  it('rejects data that is not base64 as a decode error', () => {
    assert.equal(base64DecodedLength('aGVsbG8='), 5);
    assert.throws(() => created(secrets, obj('Secret', { data: { a: 'not base64!' } })), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  });

  it('checks type-specific keys', () => {
    assert.deepEqual(createErrors(secrets, obj('Secret', { type: 'kubernetes.io/tls', data: {} })), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
    assert.deepEqual(createErrors(secrets, obj('Secret', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{bad') } })), [
      `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character '{' looking for beginning of value`,
    ]);
    assert.deepEqual(createErrors(secrets, obj('Secret', { type: 'kubernetes.io/service-account-token' })), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  });

  it('keeps the type and immutable data, and prints type and count', () => {
    const old = created(secrets, obj('Secret', { stringData: { a: 'b' }, immutable: true }));
    assert.deepEqual(updateErrors(secrets, old, { ...old, type: 'Other', data: {} }), ['type: Invalid value: "Other": field is immutable', 'data: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(cells(secrets, old), { Type: 'Opaque', Data: 1 });
  });
});

describe('services', () => {
  const svc = (spec: Record<string, unknown>, name = 'web') => obj('Service', { spec }, name);
  it('defaults as SetDefaults_Service plus the IP family policy', () => {
    const s = created(services, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    assert.deepEqual(s.spec, {
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const lb = created(services, svc({ type: 'LoadBalancer', ports: [{ port: 443, targetPort: 'https' }] })).spec as Record<string, unknown>;
    assert.equal(lb.externalTrafficPolicy, 'Cluster');
    assert.equal(lb.allocateLoadBalancerNodePorts, true);
    assert.equal((created(services, svc({ clusterIP: 'None' })).spec as Record<string, unknown>).ipFamilyPolicy, 'RequireDualStack');
  });

  it('validates ports, type and names', () => {
    has(createErrors(services, svc({ selector: { app: 'x' } })), 'spec.ports: Required value');
    has(createErrors(services, svc({ ports: [{ port: 80 }, { port: 81 }] })), 'spec.ports[0].name: Required value');
    has(createErrors(services, svc({ ports: [{ name: 'a', port: 70000 }] })), 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
    has(createErrors(services, svc({ type: 'Magic', ports: [{ port: 80 }] })), 'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
    has(createErrors(services, svc({ ports: [{ port: 80, nodePort: 30080 }] })), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    has(createErrors(services, svc({ ports: [{ port: 80 }] }, '1web')), 'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of');
    assert.deepEqual(createErrors(services, svc({ type: 'ExternalName', externalName: 'db.example.com' })), []);
    has(createErrors(services, svc({ type: 'ExternalName' })), 'spec.externalName: Required value');
  });

  it('keeps the allocated cluster IP and node ports across a PUT, and drops them on a type change', () => {
    const old = created(services, svc({ type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] }));
    const next = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    assert.deepEqual(updateErrors(services, old, next), []);
    assert.deepEqual(updateErrors(services, old, svc({ type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ port: 80 }] })), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
    const toClusterIP = structuredClone(old);
    (toClusterIP.spec as Record<string, unknown>).type = 'ClusterIP';
    assert.deepEqual(updateErrors(services, old, toClusterIP), []);
  });

  it('prints type, IPs and ports', () => {
    const s = { ...created(services, svc({ type: 'LoadBalancer', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] })), status: { loadBalancer: { ingress: [{ hostname: 'abc.elb.amazonaws.com' }] } } };
    assert.deepEqual(cells(services, s), { Type: 'LoadBalancer', 'Cluster-IP': '10.96.0.10', 'External-IP': 'abc.elb.amazonaws.com', 'Port(s)': '80:30080/TCP', Age: '60s', Selector: 'app=web' });
    assert.equal(cells(services, created(services, svc({ type: 'LoadBalancer', ports: [{ port: 80 }] })))['External-IP'], '<pending>');
  });
});

describe('nodes', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-1-5', labels: { 'node-role.kubernetes.io/worker': '' } }, spec: { podCIDR: '10.244.1.0/24', providerID: 'aws:///us-east-1a/i-1' }, status: { capacity: { cpu: '2', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.1.5' }], nodeInfo: { kubeletVersion: 'v1.32.1-eks', osImage: 'Amazon Linux 2023', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.2' } } };

  it('keeps status on create, defaults allocatable and podCIDRs', () => {
    const n = created(nodes, node) as typeof node & { spec: { podCIDRs?: string[] }; status: { allocatable?: unknown } };
    assert.deepEqual(n.spec.podCIDRs, ['10.244.1.0/24']);
    assert.deepEqual(n.status.allocatable, { cpu: '2', pods: '29' });
  });

  it('validates taints and the fields that are set once', () => {
    has(createErrors(nodes, { ...node, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }), 'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
    const old = created(nodes, node);
    assert.deepEqual(updateErrors(nodes, old, { ...old, spec: { ...(old.spec as object), providerID: 'aws:///x' } }), ['spec.providerID: Forbidden: node updates may not change providerID except from "" to valid']);
  });

  it('prints status, roles and node info', () => {
    const n = { ...created(nodes, node), spec: { unschedulable: true } };
    assert.deepEqual(cells(nodes, n), { Status: 'Ready,SchedulingDisabled', Roles: 'worker', Age: '60s', Version: 'v1.32.1-eks', 'Internal-IP': '10.0.1.5', 'External-IP': '<none>', 'OS-Image': 'Amazon Linux 2023', 'Kernel-Version': '6.1.0', 'Container-Runtime': 'containerd://1.7.2' });
  });
});

describe('endpoints, serviceaccounts and core events', () => {
  it('endpoints: defaults, validation, printer', () => {
    const ep = created(endpoints, obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }, { addresses: [{ ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 81 }] }] }));
    assert.deepEqual(createErrors(endpoints, ep), []);
    assert.deepEqual(cells(endpoints, ep), { Endpoints: '10.0.0.1:80,10.0.0.2:80,10.0.0.3:81 + 1 more...' });
    assert.deepEqual(createErrors(endpoints, obj('Endpoints', { subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }] })), [
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
    assert.deepEqual(cells(endpoints, obj('Endpoints', {})), { Endpoints: '<none>' });
  });

  it('serviceaccounts keep only secret names', () => {
    const sa = created(serviceaccounts, obj('ServiceAccount', { secrets: [{ name: 's', namespace: 'other', uid: 'u' }] }));
    assert.deepEqual(sa.secrets, [{ name: 's' }]);
    assert.deepEqual(cells(serviceaccounts, sa), { Secrets: 1 });
  });

  it('core events: namespace agreement and printer', () => {
    const ev = obj('Event', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', message: 'Started container web ', type: 'Normal', source: { component: 'kubelet', host: 'node-1' }, count: 3, firstTimestamp: new Date(NOW - 600_000).toISOString(), lastTimestamp: new Date(NOW - 60_000).toISOString() });
    assert.deepEqual(createErrors(events, ev), []);
    assert.deepEqual(createErrors(events, { ...ev, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
    assert.deepEqual(cells(events, ev), { 'Last Seen': '60s', Type: 'Normal', Reason: 'Started', Object: 'pod/web', Subobject: '', Source: 'kubelet, node-1', Message: 'Started container web', 'First Seen': '10m', Count: 3 });
    assert.equal(events.selectableFields!.source!(ev), 'kubelet');
  });
});
