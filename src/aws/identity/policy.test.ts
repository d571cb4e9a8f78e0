import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../types.js';
import { type Decision, type EvalContext, type PolicyStatement, conditionsHold, evaluate, parsePolicyDocument, trustAllows, wildcardMatch } from './policy.js';

const doc = (...Statement: PolicyStatement[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Deny', Action, Resource, ...extra });
const CLUSTER = 'arn:aws:eks:us-east-1:000000000000:cluster/prod';

describe('evaluate', () => {
  const table: { name: string; policies: ReturnType<typeof doc>[]; action: string; resource?: string; ctx?: EvalContext; want: Decision }[] = [
    { name: 'no policies', policies: [], action: 'eks:CreateCluster', want: 'ImplicitDeny' },
    { name: 'exact action', policies: [doc(allow('eks:CreateCluster'))], action: 'eks:CreateCluster', want: 'Allow' },
    { name: 'actions are case-insensitive', policies: [doc(allow('EKS:createcluster'))], action: 'eks:CreateCluster', want: 'Allow' },
    { name: 'service wildcard', policies: [doc(allow('eks:*'))], action: 'eks:DescribeCluster', want: 'Allow' },
    { name: 'prefix wildcard', policies: [doc(allow('eks:Describe*'))], action: 'eks:DeleteCluster', want: 'ImplicitDeny' },
    { name: '? wildcard', policies: [doc(allow('ec2:Describe?pcs'))], action: 'ec2:DescribeVpcs', want: 'Allow' },
    { name: 'star', policies: [doc(allow('*'))], action: 'iam:CreateUser', want: 'Allow' },
    { name: 'other service', policies: [doc(allow('eks:*'))], action: 'ec2:DescribeVpcs', want: 'ImplicitDeny' },
    { name: 'resource match', policies: [doc(allow('eks:*', 'arn:aws:eks:*:*:cluster/prod'))], action: 'eks:DescribeCluster', resource: CLUSTER, want: 'Allow' },
    { name: 'resource mismatch', policies: [doc(allow('eks:*', 'arn:aws:eks:*:*:cluster/dev-*'))], action: 'eks:DescribeCluster', resource: CLUSTER, want: 'ImplicitDeny' },
    { name: 'resources are case-sensitive', policies: [doc(allow('eks:*', 'arn:aws:eks:*:*:cluster/PROD'))], action: 'eks:DescribeCluster', resource: CLUSTER, want: 'ImplicitDeny' },
    { name: 'explicit deny wins', policies: [doc(allow('*')), doc(deny('eks:DeleteCluster'))], action: 'eks:DeleteCluster', want: 'ExplicitDeny' },
    { name: 'deny of another action', policies: [doc(allow('*'), deny('eks:DeleteCluster'))], action: 'eks:CreateCluster', want: 'Allow' },
    { name: 'deny alone', policies: [doc(deny('eks:*'))], action: 'eks:ListClusters', want: 'ExplicitDeny' },
    { name: 'NotAction allow', policies: [doc({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' })], action: 'eks:CreateCluster', want: 'Allow' },
    { name: 'NotAction excludes', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'iam:CreateUser', want: 'ImplicitDeny' },
    { name: 'NotResource deny', policies: [doc(allow('eks:*'), { Effect: 'Deny', Action: 'eks:*', NotResource: CLUSTER })], action: 'eks:DeleteCluster', resource: 'arn:aws:eks:us-east-1:000000000000:cluster/dev', want: 'ExplicitDeny' },
    { name: 'NotResource spares', policies: [doc(allow('eks:*'), { Effect: 'Deny', Action: 'eks:*', NotResource: CLUSTER })], action: 'eks:DeleteCluster', resource: CLUSTER, want: 'Allow' },
    { name: 'policy variable', policies: [doc(allow('iam:*AccessKey*', 'arn:aws:iam::*:user/${aws:username}'))], action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::000000000000:user/bob', ctx: { 'aws:username': 'bob' }, want: 'Allow' },
    { name: 'policy variable other user', policies: [doc(allow('iam:*AccessKey*', 'arn:aws:iam::*:user/${aws:username}'))], action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::000000000000:user/eve', ctx: { 'aws:username': 'bob' }, want: 'ImplicitDeny' },
    { name: 'condition holds', policies: [doc(allow('eks:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))], action: 'eks:ListClusters', ctx: { 'aws:requestedregion': 'us-east-1' }, want: 'Allow' },
    { name: 'condition fails', policies: [doc(allow('eks:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))], action: 'eks:ListClusters', ctx: { 'aws:RequestedRegion': 'eu-west-1' }, want: 'ImplicitDeny' },
    { name: 'condition key absent', policies: [doc(allow('eks:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))], action: 'eks:ListClusters', want: 'ImplicitDeny' },
    { name: 'deny with Bool condition', policies: [doc(allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], action: 'eks:ListClusters', ctx: { 'aws:SecureTransport': false }, want: 'ExplicitDeny' },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(evaluate(c.policies.map((d) => parsePolicyDocument(JSON.stringify(d))), c.action, c.resource, c.ctx), c.want));
  }
});

describe('conditions', () => {
  const table: { name: string; cond: PolicyStatement['Condition']; ctx: EvalContext; want: boolean }[] = [
    { name: 'StringLike', cond: { StringLike: { 'aws:username': 'dev-*' } }, ctx: { 'aws:username': 'dev-ann' }, want: true },
    { name: 'StringNotLike', cond: { StringNotLike: { 'aws:username': ['dev-*', 'ops-*'] } }, ctx: { 'aws:username': 'ops-x' }, want: false },
    { name: 'StringEqualsIgnoreCase', cond: { StringEqualsIgnoreCase: { k: 'ABC' } }, ctx: { k: 'abc' }, want: true },
    { name: 'StringNotEquals', cond: { StringNotEquals: { k: ['a', 'b'] } }, ctx: { k: 'c' }, want: true },
    { name: 'ArnLike', cond: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/eks-*' } }, ctx: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/eks-node' }, want: true },
    { name: 'ArnEquals', cond: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/x' } }, ctx: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/y' }, want: false },
    { name: 'Bool true', cond: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, ctx: { 'aws:MultiFactorAuthPresent': true }, want: true },
    { name: 'Null true when absent', cond: { Null: { 'aws:TokenIssueTime': 'true' } }, ctx: {}, want: true },
    { name: 'Null false when absent', cond: { Null: { 'aws:TokenIssueTime': 'false' } }, ctx: {}, want: false },
    { name: 'IfExists absent', cond: { StringEqualsIfExists: { k: 'a' } }, ctx: {}, want: true },
    { name: 'IfExists present', cond: { StringEqualsIfExists: { k: 'a' } }, ctx: { k: 'b' }, want: false },
    { name: 'NumericLessThan', cond: { NumericLessThan: { n: '10' } }, ctx: { n: 3 }, want: true },
    { name: 'ForAnyValue', cond: { 'ForAnyValue:StringEquals': { tags: ['x', 'y'] } }, ctx: { tags: ['a', 'y'] }, want: true },
    { name: 'ForAllValues', cond: { 'ForAllValues:StringEquals': { tags: ['x', 'y'] } }, ctx: { tags: ['a', 'y'] }, want: false },
    { name: 'ForAllValues absent key', cond: { 'ForAllValues:StringEquals': { tags: ['x'] } }, ctx: {}, want: true },
    { name: 'keys case-insensitive', cond: { StringEquals: { 'AWS:UserName': 'bob' } }, ctx: { 'aws:username': 'bob' }, want: true },
    { name: 'unknown operator fails', cond: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, ctx: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, want: false },
    { name: 'all blocks must hold', cond: { StringEquals: { a: '1' }, StringLike: { b: 'x*' } }, ctx: { a: '1', b: 'y' }, want: false },
  ];
  for (const c of table) it(c.name, () => assert.equal(conditionsHold(c.cond, c.ctx), c.want));
});

describe('wildcardMatch', () => {
  for (const [p, v, ci, want] of [
    ['a*c', 'abbbc', false, true], ['a?c', 'abc', false, true], ['a?c', 'ac', false, false], ['a.c', 'abc', false, false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/y', false, true], ['EKS:*', 'eks:X', true, true], ['EKS:*', 'eks:X', false, false], ['(x)+[y]', '(x)+[y]', false, true],
  ] as const) it(`${p} ~ ${v}`, () => assert.equal(wildcardMatch(p, v, ci), want));
});

describe('parsePolicyDocument', () => {
  const bad: [string, string, 'identity' | 'trust'][] = [
    ['not json', 'Syntax errors in policy.', 'identity'],
    ['[]', 'Syntax errors in policy.', 'identity'],
    ['{"Version":"2012-10-17"}', 'Syntax errors in policy.', 'identity'],
    ['{"Version":"2012-10-17","Statement":[]}', 'Syntax errors in policy.', 'identity'],
    ['{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', 'Syntax errors in policy.', 'identity'],
    ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Bogus":1}]}', 'Syntax errors in policy.', 'identity'],
    ['{"Version":"2099-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', 'Syntax errors in policy.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Resource":"*"}]}', 'Policy statement must contain actions.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Action":"eks:*"}]}', 'Policy statement must contain resources.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Action":"CreateCluster","Resource":"*"}]}', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Action":"eks:a:b","Resource":"*"}]}', 'Actions/Condition can contain only one colon.', 'identity'],
    ['{"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]}', 'Statement IDs (SID) in a single policy must be unique.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}', 'Policy document should not specify a principal.', 'identity'],
    ['{"Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}', 'Has prohibited field Resource.', 'trust'],
    ['{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}', 'Missing required field Principal.', 'trust'],
    ['{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"eks:*"}]}', 'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity', 'trust'],
  ];
  for (const [text, message, kind] of bad) {
    it(`rejects ${text.slice(0, 60)}`, () =>
      assert.throws(() => parsePolicyDocument(text, kind), (e: unknown) => e instanceof AwsError && e.code === 'MalformedPolicyDocument' && e.status === 400 && e.message === message));
  }
  it('accepts a single statement object and URL-encoded documents (as IAM returns them)', () => {
    const d = parsePolicyDocument(encodeURIComponent('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"eks:*","Resource":"*"}}'));
    assert.equal(d.Statement.length, 1);
  });
});

describe('trustAllows', () => {
  const trust = (Principal: PolicyStatement['Principal'], extra: Partial<PolicyStatement> = {}) =>
    parsePolicyDocument(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }] }), 'trust');
  const user = 'arn:aws:iam::111111111111:user/bob';
  it('service principals', () => {
    assert.equal(trustAllows(trust({ Service: 'eks.amazonaws.com' }), { service: 'eks.amazonaws.com' }), true);
    assert.equal(trustAllows(trust({ Service: ['ec2.amazonaws.com', 'eks.amazonaws.com'] }), { service: 'eks.amazonaws.com' }), true);
    assert.equal(trustAllows(trust({ Service: 'ec2.amazonaws.com' }), { service: 'eks.amazonaws.com' }), false);
    assert.equal(trustAllows(trust({ Service: 'eks.amazonaws.com' }), { aws: [user] }), false);
  });
  it('IAM principals: ARN, account id, account root, *', () => {
    assert.equal(trustAllows(trust({ AWS: user }), { aws: [user] }), true);
    assert.equal(trustAllows(trust({ AWS: '111111111111' }), { aws: [user] }), true);
    assert.equal(trustAllows(trust({ AWS: 'arn:aws:iam::111111111111:root' }), { aws: [user] }), true);
    assert.equal(trustAllows(trust({ AWS: '222222222222' }), { aws: [user] }), false);
    assert.equal(trustAllows(trust('*'), { aws: [user] }), true);
    assert.equal(trustAllows(trust({ AWS: '111111111111' }), { aws: [user] }, 'sts:AssumeRole', {}, true), false);
    assert.equal(trustAllows(trust({ AWS: user }), { aws: [user] }, 'sts:AssumeRole', {}, true), true);
  });
  it('conditions and explicit deny', () => {
    const withExt = trust({ AWS: user }, { Condition: { StringEquals: { 'sts:ExternalId': 'xyz' } } });
    assert.equal(trustAllows(withExt, { aws: [user] }, 'sts:AssumeRole', { 'sts:ExternalId': 'xyz' }), true);
    assert.equal(trustAllows(withExt, { aws: [user] }, 'sts:AssumeRole', {}), false);
    const denied = parsePolicyDocument(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: user }, Action: 'sts:AssumeRole' }] }), 'trust');
    assert.equal(trustAllows(denied, { aws: [user] }), false);
    assert.equal(trustAllows(trust({ Federated: 'arn:aws:iam::1:oidc-provider/x' }, { Action: 'sts:AssumeRoleWithWebIdentity' }), { federated: 'arn:aws:iam::1:oidc-provider/x' }, 'sts:AssumeRoleWithWebIdentity'), true);
  });
});
