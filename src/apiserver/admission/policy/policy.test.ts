import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../testing.js';

const AR = '/apis/admissionregistration.k8s.io/v1';
const deployment = (name: string, replicas: number, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
});
const deploymentsRule = { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] };

describe('ValidatingAdmissionPolicy', () => {
  let h: Harness;
  const policy = async (name: string, spec: Record<string, unknown>, binding: Record<string, unknown> = { validationActions: ['Deny'] }) => {
    const p = await h.call('POST', `${AR}/validatingadmissionpolicies`, { metadata: { name }, spec: { matchConstraints: { resourceRules: [deploymentsRule] }, ...spec } });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const b = await h.call('POST', `${AR}/validatingadmissionpolicybindings`, { metadata: { name: `${name}-binding` }, spec: { policyName: name, ...binding } });
    assert.equal(b.status, 201, JSON.stringify(b.body));
  };
  const cleanup = async (name: string) => {
    await h.call('DELETE', `${AR}/validatingadmissionpolicybindings/${name}-binding`);
    await h.call('DELETE', `${AR}/validatingadmissionpolicies/${name}`);
  };
  before(async () => (h = await startHarness({ plugins: ['ValidatingAdmissionPolicy'] })));
  after(() => h.stop());

  it('denies replicas > 5 with a CEL rule, in upstream wording (422 by default)', async () => {
    await policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });
    assert.equal((await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('small', 3))).status, 201);
    const r = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('big', 6));
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.message, "deployments.apps \"big\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5");
    assert.deepEqual(r.body.details.causes, [{ message: "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5" }]);
    const scale = await h.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/small', { spec: { replicas: 9 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(scale.status, 422, 'updates are checked too');
    await cleanup('max-replicas');
  });

  it('uses messageExpression, reason and params from a ConfigMap', async () => {
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'limits' }, data: { maxReplicas: '2' } });
    await policy(
      'param-replicas',
      {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: "'replicas must be at most ' + params.data.maxReplicas", reason: 'Forbidden' }],
      },
      { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' }, validationActions: ['Deny'] },
    );
    const r = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('three', 3));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, "deployments.apps \"three\" is forbidden: ValidatingAdmissionPolicy 'param-replicas' with binding 'param-replicas-binding' denied request: replicas must be at most 2");
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'noparams' } });
    const missing = await h.call('POST', '/apis/apps/v1/namespaces/noparams/deployments', deployment('one', 1));
    assert.equal(missing.status, 422);
    assert.equal(missing.body.message, "deployments.apps \"one\" is forbidden: ValidatingAdmissionPolicy 'param-replicas' with binding 'param-replicas-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    await cleanup('param-replicas');
  });

  it('matches by namespace and object selectors, and lets Warn and Audit through', async () => {
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'prod', labels: { env: 'prod' } } });
    await policy('labelled', {
      matchConstraints: { resourceRules: [deploymentsRule], namespaceSelector: { matchLabels: { env: 'prod' } } },
      validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'a team label is required' }],
    }, { validationActions: ['Warn', 'Audit'] });
    const dev = h.attributes({ operation: 'CREATE', namespace: 'default', object: { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('d', 1) } }, 'apps', 'deployments');
    await h.chain.validate(dev);
    assert.equal(dev.warnings, undefined, 'namespaceSelector does not match default');
    const prod = h.attributes({ operation: 'CREATE', namespace: 'prod', object: { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('d', 1) } }, 'apps', 'deployments');
    await h.chain.validate(prod);
    assert.deepEqual(prod.warnings, ["Validation failed for ValidatingAdmissionPolicy 'labelled' with binding 'labelled-binding': a team label is required"]);
    assert.deepEqual(JSON.parse(prod.auditAnnotations!['validation.policy.admission.k8s.io/validation_failure']!), [{ message: 'a team label is required', policy: 'labelled', binding: 'labelled-binding', expressionIndex: 0, validationActions: ['Warn', 'Audit'] }]);
    await cleanup('labelled');
  });

  it('follows failurePolicy on evaluation errors and says authorizer is not supported', async () => {
    await policy('broken', { failurePolicy: 'Fail', validations: [{ expression: 'object.spec.nothing.here > 1' }] });
    const r = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('e1', 1));
    assert.equal(r.status, 422);
    assert.match(r.body.message, /denied request: expression 'object.spec.nothing.here > 1' resulted in error: /);
    await cleanup('broken');
    await policy('lenient', { failurePolicy: 'Ignore', validations: [{ expression: 'object.spec.nothing.here > 1' }] });
    assert.equal((await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('e2', 1))).status, 201);
    await cleanup('lenient');
    await policy('authz', { validations: [{ expression: "authorizer.group('apps').resource('deployments').check('create').allowed()" }] });
    const az = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('e3', 1));
    assert.equal(az.status, 422);
    assert.match(az.body.message, /compilation error: .*authorizer variable .* is not supported by eksplane/);
    await cleanup('authz');
  });

  it('gates with matchConditions, composes variables and skips excluded resources', async () => {
    await policy('vars', {
      matchConstraints: { resourceRules: [deploymentsRule], excludeResourceRules: [{ ...deploymentsRule, resourceNames: ['exempt'] }] },
      matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
      variables: [{ name: 'r', expression: 'object.spec.replicas' }],
      validations: [{ expression: 'variables.r < 2', messageExpression: "'too many: ' + string(variables.r)" }],
    });
    const r = await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('v3', 3));
    assert.match(r.body.message, /denied request: too many: 3$/);
    assert.equal((await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('v1', 1))).status, 201);
    assert.equal((await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('v4', 4), { user: { name: 'system:serviceaccount:kube-system:x', groups: [] } })).status, 201);
    assert.equal((await h.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('exempt', 4))).status, 201);
    await cleanup('vars');
  });
});
