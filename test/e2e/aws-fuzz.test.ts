/**
 * Bad input over real HTTP: at least 10,000 malformed requests, 16 at a time over keep-alive
 * connections, against a spawned `eksplane server` (strict mode) holding some state (an ACTIVE EKS
 * cluster, IAM user and role, a VPC and subnet, a KMS key and alias, an Auto Scaling group).
 *
 * Every request is wrong in at least one way, in every protocol and service: bad signatures on
 * otherwise valid mutating calls (random signature, wrong secret, unknown key, no or malformed
 * Authorization, signed 20 minutes ago or ahead, garbage session token, body or header changed
 * after signing, unknown service in the scope), and correctly signed calls with bad JSON, truncated
 * bodies, wrong member types, missing required members, over-long or ill-patterned values, unknown
 * actions and targets, wrong methods and paths, bad query strings, huge (~64 KB) headers; plus
 * raw-socket requests whose body never fully arrives. The test asserts:
 *
 * - no 500 (nor any 5xx but the 501 of an unimplemented operation), and no 2xx: nothing malformed is accepted;
 * - no hang (each request has a 10 s timeout) and no crash (the process is alive, /healthz and a
 *   valid call answer afterwards);
 * - no change to stored state: a listing of every service's resources is identical before and
 *   after, and so is a digest of every AWS key and value in the SQLite file (read with the server stopped).
 *
 * The generator is seeded (FUZZ_SEED=n to explore other sequences; a failure names the request).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { amzDate } from '../../src/aws/identity/sigv4.js';
import { ROOT_CREDS, VERSIONS, removeDir, signedHeaders, sleep, startAwsServer, wire, wireClient, type RawRequest, type RunningAwsServer, type WireResponse } from './aws-harness.js';
import { freePort } from './harness.js';

const TOTAL = 12_000;
const CONCURRENCY = 16;

// --- a seeded PRNG, so a failure names a reproducible request ------------------------------------
let seed = Number(process.env.FUZZ_SEED ?? 20260101);
const SEED = seed;
/** mulberry32: an integer in [0, n). */
const rnd = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
};
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

type Json = Record<string, unknown>;

/** The seeded state the templates point at. */
interface Seed {
  cluster: string;
  clusterArn: string;
  user: string;
  role: string;
  roleArn: string;
  vpcId: string;
  subnetIds: string[];
  keyId: string;
  asg: string;
}

/** A valid, state-changing call: protocol, service, and how to build it from (possibly broken) input. */
interface Template {
  service: 'eks' | 'kms' | 'iam' | 'sts' | 'autoscaling' | 'ec2';
  op: string;
  /** JSON protocols: the body; query protocols: the parameters (without Action/Version). */
  input: Json | Record<string, string>;
  /** Members whose absence makes the call invalid. */
  required: string[];
  /** rest-json: method and path. */
  method?: string;
  path?: string;
}

