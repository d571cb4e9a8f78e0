import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StatusError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { decodeKubernetesProtobuf, goDuration, isProtobufMediaType, PROTOBUF_MAGIC } from './protobuf.js';
import { protoFieldsOf } from './schema/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'protobuf');

// ---- a tiny protobuf encoder for hand-made bodies -----------------------------------------

function varint(v: number | bigint): number[] {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}
const tag = (num: number, wire: number): number[] => varint((num << 3) | wire);
const vf = (num: number, v: number | bigint | boolean): number[] => [...tag(num, 0), ...varint(typeof v === 'boolean' ? Number(v) : v)];
function lf(num: number, body: number[] | string | Uint8Array): number[] {
  const bytes = typeof body === 'string' ? [...Buffer.from(body, 'utf8')] : [...body];
  return [...tag(num, 2), ...varint(bytes.length), ...bytes];
}
const cat = (...parts: number[][]): number[] => parts.flat();
function envelope(apiVersion: string, kind: string, raw: number[], extra: number[] = []): Uint8Array {
  const typeMeta = cat(apiVersion ? lf(1, apiVersion) : [], kind ? lf(2, kind) : []);
  return Uint8Array.from([...PROTOBUF_MAGIC, ...lf(1, typeMeta), ...lf(2, raw), ...extra]);
}
/** Proto field number of a JSON field, from the generated table (keeps the tests honest). */
function num(message: string, json: string): number {
  const f = protoFieldsOf(`k8s.io.${message}`).find((x) => x.json === json);
  assert.ok(f, `${message}.${json} not in the table`);
  return f.number;
}
const decode = (body: Uint8Array): JsonObject => decodeKubernetesProtobuf(body).object;

function assertBadRequest(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.match(err.message, re);
    return true;
  });
}

// ---- real kubectl 1.32 bodies --------------------------------------------------------------

const isZero = (v: JsonValue | undefined): boolean =>
  v === '' || v === 0 || v === false || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * `got` aligned with `want` for the only two ways the protobuf and JSON paths of kubectl differ:
 * 1. gogo writes non-pointer scalars even when zero (`generateName: ""`, `replicas: 0` in status,
 *    `strategy: {type: ""}`), where encoding/json omits them (`omitempty`): such zero values
 *    absent from `want` are dropped (recursively; a struct left empty by it is kept, as Go does);
 * 2. encoding/json writes nil pointers and slices without `omitempty` as `null`
 *    (`TokenRequest.spec.audiences`), which the wire cannot carry: those are added back.
 * Everything else, including every non-zero value, must match exactly.
 */
function align(got: JsonValue, want: JsonValue | undefined): JsonValue {
  if (Array.isArray(got)) return got.map((g, i) => align(g, Array.isArray(want) ? want[i] : undefined));
  if (got === null || typeof got !== 'object') return got;
  const w = want !== null && typeof want === 'object' && !Array.isArray(want) ? want : {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(got)) {
    const a = align(v, w[k]);
    if (!(k in w) && isZero(a)) continue;
    out[k] = a;
  }
  for (const [k, v] of Object.entries(w)) if (v === null && !(k in out)) out[k] = null;
  return out;
}

