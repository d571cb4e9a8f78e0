/**
 * docs/aws-coverage.md is what scripts/gen-aws-coverage.ts makes from the models and the handlers
 * the services register today (so a new handler without a regenerated document fails here), and an
 * operation the document calls unimplemented really answers 501 through the router.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { COVERAGE_DOC, renderCoverage, servedServices } from '../../scripts/gen-aws-coverage.js';
import { createAwsRouter } from '../../src/aws/router.js';
import { ManualClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';

const ROOT = new URL('../..', import.meta.url).pathname;

it('the committed docs/aws-coverage.md is up to date', () => {
  const committed = readFileSync(join(ROOT, COVERAGE_DOC), 'utf8');
  assert.equal(committed, renderCoverage(), `${COVERAGE_DOC} is stale: run node --import tsx scripts/gen-aws-coverage.ts`);
});

it('lists every operation of every served model once, with per-service counts that add up', () => {
  const doc = renderCoverage();
  const services = servedServices();
  assert.deepEqual(services.map((s) => s.name).sort(), ['autoscaling', 'ec2', 'eks', 'iam', 'kms', 'sts']);
  let total = 0;
  let implemented = 0;
  for (const s of services) {
    const ops = Object.keys(s.model.operations);
    const n = ops.filter((op) => s.handlers[op]).length;
    total += ops.length;
    implemented += n;
    assert.match(doc, new RegExp(`\\(\`${s.name}\`\\) \\| \\S+ \\| \\S+ \\| ${ops.length} \\| ${n} \\| ${ops.length - n} \\|`));
    for (const op of ops) assert.match(doc, new RegExp(`(\\| ${op} \\|)|((^|[ ,])${op}( \\(input checked\\))?[,.])`, 'm'), `${s.name} ${op}`);
  }
  assert.match(doc, new RegExp(`\\| \\*\\*Total\\*\\* \\| \\| \\| ${total} \\| ${implemented} \\| ${total - implemented} \\|`));
  assert.ok(services.find((s) => s.name === 'eks')!.handlers.CreateCluster, 'EKS CreateCluster is implemented');
});

it('an operation the document calls unimplemented answers the protocol\'s 501 through the router', async () => {
  const services = servedServices();
  const router = createAwsRouter({ log: silentLogger(), clock: new ManualClock(), store: new MemoryStore(), services });
  const auth = (svc: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${svc}/aws4_request, SignedHeaders=host, Signature=x` });
  // Query and EC2 operations outside the generator's allow-list take no input members, so any call reaches the 501.
  for (const s of services.filter((x) => x.model.metadata.protocol === 'query' || x.model.metadata.protocol === 'ec2')) {
    const missing = Object.entries(s.model.operations).filter(([op, o]) => !s.handlers[op] && !o.modeled).map(([op]) => op);
    for (const op of missing.slice(0, 20)) {
      const body = Buffer.from(new URLSearchParams({ Action: op, Version: s.model.metadata.apiVersion }).toString());
      const res = await router.handle({ method: 'POST', path: '/', query: new URLSearchParams(), headers: { ...auth(s.name), 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(res.status, 501, `${s.name} ${op}: ${res.body}`);
      assert.match(res.body, new RegExp(`${op} of service ${s.name} is not implemented`));
    }
  }
  const res = await router.handle({ method: 'GET', path: '/clusters/c/capabilities', query: new URLSearchParams(), headers: auth('eks'), body: Buffer.alloc(0) });
  assert.equal(res.status, 501);
  assert.equal(res.headers['x-amzn-ErrorType'], 'NotImplemented');
});
