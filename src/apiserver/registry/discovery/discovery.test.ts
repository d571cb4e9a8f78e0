import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import { cidrContains, nonSpecialIP, parseCidr } from './addresses.js';
import { endpointslices } from './endpointslices.js';
import type { KObject } from '../resource.js';

const slice = (rest: Record<string, unknown>): KObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default' }, ...rest });

describe('discovery.k8s.io/v1 endpointslices', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ name: 'http', port: 80 }] }, []],
    ['no address type', { endpoints: [] }, ['addressType: Required value']],
    ['unknown address type', { addressType: 'IPX' }, ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']],
    ['wrong family', { addressType: 'IPv4', endpoints: [{ addresses: ['::1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address']],
    ['loopback', { addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['no addresses', { addressType: 'IPv6', endpoints: [{}] }, ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['fqdn', { addressType: 'FQDN', endpoints: [{ addresses: ['example'] }] }, ['endpoints[0].addresses[0]: Invalid value: "example": should be a domain with at least two segments separated by dots']],
    ['duplicate port names', { addressType: 'IPv4', ports: [{ port: 80 }, { port: 81 }] }, ['ports[1].name: Duplicate value: ""']],
    ['bad protocol', { addressType: 'IPv4', ports: [{ name: 'a', protocol: 'ICMP' }] }, ['ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
  ];
  for (const [name, rest, want] of cases) it(name, () => assert.deepEqual(createErrors(endpointslices, slice(rest)), want));

  it('defaults ports, keeps the address type and prints at most three items', () => {
    const s = created(endpointslices, slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }], ports: [{ port: 80 }] }));
    assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    assert.deepEqual(cells(endpointslices, s), { AddressType: 'IPv4', Ports: '80', Endpoints: '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', Age: '60s' });
    assert.deepEqual(cells(endpointslices, slice({ addressType: 'IPv4' })).Endpoints, '<unset>');
    assert.equal(updateErrors(endpointslices, s, { ...s, addressType: 'IPv6' }).at(-1), 'addressType: Invalid value: "IPv6": field is immutable');
  });

  it('parses CIDRs and special addresses', () => {
    assert.ok(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!));
    assert.ok(!cidrContains(parseCidr('10.0.0.0/16')!, parseCidr('10.1.0.0/16')!));
    assert.ok(cidrContains(parseCidr('2001:db8::/32')!, parseCidr('2001:db8:1::/48')!));
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(nonSpecialIP('fe80::1', 'x')[0]?.detail, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    assert.deepEqual(nonSpecialIP('2001:db8::1', 'x'), []);
    assert.equal(nonSpecialIP('0.0.0.0', 'x')[0]?.detail, 'may not be unspecified (0.0.0.0)');
  });
});
