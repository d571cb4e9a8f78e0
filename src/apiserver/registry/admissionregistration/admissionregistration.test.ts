import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { validatingadmissionpolicies, validatingadmissionpolicybindings } from './policies.js';
import { mutatingwebhookconfigurations, validatingwebhookconfigurations } from './webhookconfigurations.js';

const obj = (kind: string, rest: Record<string, unknown>): KObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: 'x' }, ...rest });
const rule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };
const hook = (over: Record<string, unknown> = {}) => ({ name: 'pods.policy.example.com', clientConfig: { service: { namespace: 'ns', name: 'svc' } }, rules: [rule], sideEffects: 'None', admissionReviewVersions: ['v1'], ...over });

describe('admissionregistration.k8s.io/v1 webhook configurations', () => {
  it('defaults a mutating webhook', () => {
    const c = created(mutatingwebhookconfigurations, obj('MutatingWebhookConfiguration', { webhooks: [hook()] }));
    assert.deepEqual((c.webhooks as unknown[])[0], {
      ...hook(),
      clientConfig: { service: { namespace: 'ns', name: 'svc', port: 443 } },
      rules: [{ ...rule, scope: '*' }],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
    });
    assert.deepEqual(cells(mutatingwebhookconfigurations, c), { Webhooks: 1, Age: '60s' });
  });

  const cases: [string, Record<string, unknown>[], string[]][] = [
    ['valid', [hook()], []],
    ['short name', [hook({ name: 'policy.example' })], ['webhooks[0].name: Invalid value: "policy.example": should be a domain with at least three segments separated by dots']],
    ['no side effects', [hook({ sideEffects: undefined })], ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']],
    ['unsafe side effects', [hook({ sideEffects: 'Some' })], ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']],
    ['url and service', [hook({ clientConfig: { url: 'https://x.example.com', service: { namespace: 'a', name: 'b' } } })], ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
    ['http url', [hook({ clientConfig: { url: 'http://x.example.com/hook' } })], ["webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]"]],
    ['review versions', [hook({ admissionReviewVersions: ['v2'] })], ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1']],
    ['timeout', [hook({ timeoutSeconds: 31 })], ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
    ['operation', [hook({ rules: [{ ...rule, operations: ['PATCH'] }] })], ['webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"']],
    ['duplicate names', [hook(), hook()], ['webhooks[1].name: Duplicate value: "pods.policy.example.com"']],
  ];
  for (const [name, webhooks, want] of cases) it(name, () => assert.deepEqual(createErrors(validatingwebhookconfigurations, obj('ValidatingWebhookConfiguration', { webhooks })), want));
});

describe('admissionregistration.k8s.io/v1 validating admission policies', () => {
  const constraints = { resourceRules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] };
  it('defaults and validates a policy', () => {
    const p = created(validatingadmissionpolicies, obj('ValidatingAdmissionPolicy', { spec: { matchConstraints: constraints, validations: [{ expression: 'object.spec.replicas <= 5' }] } }));
    const spec = p.spec as Record<string, unknown>;
    assert.equal(spec.failurePolicy, 'Fail');
    assert.deepEqual(spec.matchConstraints, { ...constraints, resourceRules: [{ ...constraints.resourceRules[0], scope: '*' }], matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} });
    assert.deepEqual(cells(validatingadmissionpolicies, p), { Validations: 1, ParamKind: '<unset>', Age: '60s' });
    assert.deepEqual(createErrors(validatingadmissionpolicies, obj('ValidatingAdmissionPolicy', { spec: {} })), ['spec.matchConstraints: Required value', 'spec.validations: Required value: validations or auditAnnotations must contain at least one item']);
    assert.deepEqual(createErrors(validatingadmissionpolicies, obj('ValidatingAdmissionPolicy', { spec: { matchConstraints: constraints, validations: [{ expression: '', reason: 'Teapot' }] } })), [
      'spec.validations[0].expression: Required value: expression is not specified',
      'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"',
    ]);
  });

  it('validates bindings', () => {
    const b = created(validatingadmissionpolicybindings, obj('ValidatingAdmissionPolicyBinding', { spec: { policyName: 'x', validationActions: ['Deny'], paramRef: { name: 'p', namespace: 'ns' } } }));
    assert.equal((b.spec as { paramRef: { parameterNotFoundAction: string } }).paramRef.parameterNotFoundAction, 'Deny');
    assert.deepEqual(cells(validatingadmissionpolicybindings, b), { PolicyName: 'x', ParamRef: 'ns/p', Age: '60s' });
    assert.deepEqual(createErrors(validatingadmissionpolicybindings, obj('ValidatingAdmissionPolicyBinding', { spec: { validationActions: ['Deny', 'Warn'] } })), [
      'spec.policyName: Required value',
      'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ]);
    assert.deepEqual(createErrors(validatingadmissionpolicybindings, obj('ValidatingAdmissionPolicyBinding', { spec: { policyName: 'x' } })), ['spec.validationActions: Required value: at least one validation action is required']);
  });
});