function templates(s: Seed): Template[] {
  const subnets = s.subnetIds;
  return [
    { service: 'eks', op: 'CreateCluster', method: 'POST', path: '/clusters', input: { name: 'fuzzed', roleArn: s.roleArn, resourcesVpcConfig: { subnetIds: subnets } }, required: ['name', 'roleArn', 'resourcesVpcConfig'] },
    { service: 'eks', op: 'CreateNodegroup', method: 'POST', path: `/clusters/${s.cluster}/node-groups`, input: { nodegroupName: 'ng', subnets, nodeRole: s.roleArn, scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 } }, required: ['nodegroupName', 'subnets', 'nodeRole'] },
    { service: 'eks', op: 'CreateFargateProfile', method: 'POST', path: `/clusters/${s.cluster}/fargate-profiles`, input: { fargateProfileName: 'fp', podExecutionRoleArn: s.roleArn, subnets, selectors: [{ namespace: 'default' }] }, required: ['fargateProfileName', 'podExecutionRoleArn'] },
    { service: 'eks', op: 'CreateAddon', method: 'POST', path: `/clusters/${s.cluster}/addons`, input: { addonName: 'vpc-cni' }, required: ['addonName'] },
    { service: 'eks', op: 'CreateAccessEntry', method: 'POST', path: `/clusters/${s.cluster}/access-entries`, input: { principalArn: s.roleArn, kubernetesGroups: ['g'] }, required: ['principalArn'] },
    { service: 'eks', op: 'TagResource', method: 'POST', path: `/tags/${encodeURIComponent(s.clusterArn)}`, input: { tags: { fuzz: 'yes' } }, required: ['tags'] },
    { service: 'eks', op: 'UpdateClusterConfig', method: 'POST', path: `/clusters/${s.cluster}/update-config`, input: { logging: { clusterLogging: [{ types: ['api'], enabled: true }] } }, required: [] },
    { service: 'eks', op: 'DeleteCluster', method: 'DELETE', path: `/clusters/${s.cluster}`, input: {}, required: [] },
    { service: 'kms', op: 'CreateKey', input: { Description: 'fuzzed' }, required: [] },
    { service: 'kms', op: 'ScheduleKeyDeletion', input: { KeyId: s.keyId, PendingWindowInDays: 7 }, required: ['KeyId'] },
    { service: 'kms', op: 'DisableKey', input: { KeyId: s.keyId }, required: ['KeyId'] },
    { service: 'kms', op: 'CreateAlias', input: { AliasName: 'alias/fuzzed', TargetKeyId: s.keyId }, required: ['AliasName', 'TargetKeyId'] },
    { service: 'kms', op: 'TagResource', input: { KeyId: s.keyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] }, required: ['KeyId', 'Tags'] },
    { service: 'kms', op: 'Encrypt', input: { KeyId: s.keyId, Plaintext: 'aGVsbG8=' }, required: ['KeyId', 'Plaintext'] },
    { service: 'iam', op: 'CreateUser', input: { UserName: 'fuzzed' }, required: ['UserName'] },
    { service: 'iam', op: 'DeleteUser', input: { UserName: s.user }, required: ['UserName'] },
    { service: 'iam', op: 'CreateRole', input: { RoleName: 'fuzzed', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }, required: ['RoleName', 'AssumeRolePolicyDocument'] },
    { service: 'iam', op: 'AttachRolePolicy', input: { RoleName: s.role, PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' }, required: ['RoleName', 'PolicyArn'] },
    { service: 'iam', op: 'PutUserPolicy', input: { UserName: s.user, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }, required: ['UserName', 'PolicyName', 'PolicyDocument'] },
    { service: 'iam', op: 'CreateAccessKey', input: { UserName: s.user }, required: [] },
    { service: 'sts', op: 'AssumeRole', input: { RoleArn: s.roleArn, RoleSessionName: 'fuzz' }, required: ['RoleArn', 'RoleSessionName'] },
    { service: 'autoscaling', op: 'CreateAutoScalingGroup', input: { AutoScalingGroupName: 'fuzzed', MinSize: '0', MaxSize: '1', VPCZoneIdentifier: subnets[0]! }, required: ['AutoScalingGroupName', 'MinSize', 'MaxSize'] },
    { service: 'autoscaling', op: 'SetDesiredCapacity', input: { AutoScalingGroupName: s.asg, DesiredCapacity: '1' }, required: ['AutoScalingGroupName', 'DesiredCapacity'] },
    { service: 'autoscaling', op: 'DeleteAutoScalingGroup', input: { AutoScalingGroupName: s.asg, ForceDelete: 'true' }, required: ['AutoScalingGroupName'] },
    { service: 'ec2', op: 'CreateVpc', input: { CidrBlock: '10.9.0.0/16' }, required: [] },
    { service: 'ec2', op: 'CreateSubnet', input: { VpcId: s.vpcId, CidrBlock: '10.8.7.0/24' }, required: ['VpcId'] },
    { service: 'ec2', op: 'DeleteVpc', input: { VpcId: s.vpcId }, required: ['VpcId'] },
    { service: 'ec2', op: 'CreateSecurityGroup', input: { GroupName: 'fuzzed', Description: 'd', VpcId: s.vpcId }, required: ['GroupName', 'Description'] },
    { service: 'ec2', op: 'CreateKeyPair', input: { KeyName: 'fuzzed' }, required: ['KeyName'] },
    { service: 'ec2', op: 'RunInstances', input: { ImageId: 'ami-0123456789abcdef0', MinCount: '1', MaxCount: '1', SubnetId: subnets[0]! }, required: ['MinCount', 'MaxCount'] },
    { service: 'ec2', op: 'CreateTags', input: { 'ResourceId.1': s.vpcId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' }, required: ['ResourceId.1'] },
  ];
}

const isJsonProtocol = (t: Template) => t.service === 'eks' || t.service === 'kms';

/** The wire request of a template with `input` (JSON body or form parameters). */
function build(t: Template, input: Json | Record<string, string>, action = t.op): RawRequest {
  if (t.service === 'eks') return t.method === 'DELETE' || t.method === 'GET' ? { method: t.method, path: t.path! } : wire.eks(t.method!, t.path!, input);
  if (t.service === 'kms') return wire.kms(action, input);
  return wire.query(action, VERSIONS[t.service], input as Record<string, string>);
}

const JUNK = ['', '{', '}', '[', '{"a":', 'null', '[]', '"x"', '1e999999', '\u0000', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', 'x'.repeat(3000), '\ud800', '<?xml version="1.0"?><a/>', '{}{}', '{"a":1,}', 'NaN', 'tru', '%E0%A4%A'];
const BAD_VALUES: unknown[] = [123, -1, 1.5, true, false, [], [1, 2], {}, { a: { b: [] } }, 'x'.repeat(8000), 1e300];
const BAD_PARAMS = ['', 'abc', '-1', '1e999', '%zz', 'x'.repeat(3000), '\u0000', '99999999999999999999', 'true', 'a b/c'];

/** Changes a JSON value's type (a string becomes a number, an object a string, …). */
function retype(v: unknown): unknown {
  if (typeof v === 'string') return pick([123, true, [], {}, [v]]);
  if (typeof v === 'number') return pick(['one', [], {}, true]);
  if (Array.isArray(v)) return pick(['x', 1, { a: 1 }, true]);
  if (v && typeof v === 'object') return pick(['x', 1, [], true]);
  return pick(['x', 1, [], {}]);
}

/** A non-empty body JSON.parse rejects: cut short, junk, or one character broken. */
function brokenJson(text: string): string {
  for (let tries = 0; tries < 20; tries++) {
    let out: string;
    switch (rnd(4)) {
      case 0: out = text.slice(0, rnd(text.length)); break;
      case 1: out = pick(JUNK.filter((j) => j !== '{}' && j !== '[]' && j !== 'null' && j !== '"x"' && !j.startsWith('{"__') && !j.startsWith('{"con'))); break;
      case 2: { const i = rnd(text.length); out = text.slice(0, i) + pick(['"', ',', '}', ':', '\\', '{']) + text.slice(i); break; }
      default: out = text + pick([',', '}', ']', 'x', '{']);
    }
    // An empty body is a call without input (valid for JSON protocols), not a malformed one.
    if (!out.trim()) continue;
    try {
      JSON.parse(out);
    } catch {
      return out;
    }
  }
  return '{';
}

/** A malformed query string for list/describe calls: every one has an out-of-range or ill-typed member. */
function badListQuery(): string {
  const q = new URLSearchParams();
  q.set('maxResults', pick(['0', '-5', 'abc', '101', '1e9', '', '%zz']));
  if (rnd(2)) q.set('nextToken', pick(BAD_PARAMS));
  for (let i = rnd(4); i > 0; i--) q.append(pick(['include', 'x', 'maxResults', 'status', 'a[b]']), pick(BAD_PARAMS));
  return q.toString();
}

export type Category =
  | 'sig-random' | 'sig-wrong-secret' | 'sig-unknown-key' | 'sig-missing' | 'sig-malformed' | 'sig-expired' | 'sig-future'
  | 'sig-body-changed' | 'sig-header-changed' | 'sig-bad-token' | 'sig-unknown-service'
  | 'bad-json' | 'truncated-json' | 'wrong-type' | 'missing-member' | 'bad-value' | 'unknown-action' | 'no-action'
  | 'bad-method-or-path' | 'bad-query' | 'huge-header';

interface Fuzzed {
  category: Category;
  service: string;
  req: RawRequest;
}

const SIG_CATEGORIES: Category[] = ['sig-random', 'sig-wrong-secret', 'sig-unknown-key', 'sig-missing', 'sig-malformed', 'sig-expired', 'sig-future', 'sig-body-changed', 'sig-header-changed', 'sig-bad-token', 'sig-unknown-service'];
const INPUT_CATEGORIES: Category[] = ['bad-json', 'truncated-json', 'wrong-type', 'missing-member', 'bad-value', 'unknown-action', 'no-action', 'bad-method-or-path', 'bad-query', 'huge-header'];

/** One malformed request. */
function fuzzOne(base: URL, ts: Template[]): Fuzzed {
  const t = pick(ts);
  const sign = (r: RawRequest, service: string = t.service, creds = ROOT_CREDS, date?: number) => ({ ...r, headers: signedHeaders(base, service, r, creds, 'us-east-1', date) });
  const category = rnd(2) ? pick(SIG_CATEGORIES) : pick(INPUT_CATEGORIES);
  const valid = build(t, t.input);
  let req: RawRequest;
  switch (category) {
    case 'sig-random': {
      const h = sign(valid).headers!;
      h.authorization = h.authorization!.replace(/Signature=[0-9a-f]+/, `Signature=${createHash('sha256').update(String(rnd(1e9))).digest('hex')}`);
      req = { ...valid, headers: h };
      break;
    }
    case 'sig-wrong-secret': req = sign(valid, t.service, { accessKeyId: 'test', secretAccessKey: pick(['wrong', '', 'test ', 'TEST']) }); break;
    case 'sig-unknown-key': req = sign(valid, t.service, { accessKeyId: pick(['AKIAFUZZFUZZFUZZFUZZ', 'ASIAFUZZ', 'x', 'test2']), secretAccessKey: 'test' }); break;
    case 'sig-missing': req = valid; break;
    case 'sig-malformed': {
      const h = sign(valid).headers!;
      h.authorization = pick([
        'AWS4-HMAC-SHA256',
        'AWS4-HMAC-SHA256 Credential=test',
        h.authorization!.replace(/SignedHeaders=[^,]+, /, ''),
        h.authorization!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
        h.authorization!.slice(0, rnd(h.authorization!.length)),
        h.authorization!.replace(/Credential=[^,]+/, 'Credential=test/2026/us-east-1'),
        'Bearer abc',
        `AWS test:${'x'.repeat(28)}`,
        h.authorization!.replace(/\/aws4_request/, '/aws5_request'),
      ]);
      if (rnd(3) === 0) delete h['x-amz-date'];
      req = { ...valid, headers: h };
      break;
    }
    case 'sig-expired': req = sign(valid, t.service, ROOT_CREDS, Date.now() - (16 + rnd(60)) * 60_000); break;
    case 'sig-future': req = sign(valid, t.service, ROOT_CREDS, Date.now() + (16 + rnd(60)) * 60_000); break;
    case 'sig-body-changed': {
      const body = String(valid.body ?? '');
      const signed = sign(valid);
      // Truncated (or extended) after signing: the payload hash no longer matches.
      const changed = body.length > 2 && rnd(2) ? body.slice(0, 1 + rnd(body.length - 1)) : body + (isJsonProtocol(t) ? ' ' : '&X=1');
      req = { ...signed, body: changed, headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(changed)) } };
      break;
    }
    case 'sig-header-changed': {
      const signed = sign({ ...valid, headers: { ...valid.headers, 'x-amz-meta': 'a' } });
      req = { ...signed, headers: { ...signed.headers, 'x-amz-meta': 'b', 'x-amz-date': rnd(2) ? signed.headers!['x-amz-date']! : amzDate(Date.now() - 1000) } };
      break;
    }
    case 'sig-bad-token': req = sign(valid, t.service, { ...ROOT_CREDS, sessionToken: pick(['garbage', 'x'.repeat(2000), 'FwoGZXIvYXdzEFAKE==']) }); break;
    case 'sig-unknown-service': req = sign(valid, pick(['s3', 'foo', 'ec3', 'EKS', ''])); break;
    case 'bad-json':
    case 'truncated-json': {
      if (!isJsonProtocol(t) || t.method === 'DELETE') {
        // Query protocols: a form body cut inside an escape, or plain junk.
        const text = category === 'bad-json' ? pick(JUNK) : `Action=${t.op}%`;
        req = sign({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: text });
        break;
      }
      const text = JSON.stringify(t.input);
      const body = category === 'truncated-json' ? brokenJson(text.slice(0, Math.max(1, text.length - 1 - rnd(text.length - 1)))) : brokenJson(text);
      req = sign({ ...valid, body });
      break;
    }
    case 'wrong-type': {
      if (!t.required.length) return fuzzOne(base, ts);
      const member = pick(t.required);
      if (isJsonProtocol(t)) {
        const input = { ...(t.input as Json), [member]: retype((t.input as Json)[member]) };
        req = sign(build(t, input));
      } else {
        const num = /Size|Count|Capacity|Days/.test(member);
        const input = { ...(t.input as Record<string, string>), [member]: num ? pick(['abc', '1.5', '-', '1e3x', '']) : pick(['', 'a b'.repeat(200), '\u0000']) };
        // A numeric member with a string, or a name member emptied / over-long / with a NUL.
        req = sign(build(t, input));
      }
      break;
    }
    case 'missing-member': {
      if (!t.required.length) return fuzzOne(base, ts);
      const input: Json = { ...(t.input as Json) };
      for (const m of t.required) if (rnd(2) || m === t.required[0]) delete input[m];
      if (isJsonProtocol(t) && rnd(4) === 0) for (const m of t.required) input[m] = null;
      req = sign(build(t, input));
      break;
    }
    case 'bad-value': {
      if (!t.required.length) return fuzzOne(base, ts);
      const member = pick(t.required);
      if (isJsonProtocol(t)) {
        // (An empty list is a value, not a malformed one, where the model sets no minimum.)
        const input = { ...(t.input as Json), [member]: pick(BAD_VALUES.filter((v) => !(Array.isArray(v) && !v.length))) };
        req = sign(build(t, input));
      } else {
        const input = { ...(t.input as Record<string, string>), [member]: pick(['x'.repeat(4000), '%zz\u0000', 'ö'.repeat(300), '']) };
        req = sign(build(t, input));
      }
      break;
    }
    case 'unknown-action': {
      const action = pick([t.op + 'X', t.op.toLowerCase(), 'Fuzz', '', ' ', 'CreateCluster', '../etc/passwd', 'A'.repeat(300)]);
      if (t.service === 'eks') req = sign({ method: pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), path: pick(['/clusterz', '/fuzz', '/clusters/a/b/c/d/e/f', `/${encodeURIComponent(action)}`, '/tags']), headers: { 'content-type': 'application/json' }, body: '{}' });
      else if (t.service === 'kms') req = sign({ ...valid, headers: { ...valid.headers, 'x-amz-target': pick([`TrentService.${action}`, `Trent.${t.op}`, action, `TrentService`]) } });
      else req = sign(build(t, t.input, action));
      break;
    }
    case 'no-action': {
      if (t.service === 'kms') {
        const h = { ...valid.headers };
        delete h['x-amz-target'];
        req = sign({ ...valid, headers: h });
      } else if (t.service === 'eks') {
        req = sign({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify(t.input) });
      } else {
        req = sign({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ Version: VERSIONS[t.service], ...(t.input as Record<string, string>) }).toString() });
      }
      break;
    }
    case 'bad-method-or-path': {
      if (t.service === 'eks') {
        const path = pick([`${t.path}/x/y`, `/x${t.path}`, '/clusters/%zz', `/clusters/${'n'.repeat(200)}/node-groups`, '//clusters', `${t.path}%00`]);
        req = sign({ ...valid, method: rnd(2) ? 'PUT' : valid.method, path });
      } else {
        // Query and JSON 1.1 endpoints route by Action / X-Amz-Target, not by method and path, so an
        // odd method or path alone is not malformed to them: it comes with a missing member or action.
        const input: Json = { ...(t.input as Json) };
        if (t.required.length) delete input[pick(t.required)];
        const r = t.required.length ? build(t, input) : t.service === 'kms' ? { ...valid, headers: { 'content-type': 'application/x-amz-json-1.1' } } : { ...valid, body: new URLSearchParams(t.input as Record<string, string>).toString() };
        req = sign({ ...r, method: pick(['PUT', 'DELETE', 'PATCH', 'GET']), path: pick(['/', '/x', '/x/y?z=1']) });
      }
      break;
    }
    case 'bad-query': {
      if (t.service === 'eks') {
        req = sign({ method: 'GET', path: `${pick(['/clusters', `/clusters/${'seed'}/node-groups`, `/clusters/seed/addons`, '/addons/supported-versions', '/cluster-versions', '/access-policies', '/clusters/seed/updates', '/clusters/seed/fargate-profiles'])}?${badListQuery()}` });
      } else if (t.service === 'kms') {
        req = sign({ ...wire.kms(pick(['ListKeys', 'ListAliases']), { Limit: pick([0, -1, 1001, 'x', 1.5]), Marker: pick(['', 'garbage', 5]) }), path: `/?${badListQuery()}` });
      } else {
        const list = { iam: 'ListUsers', sts: 'GetCallerIdentity', autoscaling: 'DescribeAutoScalingGroups', ec2: 'DescribeVpcs' }[t.service];
        const params: Record<string, string> = t.service === 'iam' ? { MaxItems: pick(['0', '-1', 'abc', '1001']) } : t.service === 'autoscaling' ? { MaxRecords: pick(['0', '-1', 'abc', '1.5']) } : t.service === 'ec2' ? { MaxResults: pick(['0', '-1', 'abc', '1001']), 'VpcId.1': 'vpc-x' } : { Fuzz: 'x', Action: 'GetCallerIdentityX' };
        req = sign({ ...wire.query(list, VERSIONS[t.service], params), path: `/?${new URLSearchParams({ Action: list, x: pick(BAD_PARAMS) }).toString()}` });
      }
      break;
    }
    case 'huge-header': {
      const size = rnd(2) ? 64 * 1024 : 20 * 1024 + rnd(50_000);
      const signed = sign(valid);
      // Over Node's 16 KB header limit: refused before the router (431); the body stays unsent.
      req = { ...signed, headers: { ...signed.headers, 'x-fuzz-padding': 'p'.repeat(size) } };
      break;
    }
  }
  return { category, service: t.service, req };
}

