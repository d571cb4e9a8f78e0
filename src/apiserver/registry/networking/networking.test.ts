import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { ingressclasses } from './ingressclasses.js';
import { ingresses } from './ingresses.js';
import { networkpolicies } from './networkpolicies.js';

const obj = (kind: string, rest: Record<string, unknown>, namespace: string | undefined = 'default'): KObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
  ...rest,
});
const backend = { service: { name: 'web', port: { number: 80 } } };
const rule = (host: string, path = '/', pathType = 'Prefix') => ({ host, http: { paths: [{ path, pathType, backend }] } });

describe('networking.k8s.io/v1 ingresses', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', { ingressClassName: 'nginx', rules: [rule('example.com')] }, []],
    ['wildcard host', { rules: [rule('*.example.com')] }, []],
    ['nothing to route', {}, ['spec: Invalid value: []: either `defaultBackend` or `rules` must be specified']],
    ['ip host', { rules: [rule('10.0.0.1')] }, ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']],
    ['missing pathType', { rules: [{ http: { paths: [{ path: '/', backend }] } }] }, ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['relative prefix path', { rules: [rule('a.com', 'api')] }, ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
    ['double slash', { rules: [rule('a.com', '/a//b', 'Exact')] }, [`spec.rules[0].http.paths[0].path: Invalid value: "/a//b": must not contain '//'`]],
    ['unknown pathType', { rules: [rule('a.com', '/', 'Regex')] }, ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"']],
    ['backend without port', { defaultBackend: { service: { name: 'web' } } }, ['spec.defaultBackend: Required value: port name or number is required']],
    ['no backend', { defaultBackend: {} }, ['spec.defaultBackend: Invalid value: "": resource or service backend is required']],
    ['tls secret', { defaultBackend: backend, tls: [{ hosts: ['a.com'], secretName: 'Bad_Secret' }] }, [`spec.tls[0].secretName: Invalid value: "Bad_Secret": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`]],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(createErrors(ingresses, obj('Ingress', { spec })), want));

  it('checks the class annotation against ingressClassName', () => {
    const i = obj('Ingress', { spec: { ingressClassName: 'nginx', defaultBackend: backend } });
    i.metadata!.annotations = { 'kubernetes.io/ingress.class': 'traefik' };
    assert.deepEqual(createErrors(ingresses, i), ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified']);
  });

  it('prints class, hosts, address and ports as upstream', () => {
    const i = created(ingresses, obj('Ingress', { spec: { rules: [rule('a.com'), rule(''), rule('b.com'), rule('c.com'), rule('d.com')], tls: [{ hosts: ['a.com'] }] } }));
    i.status = { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '10.0.0.9' }, { ip: '10.0.0.9' }] } };
    assert.deepEqual(cells(ingresses, i), { Class: '<none>', Hosts: 'a.com,b.com,c.com + 2 more...', Address: '10.0.0.9,lb.example.com', Ports: '80, 443', Age: '60s' });
    assert.equal(cells(ingresses, obj('Ingress', { spec: { defaultBackend: backend } })).Hosts, '*');
  });
});

describe('networking.k8s.io/v1 ingressclasses', () => {
  const ic = (spec: Record<string, unknown>) => obj('IngressClass', { spec }, undefined);
  it('validates the controller and parameters', () => {
    assert.deepEqual(createErrors(ingressclasses, ic({ controller: 'k8s.io/ingress-nginx' })), []);
    assert.deepEqual(createErrors(ingressclasses, ic({ controller: 'nginx' })), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
    assert.deepEqual(createErrors(ingressclasses, ic({ controller: 'a.io/x', parameters: { kind: 'Cfg', name: 'c', namespace: 'n' } })), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]);
    assert.deepEqual(createErrors(ingressclasses, ic({ controller: 'a.io/x', parameters: { kind: 'Cfg', name: 'c', scope: 'Namespace' } })), ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]);
  });

  it('defaults the scope, keeps the controller and prints parameters', () => {
    const c = created(ingressclasses, ic({ controller: 'a.io/x', parameters: { apiGroup: 'k8s.example.com', kind: 'Cfg', name: 'c' } }));
    assert.equal((c.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
    assert.deepEqual(cells(ingressclasses, c), { Controller: 'a.io/x', Parameters: 'Cfg.k8s.example.com/c' });
    assert.deepEqual(updateErrors(ingressclasses, c, { ...c, spec: { controller: 'b.io/y' } }), ['spec.controller: Invalid value: "b.io/y": field is immutable']);
  });
});

describe('networking.k8s.io/v1 networkpolicies', () => {
  const np = (spec: Record<string, unknown>) => obj('NetworkPolicy', { spec });
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['deny all', { podSelector: {} }, []],
    ['peer without selector', { ingress: [{ from: [{}] }] }, ['spec.ingress[0].from[0]: Required value: must specify a peer']],
    ['ipBlock and selector', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, ['spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer']],
    ['bad except', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`']],
    ['bad cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['endPort below port', { ingress: [{ ports: [{ port: 80, endPort: 70 }] }] }, ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`']],
    ['named port range', { ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, ['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric']],
    ['policy type', { policyTypes: ['Inbound'] }, ['spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"']],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(createErrors(networkpolicies, np(spec)), want));

  it('defaults policy types and protocols and prints the selector', () => {
    const p = created(networkpolicies, np({ podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 53 }] }] }));
    assert.deepEqual((p.spec as Record<string, unknown>).policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual((p.spec as { egress: unknown[] }).egress, [{ ports: [{ port: 53, protocol: 'TCP' }] }]);
    assert.deepEqual(cells(networkpolicies, p), { 'Pod-Selector': 'app=db' });
    assert.deepEqual(cells(networkpolicies, created(networkpolicies, np({}))), { 'Pod-Selector': '<none>' });
  });
});
