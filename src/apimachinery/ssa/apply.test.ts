// Scenarios from kubernetes.io/docs/reference/using-api/server-side-apply (conflicts, sharing and
// transferring ownership, removing fields, merge strategy by list type, upgrading from
// client-side apply), with kube-apiserver's messages from k8s.io/apimachinery's field manager.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';
import { serverSideApply, type ApplyOptions, type ApplyResult } from './apply.js';
import { FieldSet, pathString } from './fieldpath.js';
import { LAST_APPLIED_ANNOTATION } from './last-applied.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { builtinApplySchema, permissiveApplySchema } from './schema.js';
import { recordUpdate } from './update.js';

const DEPLOYMENT = builtinApplySchema({ group: 'apps', version: 'v1', kind: 'Deployment' });
const POD = builtinApplySchema({ group: '', version: 'v1', kind: 'Pod' });
const T0 = new Date('2024-05-01T10:00:00.500Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

function deployment(spec: JsonObject, meta: JsonObject = {}): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default', ...meta }, spec };
}
const nginx = (replicas: number, image = 'nginx:1.14.2') =>
  deployment(
    {
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] } },
    },
    { labels: { app: 'nginx' } },
  );

function apply(live: JsonObject | undefined, applied: JsonObject, manager: string, rest: Partial<ApplyOptions> = {}): ApplyResult {
  const schema = rest.schema ?? DEPLOYMENT;
  return serverSideApply({ schema, live, applied, manager, now: T0, apiVersion: String(applied.apiVersion), kind: String(applied.kind), ...rest });
}
/** The stored object after a write: as the registry would keep it (with a uid). */
function stored(r: ApplyResult): JsonObject {
  return { ...r.object, metadata: { ...(r.object.metadata as JsonObject), uid: 'u-1' } };
}
function update(old: JsonObject, mutate: (o: any) => void, manager: string, now = at(1)): JsonObject {
  const updated = structuredClone(old) as any;
  mutate(updated);
  const mf = recordUpdate({ schema: DEPLOYMENT, old, updated, manager, now, apiVersion: 'apps/v1' });
  updated.metadata.managedFields = mf;
  return updated;
}
/** manager/operation → owned paths. */
function owners(obj: JsonObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of ((obj.metadata as JsonObject).managedFields ?? []) as ManagedFieldsEntry[]) {
    out[`${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`] = FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathString);
  }
  return out;
}
function statusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}
const spec = (o: JsonObject) => o.spec as any;

describe('serverSideApply: creating', () => {
  it('creates the object and records the exact Apply entry kubectl shows', () => {
    const r = apply(undefined, nginx(3), 'kubectl');
    assert.equal(r.changed, true);
    assert.deepEqual(r.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    assert.deepEqual((r.object.metadata as JsonObject).managedFields, r.managedFields);
    assert.equal(spec(r.object).replicas, 3);
  });

  it("the docs' ConfigMap: data and labels owned, keys in upstream's sorted order", () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } }, data: { key: 'some value' } };
    const r = apply(undefined, cm, 'kubectl', { schema: builtinApplySchema({ group: '', version: 'v1', kind: 'ConfigMap' }) });
    assert.equal(JSON.stringify(r.managedFields[0]?.fieldsV1), '{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
  });

  it('re-applying the same configuration changes nothing, not even the time', () => {
    const first = stored(apply(undefined, nginx(3), 'kubectl'));
    const again = apply(first, nginx(3), 'kubectl', { now: at(9) });
    assert.equal(again.changed, false);
    assert.deepEqual(again.managedFields, (first.metadata as JsonObject).managedFields);
  });

  it('records the subresource, and nothing for reset fields', () => {
    const applied = { ...nginx(1), status: { replicas: 9 } };
    const r = apply(undefined, applied, 'ctl', { ignoredFields: FieldSet.fromFieldNames([['status']]) });
    assert.ok(!owners(r.object)['ctl/Apply']!.some((p) => p.startsWith('.status')));
    const s = apply(stored(r), deployment({}, {}), 'ctl', { subresource: 'status' });
    assert.deepEqual(Object.keys(owners(s.object)), ['ctl/Apply']);
  });
});