describe('decodeKubernetesProtobuf on bodies recorded from kubectl 1.32 (testdata/protobuf, see capture.ts)', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.pb')).map((f) => f.slice(0, -3)).sort();
  it('has the recorded fixtures', () => assert.ok(names.length >= 20, names.join(',')));
  for (const name of names) {
    it(`${name}: equals what kubectl 1.31 sent as JSON and what 1.32 prints with --dry-run=client -o json`, () => {
      const body = readFileSync(join(FIXTURES, `${name}.pb`));
      const { apiVersion, kind, object } = decodeKubernetesProtobuf(body);
      for (const file of [`${name}.v131.json`, `${name}.dryrun.json`]) {
        if (!existsSync(join(FIXTURES, file))) continue;
        const want = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as JsonObject;
        assert.equal(apiVersion, want.apiVersion);
        assert.equal(kind, want.kind);
        assert.deepEqual(align(object, want), want, file);
      }
    });
  }

  const fixture = (name: string): JsonObject => decode(readFileSync(join(FIXTURES, `${name}.pb`)));
  it('keeps the zero values gogo wrote and an empty Time as null (no alignment)', () => {
    const ns = fixture('namespace');
    assert.deepEqual(ns.metadata, { name: 'x', generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: null });
    assert.deepEqual(ns.status, { phase: '' });
    const d = fixture('deployment') as { spec: { replicas: number; template: { spec: { containers: JsonObject[] } } } };
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.template.spec.containers[0]?.ports, [{ name: '', hostPort: 0, containerPort: 80, protocol: '', hostIP: '' }]);
  });
  it('decodes bytes as base64, IntOrString, Quantity, inlined structs and int64 exactly', () => {
    assert.deepEqual(fixture('secret').data, { k: 'dg==', bin: 'w78B' });
    assert.deepEqual((fixture('pdb').spec as JsonObject).minAvailable, '50%');
    assert.deepEqual((fixture('pdb-int').spec as JsonObject).maxUnavailable, 1);
    assert.deepEqual((fixture('service-nodeport').spec as { ports: JsonObject[] }).ports[0]?.targetPort, 'http');
    assert.deepEqual((fixture('quota').spec as JsonObject).hard, { cpu: '1500m', memory: '1Gi', pods: '10' });
    const rule = (fixture('ingress').spec as { rules: JsonObject[] }).rules[0];
    assert.deepEqual(Object.keys(rule ?? {}), ['host', 'http'], 'IngressRule.ingressRuleValue is inlined');
    assert.deepEqual((fixture('token-full').spec as JsonObject).expirationSeconds, 7200);
  });
});

// ---- special types, hand-made bodies ---------------------------------------------------------