// --- state snapshot --------------------------------------------------------------------------------
type Client = ReturnType<typeof wireClient>;

async function snapshot(client: Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const strip = (r: WireResponse) => {
    assert.equal(r.status, 200, r.body);
    return r.body.replace(/<(RequestId|requestId)>[^<]*<\/\1>/g, '');
  };
  const clusters = JSON.parse(strip(await client.signed('eks', wire.eks('GET', '/clusters')))) as { clusters: string[] };
  out['eks:clusters'] = JSON.stringify(clusters);
  for (const name of clusters.clusters) {
    out[`eks:cluster:${name}`] = strip(await client.signed('eks', wire.eks('GET', `/clusters/${name}`)));
    for (const sub of ['node-groups', 'fargate-profiles', 'addons', 'access-entries', 'updates', 'pod-identity-associations']) out[`eks:${name}:${sub}`] = strip(await client.signed('eks', wire.eks('GET', `/clusters/${name}/${sub}`)));
  }
  for (const op of ['ListUsers', 'ListRoles', 'ListInstanceProfiles', 'ListOpenIDConnectProviders']) out[`iam:${op}`] = strip(await client.signed('iam', wire.query(op, VERSIONS.iam)));
  out['iam:ListPolicies'] = strip(await client.signed('iam', wire.query('ListPolicies', VERSIONS.iam, { Scope: 'Local' })));
  for (const op of ['DescribeVpcs', 'DescribeSubnets', 'DescribeSecurityGroups', 'DescribeInstances', 'DescribeKeyPairs', 'DescribeLaunchTemplates', 'DescribeInternetGateways', 'DescribeRouteTables', 'DescribeNetworkInterfaces', 'DescribeVolumes', 'DescribeTags']) {
    out[`ec2:${op}`] = strip(await client.signed('ec2', wire.query(op, VERSIONS.ec2)));
  }
  const keys = JSON.parse(strip(await client.signed('kms', wire.kms('ListKeys')))) as { Keys: { KeyId: string }[] };
  out['kms:keys'] = JSON.stringify(keys);
  for (const k of keys.Keys) out[`kms:key:${k.KeyId}`] = strip(await client.signed('kms', wire.kms('DescribeKey', { KeyId: k.KeyId })));
  out['kms:aliases'] = strip(await client.signed('kms', wire.kms('ListAliases')));
  out['asg:groups'] = strip(await client.signed('autoscaling', wire.query('DescribeAutoScalingGroups', VERSIONS.autoscaling)));
  return out;
}