describe('serverSideApply: conflicts', () => {
  const created = stored(apply(undefined, nginx(3), 'kubectl'));
  // An autoscaler changes replicas with an update, as in the docs' HPA example.
  const scaled = update(created, (o) => (o.spec.replicas = 5), 'hpa-controller');

  it('an update takes ownership of what it changed', () => {
    assert.deepEqual(owners(scaled)['hpa-controller/Update'], ['.spec.replicas']);
    assert.ok(!owners(scaled)['kubectl/Apply']!.includes('.spec.replicas'));
  });

  it('re-applying a different value conflicts, with kube-apiserver message and causes', () => {
    const err = statusError(() => apply(scaled, nginx(3), 'kubectl'));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "hpa-controller" using apps/v1: .spec.replicas');
    assert.deepEqual(err.toStatus().details, {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "hpa-controller" using apps/v1', field: '.spec.replicas' }],
    });
  });

  it('several conflicts are listed per manager, managers sorted', () => {
    const other = stored(apply(scaled, deployment({ paused: true, minReadySeconds: 5 }), 'argo'));
    const err = statusError(() => apply(other, deployment({ replicas: 1, paused: false, minReadySeconds: 7 }), 'kubectl'));
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "argo":\n- .spec.minReadySeconds\n- .spec.paused\n' +
        'conflicts with "hpa-controller" using apps/v1:\n- .spec.replicas',
    );
    assert.deepEqual(err.details?.causes?.map((c) => `${c.message} ${c.field}`), [
      'conflict with "argo" .spec.minReadySeconds',
      'conflict with "argo" .spec.paused',
      'conflict with "hpa-controller" using apps/v1 .spec.replicas',
    ]);
  });

  it('force takes the field: value applied, the other manager loses it (and its now empty entry)', () => {
    const r = apply(scaled, nginx(3), 'kubectl', { force: true, now: at(2) });
    assert.equal(spec(r.object).replicas, 3);
    assert.deepEqual(Object.keys(owners(r.object)), ['kubectl/Apply']);
    assert.ok(owners(r.object)['kubectl/Apply']!.includes('.spec.replicas'));
    assert.equal(r.managedFields[0]?.time, '2024-05-01T10:02:00Z');
  });

  it('applying the live value shares ownership instead of conflicting', () => {
    const r = apply(scaled, deployment({ replicas: 5 }), 'other-applier');
    assert.deepEqual(owners(r.object)['other-applier/Apply'], ['.spec.replicas']);
    assert.deepEqual(owners(r.object)['hpa-controller/Update'], ['.spec.replicas']);
    assert.equal(r.changed, false);
    // Nothing changed in the object, so the new entry has no time (upstream only stamps changes).
    assert.equal(r.managedFields.find((e) => e.manager === 'other-applier')?.time, undefined);
  });

  it('transferring ownership: drop the field from the config after the controller took it', () => {
    const withoutReplicas = nginx(3);
    delete spec(withoutReplicas).replicas;
    const r = apply(scaled, withoutReplicas, 'kubectl');
    assert.equal(spec(r.object).replicas, 5);
    assert.deepEqual(owners(r.object)['hpa-controller/Update'], ['.spec.replicas']);
  });

  it('conflicts on a subresource manager and an Apply manager print as upstream', () => {
    const withStatus = stored(apply(created, deployment({ paused: true }), 'st', { subresource: 'status' }));
    const err = statusError(() => apply(withStatus, deployment({ paused: false }), 'x'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "st" with subresource "status": .spec.paused');
  });
});

describe('serverSideApply: removing fields by omitting them', () => {
  const base = stored(apply(undefined, deployment({ replicas: 1 }, { labels: { a: '1', b: '2' } }), 'mgr'));

  it('removes what the applier owned and no longer applies', () => {
    const r = apply(base, deployment({ replicas: 1 }, { labels: { a: '1' } }), 'mgr');
    assert.deepEqual((r.object.metadata as JsonObject).labels, { a: '1' });
  });

  it('keeps it when another manager owns it too', () => {
    const shared = stored(apply(base, deployment({}, { labels: { b: '2' } }), 'other'));
    const r = apply(shared, deployment({ replicas: 1 }, { labels: { a: '1' } }), 'mgr');
    assert.deepEqual((r.object.metadata as JsonObject).labels, { a: '1', b: '2' });
    assert.deepEqual(owners(r.object)['other/Apply'], ['.metadata.labels.b']);
  });

  it('removes a whole map when the last key goes, and a container the applier stopped applying', () => {
    const two = stored(
      apply(undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { x: 'y' } }, spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] } }, 'm', { schema: POD }),
    );
    const r = apply(two, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'a' }] } }, 'm', { schema: POD });
    assert.deepEqual(r.object.spec, { containers: [{ name: 'a', image: 'a' }] });
    assert.equal((r.object.metadata as JsonObject).labels, undefined);
  });
});

