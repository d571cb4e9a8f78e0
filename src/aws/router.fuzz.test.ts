/**
 * Malformed input never becomes a 500 or a throw: thousands of requests built from valid ones by
 * truncating, retyping and scrambling (bodies, targets, actions, paths, parameters) go through the
 * router with no handlers, and each answer is a 4xx (or 501 for a well-formed call) in its
 * protocol's error shape.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { MODELS } from './models/index.js';
import type { AwsHttpRequest } from './protocol/http.js';
import { createAwsRouter } from './router.js';

let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const JUNK = ['', '{', '}', '[]', 'null', '"x"', '{"a":', '\u0000\uffff', '%E0%A4%A', '__proto__', '{"__proto__":{"x":1}}', 'x'.repeat(5000), '-1', '1e309', 'true', '<xml>'];

function auth(service: string): Record<string, string> {
  return { authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x` };
}

function mutate(s: string): string {
  switch (rnd(4)) {
    case 0: return s.slice(0, rnd(s.length + 1));
    case 1: return s + pick(JUNK);
    case 2: return pick(JUNK);
    default: return s.replace(/"[^"]*"/, JSON.stringify(pick([1, null, [], {}, 'x', true])));
  }
}

function randomRequest(): AwsHttpRequest {
  const service = pick(Object.keys(MODELS));
  const model = MODELS[service]!;
  const ops = Object.entries(model.operations);
  const [op, o] = pick(ops);
  const headers: Record<string, string> = rnd(5) ? auth(service) : {};
  const p = model.metadata.protocol;
  if (p === 'rest-json') {
    const path = o.http.requestUri.split('?')[0]!.replace(/\{[^}]+\}/g, () => encodeURIComponent(pick(['a', 'arn:aws:eks:x', '%zz', '', 'a/b'])));
    return { method: rnd(6) ? o.http.method : pick(['GET', 'PUT', 'PATCH']), path: rnd(8) ? path : mutate(path), query: new URLSearchParams(rnd(2) ? `maxResults=${pick(JUNK)}&nextToken=${encodeURIComponent(pick(JUNK))}` : ''), headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from(mutate('{"name":"n","version":"1.32","tags":{"a":"b"},"scalingConfig":{"minSize":1}}')) };
  }
  if (p === 'json') {
    return { method: 'POST', path: '/', query: new URLSearchParams(), headers: { ...headers, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': rnd(6) ? `${model.metadata.targetPrefix}.${op}` : mutate(`TrentService.${op}`) }, body: Buffer.from(mutate('{"KeyId":"k","Plaintext":"aGk=","Tags":[{"TagKey":"a","TagValue":"b"}],"Limit":5}')) };
  }
  const params = new URLSearchParams({ Action: rnd(6) ? op : mutate(op), Version: model.metadata.apiVersion });
  for (let i = rnd(6); i > 0; i--) params.append(pick(['RoleName', 'MaxItems', 'Tags.member.1.Key', 'Filter.1.Name', 'Filter.1.Value.x', 'VpcId.1', 'DryRun', 'MinSize', 'Marker', 'Tags.member.0.Value', 'PolicyArns']), pick(JUNK));
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(rnd(10) ? params.toString() : mutate(params.toString())) };
}

it('5,000 malformed requests: no 500, no throw, every answer in its protocol shape', async () => {
  const router = createAwsRouter({ log: silentLogger(), clock: new ManualClock(), store: new MemoryStore() });
  const statuses = new Map<number, number>();
  for (let i = 0; i < 5000; i++) {
    const req = randomRequest();
    const res = await router.handle(req);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    assert.ok((res.status >= 400 && res.status < 500) || res.status === 501, `${res.status} for ${req.method} ${req.path} ${req.body.toString().slice(0, 200)}: ${res.body.slice(0, 300)}`);
    assert.ok(res.headers['x-amzn-RequestId']);
    if (res.headers['Content-Type'] === 'text/xml') assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<(ErrorResponse|Response)/);
    else assert.doesNotThrow(() => JSON.parse(res.body));
  }
  assert.ok((statuses.get(501) ?? 0) > 100, 'well-formed calls reach the 501 of a missing handler');
  assert.ok((statuses.get(400) ?? 0) > 1000, 'malformed ones are 400s');
});
