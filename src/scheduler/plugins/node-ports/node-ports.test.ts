import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterAll, fixture, makeNode, makePod } from '../../test-helpers.test-helper.js';
import { nodePorts } from './node-ports.js';

const withPort = (name: string, port: number, o: { ip?: string; protocol?: string; node?: string } = {}) =>
  makePod(name, { node: o.node, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: port, hostIP: o.ip, protocol: o.protocol }] }] } });
const NO = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
const cases = [
  { name: 'free port', existing: withPort('e', 8080, { node: 'n' }), pod: withPort('p', 9090), want: '' },
  { name: 'same port on 0.0.0.0', existing: withPort('e', 8080, { node: 'n' }), pod: withPort('p', 8080), want: NO },
  { name: 'same port, different protocol', existing: withPort('e', 53, { node: 'n' }), pod: withPort('p', 53, { protocol: 'UDP' }), want: '' },
  { name: 'different specific IPs', existing: withPort('e', 8080, { node: 'n', ip: '10.0.0.1' }), pod: withPort('p', 8080, { ip: '10.0.0.2' }), want: '' },
  { name: 'specific IP against wildcard', existing: withPort('e', 8080, { node: 'n' }), pod: withPort('p', 8080, { ip: '10.0.0.2' }), want: NO },
];
for (const c of cases) {
  test(`NodePorts: ${c.name}`, () => {
    assert.equal(filterAll(nodePorts(), c.pod, fixture([makeNode('n')], [c.existing]).infos).n, c.want);
  });
}
