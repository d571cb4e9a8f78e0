/**
 * The protocol pieces on a small synthetic model, for the traits the served models use rarely or
 * not at all (greedy labels, header members, flattened lists and maps, query maps, shape-level
 * locationName), and on the real models for pattern compilation and EC2 naming.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODELS } from '../models/index.js';
import type { ServiceModel } from '../models/types.js';
import { AwsError } from '../types.js';
import { serializeError, toAwsError } from './errors.js';
import type { AwsHttpRequest } from './http.js';
import { parseQueryInput } from './query-input.js';
import { escapeXml, serializeQueryOutput } from './query-xml.js';
import { matchRestJson, parseRestJsonInput, serializeRestJsonOutput } from './rest-json.js';
import { compilePattern, coralMessage, validateInput, type Violation } from './validate.js';

const model: ServiceModel = {
  metadata: { protocol: 'rest-json', apiVersion: '2020-01-01', endpointPrefix: 't', signingName: 't', serviceId: 'T', xmlNamespace: 'urn:t' },
  operations: {
    GetObject: { http: { method: 'GET', requestUri: '/b/{Bucket}/{Key+}' }, input: 'GetIn', output: 'GetOut', modeled: true },
    ListAll: { http: { method: 'GET', requestUri: '/b/{Bucket}/list' }, modeled: true, output: 'ListOut' },
  },
  shapes: {
    GetIn: {
      type: 'structure',
      required: ['Bucket', 'Key'],
      members: {
        Bucket: { shape: 'Str', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'Str', location: 'uri', locationName: 'Key' },
        Since: { shape: 'Time', location: 'header', locationName: 'If-Modified-Since' },
        Ids: { shape: 'StrList', location: 'querystring', locationName: 'id' },
        Meta: { shape: 'StrMap', location: 'headers', locationName: 'x-meta-' },
      },
    },
    GetOut: { type: 'structure', members: { Status: { shape: 'Int', location: 'statusCode' }, ETag: { shape: 'Str', location: 'header', locationName: 'ETag' }, Size: { shape: 'Int' } } },
    ListOut: { type: 'structure', members: { Items: { shape: 'FlatList', locationName: 'Item' }, Attrs: { shape: 'StrMap' }, When: { shape: 'Time' } } },
    Str: { type: 'string' },
    Int: { type: 'integer' },
    Time: { type: 'timestamp' },
    StrList: { type: 'list', member: { shape: 'Str' } },
    FlatList: { type: 'list', member: { shape: 'Str' }, flattened: true },
    StrMap: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
  },
};

const req = (method: string, url: string, headers: Record<string, string> = {}, body = ''): AwsHttpRequest => {
  const u = new URL(url, 'http://x');
  return { method, path: u.pathname, query: u.searchParams, headers, body: Buffer.from(body) };
};

describe('rest-json', () => {
  it('prefers literal segments, and a greedy label takes the rest of the path', () => {
    assert.deepEqual(matchRestJson(model, req('GET', '/b/bk/list')), { op: 'ListAll', labels: { Bucket: 'bk' } });
    assert.deepEqual(matchRestJson(model, req('GET', '/b/bk/a/b%2Fc/d')), { op: 'GetObject', labels: { Bucket: 'bk', Key: 'a/b/c/d' } });
    assert.equal(matchRestJson(model, req('GET', '/b/bk')), undefined);
    assert.equal(matchRestJson(model, req('POST', '/b/bk/list')), undefined);
  });

  it('binds headers, header maps and repeated query parameters', () => {
    const r = req('GET', '/b/bk/k?id=1&id=2', { 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT', 'x-meta-color': 'red' });
    const issues: Violation[] = [];
    const input = parseRestJsonInput(model, model.operations.GetObject!, r, { Bucket: 'bk', Key: 'k' }, issues);
    assert.deepEqual(issues, []);
    assert.deepEqual(input, { Bucket: 'bk', Key: 'k', Since: new Date('2026-01-01T00:00:00Z'), Ids: ['1', '2'], Meta: { color: 'red' } });
  });

  it('writes statusCode and header members outside the body', () => {
    const res = serializeRestJsonOutput(model, model.operations.GetObject!, { Status: 206, ETag: '"e"', Size: 3 });
    assert.equal(res.status, 206);
    assert.equal(res.headers.ETag, '"e"');
    assert.equal(res.body, '{"Size":3}');
  });
});

describe('query and EC2 inputs', () => {
  it('decodes query maps, member lists and an empty list', () => {
    const m = MODELS.sts!;
    const issues: Violation[] = [];
    const p = new Map(Object.entries({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1', 'Tags.member.2.Key': 'b', 'Tags.member.2.Value': '2', PolicyArns: '', DurationSeconds: '900' }));
    const input = parseQueryInput(m, 'AssumeRoleRequest', p, 'query', issues);
    assert.deepEqual(issues, []);
    assert.deepEqual(input.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(input.PolicyArns, []);
    assert.equal(input.DurationSeconds, 900);
  });

  it('EC2 names members by queryName or capitalized locationName, lists as Name.N', () => {
    const issues: Violation[] = [];
    const p = new Map(Object.entries({ 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1', 'Filter.1.Value.2': 'vpc-2', 'VpcId.1': 'vpc-1', MaxResults: '5', DryRun: 'false' }));
    const input = parseQueryInput(MODELS.ec2!, 'DescribeVpcsRequest', p, 'ec2', issues);
    assert.deepEqual(issues, []);
    assert.deepEqual(input, { Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }], VpcIds: ['vpc-1'], DryRun: false, MaxResults: 5 });
  });
});

describe('query XML', () => {
  it('writes flattened lists, maps with entries, ISO timestamps and escapes text', () => {
    const q: ServiceModel = { ...model, metadata: { ...model.metadata, protocol: 'query' } };
    const res = serializeQueryOutput(q, 'ListAll', q.operations.ListAll!, { Items: ['a<b', 'c'], Attrs: { k: "v&'" }, When: new Date(0) }, 'rid', 'query');
    assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllResponse xmlns="urn:t"><ListAllResult><Item>a&lt;b</Item><Item>c</Item><Attrs><entry><key>k</key><value>v&amp;&apos;</value></entry></Attrs><When>1970-01-01T00:00:00.000Z</When></ListAllResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListAllResponse>');
    assert.equal(escapeXml('a\u0001b'), 'ab');
  });
});

describe('validation', () => {
  it('compiles every pattern of the served models', () => {
    for (const [name, m] of Object.entries(MODELS)) for (const s of Object.values(m.shapes)) if (s.pattern) assert.ok(compilePattern(s.pattern), `${name}: ${s.pattern}`);
    const tagValue = compilePattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*')!;
    assert.ok(tagValue.test('Ünïcode tag 1'));
    assert.ok(!tagValue.test('no!'));
  });

  it('words nested list members in Coral paths', () => {
    const vs = validateInput(MODELS.iam!, 'TagRoleRequest', { RoleName: 'r', Tags: [{ Key: 'k', Value: 'v' }, { Key: '', Value: 'x'.repeat(257) }] });
    assert.equal(coralMessage(vs), "2 validation errors detected: Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '" + 'x'.repeat(257) + "' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256");
  });
});

describe('errors', () => {
  it('unknown errors are a 500 per protocol, logged, without their text', () => {
    const logged: unknown[] = [];
    const log = { error: (o: unknown) => logged.push(o) } as unknown as Parameters<typeof toAwsError>[2];
    const e = toAwsError(new TypeError('secret detail'), 'ec2', log);
    assert.deepEqual([e.code, e.status, e.type], ['InternalError', 500, 'Receiver']);
    assert.doesNotMatch(e.message, /secret/);
    assert.equal(logged.length, 1);
    assert.equal(toAwsError(new Error('x'), 'json').code, 'InternalFailure');
  });

  it('rest-json without a model writes the code header and message', () => {
    const res = serializeError('rest-json', new AwsError('Nope', 'no', 409, { thing: 'x' }), 'rid');
    assert.equal(res.status, 409);
    assert.equal(res.headers['x-amzn-ErrorType'], 'Nope');
    assert.deepEqual(JSON.parse(res.body), { thing: 'x', message: 'no' });
  });
});

describe('hostile keys and query error fields', () => {
  it('a client map key __proto__ stays an own property', async () => {
    const { decodeJson } = await import('./json-values.js');
    const issues: Violation[] = [];
    const out = decodeJson(MODELS.eks!, { shape: 'TagMap' }, JSON.parse('{"__proto__": "x", "a": "b"}'), issues) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
  });

  it('extra scalar fields of a query error ride inside <Error>', () => {
    const res = serializeError('query', new AwsError('LimitExceeded', 'too many', 409, { Limit: 5, Bad: { x: 1 } }), 'rid');
    assert.match(res.body, /<Error><Type>Sender<\/Type><Code>LimitExceeded<\/Code><Message>too many<\/Message><Limit>5<\/Limit><\/Error><RequestId>rid<\/RequestId>/);
  });
});