describe('decodeKubernetesProtobuf: special types', () => {
  const event = (fields: number[]): JsonObject => decode(envelope('v1', 'Event', fields));
  const first = num('api.core.v1.Event', 'firstTimestamp');
  const micro = num('api.core.v1.Event', 'eventTime');

  it('meta.v1.Time: RFC 3339 UTC with seconds precision (nanos dropped, as upstream), empty → null', () => {
    assert.equal(event(lf(first, cat(vf(1, 1767225600), vf(2, 999_999_999)))).firstTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(event(lf(first, vf(1, 0))).firstTimestamp, '1970-01-01T00:00:00Z');
    assert.equal(event(lf(first, vf(1, -1))).firstTimestamp, '1969-12-31T23:59:59Z');
    assert.equal(event(lf(first, [])).firstTimestamp, null);
    assert.equal(event(lf(first, vf(1, -62135596800))).firstTimestamp, '0001-01-01T00:00:00Z');
    assert.equal(event([]).firstTimestamp, undefined, 'an absent field stays absent');
    assertBadRequest(() => event(lf(first, vf(1, 253402300800))), /outside years/);
  });
  it('meta.v1.MicroTime: RFC 3339 UTC with 6 fraction digits (truncated)', () => {
    assert.equal(event(lf(micro, cat(vf(1, 1767225600), vf(2, 123_456_789)))).eventTime, '2026-01-01T00:00:00.123456Z');
    assert.equal(event(lf(micro, vf(1, 1767225600))).eventTime, '2026-01-01T00:00:00.000000Z');
    assert.equal(event(lf(micro, cat(vf(1, -1), vf(2, 500_000_000)))).eventTime, '1969-12-31T23:59:59.500000Z');
    assert.equal(event(lf(micro, [])).eventTime, null);
  });
  it('meta.v1.Duration: Go duration strings', () => {
    const cases: [bigint, string][] = [[0n, '0s'], [100n, '100ns'], [1500n, '1.5\u00b5s'], [1_500_000n, '1.5ms'],
      [1_000_000_000n, '1s'], [90_000_000_000n, '1m30s'], [3_600_000_000_000n, '1h0m0s'], [3_723_500_000_000n, '1h2m3.5s'],
      [-2_000_000_000n, '-2s'], [1_000_000_001n, '1.000000001s']];
    for (const [n, s] of cases) assert.equal(goDuration(n), s, String(n));
  });
  it('intstr.IntOrString: type 0 → intVal, 1 → strVal, others rejected', () => {
    const pdbSpec = (ios: number[]): JsonValue | undefined =>
      (decode(envelope('policy/v1', 'PodDisruptionBudget', lf(2, lf(num('api.policy.v1.PodDisruptionBudgetSpec', 'minAvailable'), ios)))).spec as JsonObject).minAvailable;
    assert.equal(pdbSpec(cat(vf(1, 0), vf(2, 5), lf(3, ''))), 5);
    assert.equal(pdbSpec(cat(vf(1, 0), vf(2, -3))), -3, 'negative int32 as a 10-byte varint');
    assert.equal(pdbSpec(cat(vf(1, 1), vf(2, 0), lf(3, '25%'))), '25%');
    assert.equal(pdbSpec([]), 0);
    assertBadRequest(() => pdbSpec(vf(1, 2)), /IntOrString/);
  });
  it('resource.Quantity: the canonical string; empty → "0"; garbage rejected', () => {
    const hard = (q: number[]): JsonValue | undefined => {
      const spec = lf(num('api.core.v1.ResourceQuotaSpec', 'hard'), cat(lf(1, 'cpu'), lf(2, q)));
      return ((decode(envelope('v1', 'ResourceQuota', lf(2, spec))).spec as JsonObject).hard as JsonObject).cpu;
    };
    assert.equal(hard(lf(1, '1500m')), '1500m');
    assert.equal(hard(lf(1, '1000m')), '1');
    assert.equal(hard([]), '0');
    assertBadRequest(() => hard(lf(1, 'lots')), /invalid quantity/);
  });
  it('runtime.RawExtension: embedded JSON or an embedded protobuf object; bad JSON rejected', () => {
    const data = num('api.apps.v1.ControllerRevision', 'data');
    const rev = (raw: number[]): JsonObject => decode(envelope('apps/v1', 'ControllerRevision', cat(lf(data, raw), vf(3, 7))));
    assert.deepEqual(rev(lf(1, '{"spec":{"a":[1,"x"]}}')), { kind: 'ControllerRevision', apiVersion: 'apps/v1', data: { spec: { a: [1, 'x'] } }, revision: 7 });
    const inner = envelope('v1', 'ConfigMap', cat(lf(1, lf(1, 'cm')), lf(num('api.core.v1.ConfigMap', 'data'), cat(lf(1, 'k'), lf(2, 'v')))));
    assert.deepEqual(rev(lf(1, inner)).data, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm' }, data: { k: 'v' } });
    assert.equal(rev([]).data, null);
    assertBadRequest(() => rev(lf(1, '{nope')), /does not hold JSON/);
  });
  it('meta.v1.FieldsV1 in managedFields: parsed JSON', () => {
    const mf = (json: string): number => num('apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry', json);
    const entry = cat(lf(mf('manager'), 'kubectl'), lf(mf('operation'), 'Update'), lf(mf('apiVersion'), 'v1'),
      lf(mf('fieldsType'), 'FieldsV1'), lf(mf('fieldsV1'), lf(1, '{"f:data":{".":{}}}')));
    const meta = lf(num('apimachinery.pkg.apis.meta.v1.ObjectMeta', 'managedFields'), entry);
    assert.deepEqual((decode(envelope('v1', 'ConfigMap', lf(1, meta))).metadata as JsonObject).managedFields,
      [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }]);
  });
  it('string-list (authorization ExtraValue) in a map: arrays of strings', () => {
    const spec = cat(lf(num('api.authorization.v1.SubjectAccessReviewSpec', 'user'), 'u'),
      lf(num('api.authorization.v1.SubjectAccessReviewSpec', 'extra'), cat(lf(1, 'scopes'), lf(2, cat(lf(1, 'a'), lf(1, 'b'))))),
      lf(num('api.authorization.v1.SubjectAccessReviewSpec', 'extra'), cat(lf(1, 'none'), lf(2, []))));
    assert.deepEqual(decode(envelope('authorization.k8s.io/v1', 'SubjectAccessReview', lf(2, spec))).spec, { user: 'u', extra: { scopes: ['a', 'b'], none: [] } });
  });
});

describe('decodeKubernetesProtobuf: wire format', () => {
  const podSpec = (spec: number[]): JsonObject => decode(envelope('v1', 'Pod', lf(num('api.core.v1.Pod', 'spec'), spec))).spec as JsonObject;
  const sc = num('api.core.v1.PodSpec', 'securityContext');
  const groups = num('api.core.v1.PodSecurityContext', 'supplementalGroups');

  it('repeated scalars, packed and unpacked, int64 beyond 32 bits', () => {
    const unpacked = podSpec(lf(sc, cat(vf(groups, 1), vf(groups, 2 ** 40))));
    assert.deepEqual((unpacked.securityContext as JsonObject).supplementalGroups, [1, 2 ** 40]);
    const packed = podSpec(lf(sc, lf(groups, cat(varint(3), varint(4), varint(-1)))));
    assert.deepEqual((packed.securityContext as JsonObject).supplementalGroups, [3, 4, -1]);
  });
  it('flattens inlined Go structs (Volume.volumeSource, EnvVarSource selectors) and skips unknown fields', () => {
    const volume = cat(lf(1, 'v'), lf(num('api.core.v1.Volume', 'volumeSource'), lf(num('api.core.v1.VolumeSource', 'emptyDir'), lf(1, 'Memory'))));
    const keyRef = cat(lf(num('api.core.v1.ConfigMapKeySelector', 'localObjectReference'), lf(1, 'cm')), lf(2, 'key'), vf(3, true));
    const env = cat(lf(1, 'E'), lf(3, lf(num('api.core.v1.EnvVarSource', 'configMapKeyRef'), keyRef)));
    const container = cat(lf(1, 'c'), lf(num('api.core.v1.Container', 'env'), env), lf(999, 'future field'), vf(1000, 5));
    const spec = podSpec(cat(lf(num('api.core.v1.PodSpec', 'volumes'), volume), lf(num('api.core.v1.PodSpec', 'containers'), container)));
    assert.deepEqual(spec.volumes, [{ name: 'v', emptyDir: { medium: 'Memory' } }]);
    assert.deepEqual(spec.containers, [{ name: 'c', env: [{ name: 'E', valueFrom: { configMapKeyRef: { name: 'cm', key: 'key', optional: true } } }] }]);
  });
  it('maps: entries with a missing value get the zero value; bytes map values are base64', () => {
    const cm = decode(envelope('v1', 'ConfigMap', cat(lf(num('api.core.v1.ConfigMap', 'data'), lf(1, 'empty')),
      lf(num('api.core.v1.ConfigMap', 'binaryData'), cat(lf(1, 'b'), lf(2, Uint8Array.of(0, 255, 1)))))));
    assert.deepEqual(cm, { kind: 'ConfigMap', apiVersion: 'v1', data: { empty: '' }, binaryData: { b: 'AP8B' } });
  });
  it('fills a missing apiVersion/kind from the defaults (the request path)', () => {
    const r = decodeKubernetesProtobuf(envelope('', '', lf(1, lf(1, 'n'))), { apiVersion: 'v1', kind: 'Namespace' });
    assert.deepEqual(r, { apiVersion: 'v1', kind: 'Namespace', object: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } } });
    assertBadRequest(() => decodeKubernetesProtobuf(envelope('v1', '', [])), /'Kind' is missing/);
  });
});