/** Digest of every live AWS key and value in the data directory's SQLite file (server stopped). */
function storeDigest(dataDir: string): { keys: number; digest: string } {
  const db = new Database(join(dataDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const h = createHash('sha256');
    let keys = 0;
    for (const row of db.prepare("SELECT l.name AS name, l.value AS value FROM current c JOIN log l ON l.id = c.id WHERE l.name >= '/aws/' AND l.name < '/aws0' ORDER BY l.name").iterate() as Iterable<{ name: string; value: Buffer | null }>) {
      h.update(row.name).update('\0').update(row.value ?? Buffer.alloc(0)).update('\0');
      keys++;
    }
    return { keys, digest: h.digest('hex') };
  } finally {
    db.close();
  }
}

/** Requests whose declared body never fully arrives: the client gives up mid-body. */
async function abandonedBodies(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        const body = '{"name":"half';
        sock.write(`POST /clusters HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${1000 + i}\r\n\r\n${body}`);
        setTimeout(() => sock.destroy(), 5);
      });
      sock.on('error', () => undefined);
      sock.on('close', () => resolve());
    });
  }
}

let srv: RunningAwsServer | undefined;
after(async () => {
  if (!srv) return;
  await srv.stop();
  removeDir(srv.dataDir);
});

it(`${TOTAL.toLocaleString('en')} malformed requests over HTTP: no 500, no 2xx, no hang, no crash, no change to stored state`, { timeout: 150_000 }, async () => {
  const port = await freePort();
  srv = await startAwsServer({ port });
  let client = wireClient(srv.url, { connections: CONCURRENCY });
  const json = async (service: string, r: RawRequest) => {
    const res = await client.signed(service, r);
    assert.ok(res.status < 300, `${service} ${r.path} ${r.body}: ${res.status} ${res.body}`);
    return res.body;
  };
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';

  // Seed state through the API.
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['eks.amazonaws.com', 'ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }] });
  const roleArn = tag(await json('iam', wire.query('CreateRole', VERSIONS.iam, { RoleName: 'seed-role', AssumeRolePolicyDocument: trust })), 'Arn');
  await json('iam', wire.query('CreateUser', VERSIONS.iam, { UserName: 'seed-user' }));
  const subnetIds = [...(await json('ec2', wire.query('DescribeSubnets', VERSIONS.ec2, { 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' }))).matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!).slice(0, 2);
  const vpcId = tag(await json('ec2', wire.query('CreateVpc', VERSIONS.ec2, { CidrBlock: '10.77.0.0/16' })), 'vpcId');
  await json('ec2', wire.query('CreateSubnet', VERSIONS.ec2, { VpcId: vpcId, CidrBlock: '10.77.1.0/24', AvailabilityZone: 'us-east-1a' }));
  const keyId = (JSON.parse(await json('kms', wire.kms('CreateKey', { Description: 'seed' }))) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
  await json('kms', wire.kms('CreateAlias', { AliasName: 'alias/seed', TargetKeyId: keyId }));
  const lt = tag(await json('ec2', wire.query('CreateLaunchTemplate', VERSIONS.ec2, { LaunchTemplateName: 'seed-lt', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0', 'LaunchTemplateData.InstanceType': 't3.micro' })), 'launchTemplateId');
  await json('autoscaling', wire.query('CreateAutoScalingGroup', VERSIONS.autoscaling, { AutoScalingGroupName: 'seed-asg', MinSize: '0', MaxSize: '2', DesiredCapacity: '0', 'LaunchTemplate.LaunchTemplateId': lt, VPCZoneIdentifier: subnetIds.join(',') }));
  const cluster = JSON.parse(await json('eks', wire.eks('POST', '/clusters', { name: 'seed', roleArn, resourcesVpcConfig: { subnetIds }, accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' } }))) as { cluster: { arn: string } };
  for (let i = 0; i < 100; i++) {
    const c = JSON.parse(await json('eks', wire.eks('GET', '/clusters/seed'))) as { cluster: { status: string } };
    if (c.cluster.status === 'ACTIVE') break;
    await sleep(100);
  }
  const seeded: Seed = { cluster: 'seed', clusterArn: cluster.cluster.arn, user: 'seed-user', role: 'seed-role', roleArn, vpcId, subnetIds, keyId, asg: 'seed-asg' };

  // The stored state before: a restart lets us read the SQLite file (the server holds it exclusively).
  client.close();
  await srv.stop();
  const storeBefore = storeDigest(srv.dataDir);
  srv = await startAwsServer({ port, dataDir: srv.dataDir });
  client = wireClient(srv.url, { connections: CONCURRENCY, timeoutMs: 10_000 });
  const before = await snapshot(client);
  assert.equal(JSON.parse(before['eks:cluster:seed']!).cluster.status, 'ACTIVE');

  // The fuzz: 16 workers over keep-alive connections.
  const base = new URL(srv.url);
  const ts = templates(seeded);
  const statuses = new Map<number, number>();
  const byCategory = new Map<string, number>();
  const byService = new Map<string, number>();
  const failures: string[] = [];
  let sent = 0;
  const started = Date.now();
  const worker = async () => {
    while (sent < TOTAL) {
      sent++;
      const f = fuzzOne(base, ts);
      byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
      byService.set(f.service, (byService.get(f.service) ?? 0) + 1);
      let res: WireResponse;
      try {
        res = await client.raw(f.req);
      } catch (err) {
        // Node answers an over-long header block with 431 and closes; a reset there is the same refusal.
        if (f.category === 'huge-header' && /ECONNRESET|socket hang up|EPIPE/.test(String(err))) {
          statuses.set(431, (statuses.get(431) ?? 0) + 1);
          continue;
        }
        failures.push(`${f.category} ${f.service} ${f.req.method} ${f.req.path}: ${String(err)}`);
        continue;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if ((res.status >= 500 && res.status !== 501) || res.status < 400) {
        failures.push(`${f.category} ${f.service} ${f.req.method} ${f.req.path.slice(0, 120)} ${String(f.req.body ?? '').slice(0, 200)} → ${res.status} ${res.body.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await abandonedBodies(port, 50);
  const seconds = (Date.now() - started) / 1000;

  const kinds = new Map<string, number>();
  for (const f of failures) {
    const k = `${f.split(' ').slice(0, 2).join(' ')} ${/Action=(\w+)/.exec(f)?.[1] ?? ''}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers: ${JSON.stringify([...kinds])}`);
  assert.ok(sent >= 10_000);
  for (const c of [...SIG_CATEGORIES, ...INPUT_CATEGORIES]) assert.ok((byCategory.get(c) ?? 0) >= 100, `category ${c}: ${byCategory.get(c)}`);
  for (const s of ['eks', 'kms', 'iam', 'sts', 'autoscaling', 'ec2']) assert.ok((byService.get(s) ?? 0) >= 200, `service ${s}: ${byService.get(s)}`);
  assert.ok((statuses.get(431) ?? 0) > 100, 'huge headers reached Node\'s limit');

  // No crash: the same process answers /healthz and a valid call.
  assert.equal(srv.proc.exitCode, null);
  assert.equal(srv.proc.signalCode, null);
  const health = await client.raw({ method: 'GET', path: '/healthz' });
  assert.equal(health.status, 200);
  // No change to stored state, through the API and in the SQLite file.
  const afterState = await snapshot(client);
  assert.deepEqual(afterState, before);
  client.close();
  await srv.stop();
  assert.deepEqual(storeDigest(srv.dataDir), storeBefore);
  const summary = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(`fuzz (seed ${SEED}): ${sent} requests in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s); statuses ${summary}; ${storeBefore.keys} AWS keys unchanged`);
});