describe('serverSideApply: merge strategy from the schema', () => {
  const pod = (containers: JsonValue[], extra: JsonObject = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } });

  it('two appliers own different containers of one list-type map', () => {
    const a = stored(apply(undefined, pod([{ name: 'web', image: 'nginx' }]), 'team-a', { schema: POD }));
    const b = apply(a, pod([{ name: 'sidecar', image: 'envoy' }]), 'team-b', { schema: POD });
    assert.deepEqual(spec(b.object).containers, [{ name: 'web', image: 'nginx' }, { name: 'sidecar', image: 'envoy' }]);
    assert.deepEqual(owners(b.object)['team-b/Apply'], ['.spec.containers[name="sidecar"]', '.spec.containers[name="sidecar"].image', '.spec.containers[name="sidecar"].name']);
  });

  it('atomic lists are replaced whole and conflict as one field', () => {
    const a = stored(apply(undefined, pod([{ name: 'web', image: 'nginx', args: ['a', 'b'] }]), 'team-a', { schema: POD }));
    const err = statusError(() => apply(a, pod([{ name: 'web', args: ['c'] }]), 'team-b', { schema: POD }));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "team-a": .spec.containers[name="web"].args');
    const forced = apply(a, pod([{ name: 'web', args: ['c'] }]), 'team-b', { schema: POD, force: true });
    assert.deepEqual(spec(forced.object).containers[0].args, ['c']);
  });

  it('sets (finalizers) are unioned, each value owned separately', () => {
    const withFin = (f: string[]) => ({ ...pod([{ name: 'web', image: 'x' }]), metadata: { name: 'p', finalizers: f } });
    const a = stored(apply(undefined, withFin(['a.io/x']), 'a', { schema: POD }));
    const b = apply(a, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['b.io/y'] } }, 'b', { schema: POD });
    assert.deepEqual((b.object.metadata as JsonObject).finalizers, ['a.io/x', 'b.io/y']);
    assert.deepEqual(owners(b.object)['b/Apply'], ['.metadata.finalizers[="b.io/y"]']);
  });

  it('objects without a schema merge as granular maps with atomic lists', () => {
    const schema = permissiveApplySchema();
    const cr = (s: JsonObject) => ({ apiVersion: 'ex.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: s });
    const a = stored(apply(undefined, cr({ size: 1, tags: ['x'] }), 'a', { schema }));
    const b = apply(a, cr({ color: 'red' }), 'b', { schema });
    assert.deepEqual(b.object.spec, { size: 1, tags: ['x'], color: 'red' });
    assert.deepEqual(b.managedFields.find((e) => e.manager === 'b')?.fieldsV1, { 'f:spec': { '.': {}, 'f:color': {} } });
  });
});