describe('decodeKubernetesProtobuf: malformed input is a 400, never a crash or a hang', () => {
  const ok = envelope('v1', 'Namespace', lf(1, lf(1, 'x')));
  it('bad magic, empty body, nothing after the magic', () => {
    assertBadRequest(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Namespace"}')), /expected prefix/);
    assertBadRequest(() => decodeKubernetesProtobuf(new Uint8Array(0)), /empty/);
    assertBadRequest(() => decodeKubernetesProtobuf(Uint8Array.of(0x6b, 0x38)), /expected prefix/);
    assertBadRequest(() => decodeKubernetesProtobuf(PROTOBUF_MAGIC), /empty/);
  });
  it('truncated varint, over-long varint, length past the end, groups, field number 0', () => {
    assertBadRequest(() => decode(Uint8Array.from([...PROTOBUF_MAGIC, 0x0a, 0x80])), /truncated varint/);
    assertBadRequest(() => decode(Uint8Array.from([...PROTOBUF_MAGIC, 0x08, ...Array<number>(11).fill(0xff), 1])), /longer than 10/);
    assertBadRequest(() => decode(Uint8Array.from([...PROTOBUF_MAGIC, 0x0a, 0x7f, 0x0a])), /past the end/);
    assertBadRequest(() => decode(Uint8Array.from([...PROTOBUF_MAGIC, 0x0a, ...varint(2n ** 62n)])), /past the end/);
    assertBadRequest(() => decode(envelope('v1', 'Namespace', [0x0b, 0x0c])), /start-group/);
    assertBadRequest(() => decode(envelope('v1', 'Namespace', [0x00, 0x00])), /field number 0/);
  });
  it('a wire type that does not fit the field', () => {
    assertBadRequest(() => decode(envelope('v1', 'Namespace', vf(1, 3))), /Namespace\.metadata has wire type varint, expected length-delimited/);
    assertBadRequest(() => decode(envelope('v1', 'Namespace', lf(1, lf(num('apimachinery.pkg.apis.meta.v1.ObjectMeta', 'generation'), 'x')))), /generation/);
  });
  it('unknown kind, unknown version, content encodings', () => {
    assertBadRequest(() => decode(envelope('v1', 'Widget', [])), /no kind "Widget" is registered for version "v1"/);
    assertBadRequest(() => decode(envelope('apps/v9', 'Deployment', [])), /no kind "Deployment"/);
    assertBadRequest(() => decode(envelope('example.com/v1', 'Foo', [])), /no kind "Foo"/);
    assertBadRequest(() => decode(envelope('v1', 'Namespace', [], lf(3, 'gzip'))), /content encoding "gzip"/);
  });
  it('nesting is bounded (embedded objects inside embedded objects)', () => {
    let body: Uint8Array = envelope('v1', 'Namespace', []);
    for (let i = 0; i < 40; i++) body = envelope('apps/v1', 'ControllerRevision', lf(num('api.apps.v1.ControllerRevision', 'data'), lf(1, body)));
    assertBadRequest(() => decode(body), /nesting deeper/);
  });
  it('every truncation and many corruptions of real bodies either decode or throw a 400', () => {
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.pb'))) {
      const body = readFileSync(join(FIXTURES, f));
      let seed = body.length;
      const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
      const variants: Uint8Array[] = [];
      for (let len = 0; len < body.length; len++) variants.push(body.subarray(0, len));
      for (let i = 0; i < 200; i++) {
        const copy = Uint8Array.from(body);
        copy[4 + rnd(copy.length - 4)] = rnd(256);
        variants.push(copy);
      }
      for (const v of variants) {
        try {
          decodeKubernetesProtobuf(v);
        } catch (err) {
          assert.ok(err instanceof StatusError && err.code === 400, `${f}: ${String(err)}`);
        }
      }
    }
    assert.deepEqual(decode(ok).metadata, { name: 'x' });
  });
});

describe('isProtobufMediaType', () => {
  it('matches the Kubernetes protobuf media type, with parameters, any case', () => {
    assert.equal(isProtobufMediaType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufMediaType('Application/VND.Kubernetes.Protobuf; charset=binary'), true);
    assert.equal(isProtobufMediaType('application/vnd.kubernetes.protobuf;stream=watch'), true);
    assert.equal(isProtobufMediaType('application/json'), false);
    assert.equal(isProtobufMediaType('application/vnd.kubernetes.protobuf+json'), false);
    assert.equal(isProtobufMediaType(undefined), false);
    assert.equal(isProtobufMediaType(''), false);
  });
});
