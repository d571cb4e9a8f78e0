import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject, ResourceStrategy } from '../resource.js';
import { checkCSR } from './csr-parse.js';
import { certificatesigningrequests, csrCondition } from './csr-resource.js';
import { makeTestCSR } from './test-csr.js';

const makeCSR = makeTestCSR;

const csr = (spec: Record<string, unknown>): KObject => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'jane' },
  spec: { request: makeCSR('jane'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
});

describe('certificates.k8s.io/v1 certificatesigningrequests', () => {
  it('accepts a signed request and rejects a tampered or foreign one', () => {
    assert.equal(checkCSR(Buffer.from(makeCSR('a'), 'base64').toString()), undefined);
    assert.equal(checkCSR(Buffer.from(makeCSR('a', [], true), 'base64').toString()), 'x509: ECDSA verification failure');
    assert.equal(checkCSR('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'PEM block type must be CERTIFICATE REQUEST');
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', {}, []],
    ['no usages', { usages: [] }, ['spec.usages: Required value']],
    ['unknown usage', { usages: ['flying'] }, [`spec.usages[0]: Unsupported value: "flying": supported values: ${['any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'signing', 'timestamping'].map((u) => JSON.stringify(u)).join(', ')}`]],
    ['no signer', { signerName: '' }, ['spec.signerName: Required value']],
    ['legacy signer', { signerName: 'kubernetes.io/legacy-unknown' }, ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']],
    ['signer without path', { signerName: 'example.com' }, ["spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"]],
    ['short expiration', { expirationSeconds: 60 }, ['spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)']],
    ['not a CSR', { request: Buffer.from('hello').toString('base64') }, ['spec.request: Invalid value: "aGVsbG8=": PEM block type must be CERTIFICATE REQUEST']],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(createErrors(certificatesigningrequests, csr(spec)), want));

  it('records the requester, clears given status and prints the condition', () => {
    const obj: KObject = { ...csr({ username: 'mallory', expirationSeconds: 3600 }), status: { conditions: [{ type: 'Approved', status: 'True' }] } };
    const strategy = certificatesigningrequests.strategy as ResourceStrategy;
    const c = structuredClone(obj);
    strategy.prepareForCreate!(c, { now: NOW, user: { name: 'jane', groups: ['dev', 'system:authenticated'] } } as never);
    assert.equal((c.spec as Record<string, unknown>).username, 'jane');
    assert.deepEqual((c.spec as Record<string, unknown>).groups, ['dev', 'system:authenticated']);
    assert.equal(c.status, undefined);
    const stored = created(certificatesigningrequests, obj);
    assert.equal((stored.spec as Record<string, unknown>).username, undefined);
    assert.deepEqual(cells(certificatesigningrequests, stored), { Age: '60s', SignerName: 'kubernetes.io/kube-apiserver-client', Requestor: '', RequestedDuration: '60m', Condition: 'Pending' });
    assert.equal(csrCondition({ status: { conditions: [{ type: 'Approved' }, { type: 'Failed' }], certificate: 'x' } }), 'Approved,Failed,Issued');
  });

  it('approves through the approval subresource only and never un-approves', () => {
    const strategy = certificatesigningrequests.strategy as ResourceStrategy;
    const old = created(certificatesigningrequests, csr({}));
    const approved = structuredClone(old);
    strategy.subresourceUpdates!.approval!(approved, { status: { conditions: [{ type: 'Approved', reason: 'KubectlApprove' }] } });
    assert.deepEqual(approved.status, { conditions: [{ type: 'Approved', reason: 'KubectlApprove', status: 'True' }] });
    assert.deepEqual(strategy.validateUpdate!(approved, old), []);
    const viaStatus = structuredClone(old);
    viaStatus.status = { conditions: [{ type: 'Approved', status: 'True' }] };
    strategy.prepareForStatusUpdate!(viaStatus, old, viaStatus);
    assert.deepEqual(strategy.validateUpdate!(viaStatus, old).map((e) => e.detail), ['updates may not add a condition of type "Approved"']);
    assert.deepEqual(updateErrors(certificatesigningrequests, approved, { ...approved, spec: { ...(approved.spec as object), usages: ['server auth'] } }), []);
    const removed = structuredClone(approved);
    strategy.subresourceUpdates!.approval!(removed, { status: { conditions: [] } });
    assert.deepEqual(strategy.validateUpdate!(removed, approved).map((e) => e.detail), ['updates may not remove a condition of type "Approved"']);
  });
});