describe('serverSideApply: upgrading from client-side apply', () => {
  // `kubectl apply` (client-side) leaves the annotation and a kubectl-client-side-apply Update entry.
  const config = nginx(3);
  const csaAnnotation = `${JSON.stringify(config)}\n`;
  const csaObject = (() => {
    const obj = structuredClone(config) as any;
    obj.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: csaAnnotation };
    const mf = recordUpdate({ schema: DEPLOYMENT, updated: obj, manager: 'kubectl-client-side-apply', now: T0, apiVersion: 'apps/v1' });
    obj.metadata.managedFields = mf;
    obj.metadata.uid = 'u-1';
    return obj as JsonObject;
  })();

  it('kubectl --server-side takes the fields it last applied client-side, without conflicts', () => {
    const r = apply(csaObject, nginx(4), 'kubectl', { now: at(1) });
    assert.equal(spec(r.object).replicas, 4);
    assert.ok(owners(r.object)['kubectl/Apply']!.includes('.spec.replicas'));
    assert.ok(!owners(r.object)['kubectl-client-side-apply/Update']!.includes('.spec.replicas'));
    // The annotation follows the server-side config, in Go's JSON with a trailing newline.
    const ann = ((r.object.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED_ANNOTATION] as string;
    assert.ok(ann.endsWith('\n'));
    assert.equal((JSON.parse(ann) as any).spec.replicas, 4);
    assert.ok(ann.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":'));
  });

  it('a field changed since the last client-side apply still conflicts', () => {
    const scaled = update(csaObject, (o) => (o.spec.replicas = 7), 'kubectl-client-side-apply', at(1));
    const err = statusError(() => apply(scaled, nginx(4), 'kubectl', { now: at(2) }));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  it('another manager name gets the conflicts', () => {
    const err = statusError(() => apply(csaObject, nginx(4), 'my-tool'));
    assert.match(err.message, /^Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas$/);
  });

  it('an object without managedFields gets a before-first-apply owner', () => {
    const bare = structuredClone(config) as any;
    bare.metadata.uid = 'u-1';
    const err = statusError(() => apply(bare, nginx(4), 'helm'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    const ok = apply(bare, nginx(3), 'helm');
    assert.deepEqual(Object.keys(owners(ok.object)), ['helm/Apply', 'before-first-apply/Update']);
  });
});

describe('serverSideApply: rejected patches', () => {
  it('another kind or version is a 400 naming what the patch says', () => {
    const err = statusError(() => serverSideApply({ schema: DEPLOYMENT, applied: { ...nginx(1), apiVersion: 'apps/v1beta1' }, manager: 'm', now: T0, apiVersion: 'apps/v1', kind: 'Deployment' }));
    assert.equal(err.code, 400);
    assert.equal(err.message, 'invalid object type: apps/v1beta1, Kind=Deployment');
    const core = statusError(() => serverSideApply({ schema: POD, applied: { apiVersion: 'v1', kind: 'Service' }, manager: 'm', now: T0, apiVersion: 'v1', kind: 'Pod' }));
    assert.equal(core.message, 'invalid object type: /v1, Kind=Service');
  });

  it('managedFields in the patch are a 400', () => {
    const applied = deployment({}, { managedFields: [] });
    assert.equal(statusError(() => apply(undefined, applied, 'm')).message, 'metadata.managedFields must be nil');
  });

  it('a patch the schema cannot type is upstream 500 with the typed-object message', () => {
    const bad = deployment({ template: { spec: { containers: [{ name: 'a', env: [{ name: 'X' }, { name: 'X' }] }, { image: 'i' }] } } });
    const err = statusError(() => apply(undefined, bad, 'm'));
    assert.equal(err.code, 500);
    assert.equal(err.toStatus().reason, undefined);
    assert.equal(
      err.message,
      'failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): errors:\n' +
        '  .spec.template.spec.containers[name="a"].env: duplicate entries for key [name="X"]\n' +
        '  .spec.template.spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
    const unknown = statusError(() => apply(undefined, deployment({ replicaz: 1 }), 'm'));
    assert.equal(unknown.message, 'failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema');
  });
});

describe('serverSideApply: performance', () => {
  it('applies to a pod with 20 containers well under 5 ms', () => {
    const containers: JsonObject[] = Array.from({ length: 20 }, (_, i): JsonObject => ({
      name: `c${i}`,
      image: `registry.example.com/app-${i}:1.${i}`,
      args: ['--port', String(8000 + i)],
      ports: [{ containerPort: 8000 + i, name: `p${i}` }, { containerPort: 9000 + i, protocol: 'UDP' }] as JsonObject[],
      env: Array.from({ length: 5 }, (_, k) => ({ name: `E${k}`, value: `${i}-${k}` })),
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
      volumeMounts: [{ name: 'data', mountPath: `/data/${i}` }],
    }));
    const pod = (tag: string): JsonObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'big', namespace: 'default', labels: { app: 'big', tag } },
      spec: { containers: containers.map((c) => ({ ...c, image: `${c.image}-${tag}` })), volumes: [{ name: 'data', emptyDir: {} }] },
    });
    let live = stored(apply(undefined, pod('a'), 'kubectl', { schema: POD }));
    for (let i = 0; i < 20; i++) apply(live, pod('b'), 'kubectl', { schema: POD }); // warm up
    // CPU time, not wall time: the suite runs beside other processes on shared cores.
    const runs: number[] = [];
    for (let i = 0; i < 60; i++) {
      const c = process.cpuUsage();
      const r = apply(live, pod(i % 2 ? 'a' : 'b'), 'kubectl', { schema: POD });
      const d = process.cpuUsage(c);
      runs.push((d.user + d.system) / 1000);
      live = stored(r);
    }
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)]!;
    console.log(`# ssa apply, 20-container pod: median ${median.toFixed(2)} ms CPU, p90 ${runs[Math.floor(runs.length * 0.9)]!.toFixed(2)} ms`);
    assert.ok(median < 5, `median ${median} ms`);
  });
});
