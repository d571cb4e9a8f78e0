// Expected results were checked against kubectl v1.32's `kubectl patch --local --type strategic`,
// which runs upstream's strategicpatch.StrategicMergePatch on the same inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from './errors.js';
import type { JsonObject } from './json.js';
import {
  applyStrategicMergePatch,
  ERR_LIST_OF_LISTS,
  ERR_PRIMITIVE_LIST,
  ERR_RETAIN_KEYS,
  ERR_SET_ELEMENT_ORDER,
  supportsStrategicMerge,
} from './strategic-merge-patch.js';

const DEP = { group: 'apps', version: 'v1', kind: 'Deployment' };
const SVC = { group: '', version: 'v1', kind: 'Service' };
const POD = { group: '', version: 'v1', kind: 'Pod' };

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' }, finalizers: ['a.io/x', 'b.io/y'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
            { name: 'side', image: 'busybox', args: ['sleep', '1d'] },
          ],
          volumes: [{ name: 'v', configMap: { name: 'cm', defaultMode: 420 } }, { name: 'w', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

/** Navigation helpers for the assertions. */
const meta = (o: JsonObject): any => o.metadata;
const podSpec = (o: JsonObject): any => (o as any).spec.template.spec;
const names = (list: any[]): string[] => list.map((x) => x.name);

function smp(patch: unknown, original: JsonObject = deployment(), gvk = DEP): JsonObject {
  return applyStrategicMergePatch(gvk, original, patch as JsonObject);
}

function rejects(patch: unknown, code: number, message: string | RegExp, original = deployment()): void {
  assert.throws(
    () => smp(patch, original),
    (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, code);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

describe('applyStrategicMergePatch: what kubectl sends', () => {
  it('kubectl apply changing an image keeps the container ports, env and the other containers', () => {
    const out = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }], containers: [{ image: 'nginx:1.26', name: 'web' }] } } } });
    const expected = deployment();
    podSpec(expected).containers[0].image = 'nginx:1.26';
    assert.deepEqual(out, expected);
  });

  it('kubectl apply removing an env var deletes that item only', () => {
    const out = smp({
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }],
        containers: [{ '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'web' }],
      } } },
    });
    assert.deepEqual(podSpec(out).containers[0].env, [{ name: 'A', value: '1' }]);
    assert.deepEqual(podSpec(out).containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(names(podSpec(out).containers), ['web', 'side']);
  });

  it('kubectl apply adding items puts them where $setElementOrder says', () => {
    const env = smp({ spec: { template: { spec: { containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'M' }, { name: 'B' }], env: [{ name: 'M', value: 'm' }], name: 'web' }] } } } });
    assert.deepEqual(podSpec(env).containers[0].env, [{ name: 'A', value: '1' }, { name: 'M', value: 'm' }, { name: 'B', value: '2' }]);
    const ctrs = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'mid' }, { name: 'side' }], containers: [{ name: 'mid', image: 'm' }] } } } });
    assert.deepEqual(names(podSpec(ctrs).containers), ['web', 'mid', 'side']);
  });

  it('kubectl set image merges into the container by name', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ image: 'x', name: 'side' }] } } } });
    assert.deepEqual(podSpec(out).containers[1], { name: 'side', image: 'x', args: ['sleep', '1d'] });
    assert.equal(podSpec(out).containers[0].image, 'nginx:1.25');
  });

  it('kubectl rollout restart adds a template annotation', () => {
    const out = smp({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } } } } });
    assert.deepEqual((out as any).spec.template.metadata, { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } });
  });

  it('kubectl label --overwrite / label- merge the labels map, null deletes', () => {
    const out = smp({ metadata: { labels: { app: 'v2', tier: null, new: 'x' } } });
    assert.deepEqual(meta(out).labels, { app: 'v2', new: 'x' });
  });

  it('Service ports merge by port (the patchMergeKey, not the listMapKeys); new ports come first', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }] } };
    const out = smp({ spec: { ports: [{ port: 443, targetPort: 9443 }, { port: 8080, name: 'alt' }] } }, svc, SVC);
    assert.deepEqual((out as any).spec.ports, [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 9443 },
      { port: 8080, name: 'alt' },
    ]);
    const added = smp({ spec: { ports: [{ port: 9000, name: 'x' }] } }, svc, SVC);
    assert.deepEqual((added as any).spec.ports.map((p: any) => p.port), [9000, 80, 443]);
  });

  it('lists without a merge strategy (tolerations, args, taints) are replaced', () => {
    const out = smp({ spec: { template: { spec: { tolerations: [{ key: 'z', operator: 'Exists' }], containers: [{ name: 'side', args: ['a'] }] } } } });
    assert.deepEqual(podSpec(out).tolerations, [{ key: 'z', operator: 'Exists' }]);
    assert.deepEqual(podSpec(out).containers[1].args, ['a']);
  });

  it('finalizers (merge list of strings) take a union; $deleteFromPrimitiveList removes values', () => {
    const out = smp({ metadata: { finalizers: ['c.io/z', 'a.io/x'], '$deleteFromPrimitiveList/finalizers': ['b.io/y'] } });
    assert.deepEqual(meta(out).finalizers, ['c.io/z', 'a.io/x']);
    const added = smp({ metadata: { finalizers: ['b.io/y', 'b.io/y', 'new'] } });
    assert.deepEqual(meta(added).finalizers, ['a.io/x', 'b.io/y', 'new']);
    const prepended = smp({ metadata: { finalizers: ['new'] } });
    assert.deepEqual(meta(prepended).finalizers, ['new', 'a.io/x', 'b.io/y']);
    const removed = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x', 'zzz'] } });
    assert.deepEqual(meta(removed).finalizers, ['b.io/y']);
  });

  it('$retainKeys on the deployment strategy switches RollingUpdate to Recreate', () => {
    const out = smp({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    assert.deepEqual((out as any).spec.strategy, { type: 'Recreate' });
  });

  it('$retainKeys on a volume switches its source (volumes are merge,retainKeys)', () => {
    const out = smp({ spec: { template: { spec: {
      '$setElementOrder/volumes': [{ name: 'v' }, { name: 'w' }],
      volumes: [{ $retainKeys: ['name', 'secret'], name: 'v', secret: { secretName: 's' }, configMap: null }],
    } } } });
    assert.deepEqual(podSpec(out).volumes, [{ name: 'v', secret: { secretName: 's' } }, { name: 'w', emptyDir: {} }]);
  });

  it('pod status conditions merge by type, ownerReferences by uid', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }] } };
    const out = smp({ status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }], phase: 'Running' } }, pod, POD) as any;
    assert.deepEqual(out.status, { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] });
    const owned = smp({ metadata: { ownerReferences: [{ uid: 'u2', apiVersion: 'v1', kind: 'X', name: 'x' }] } }, pod, POD) as any;
    assert.deepEqual(owned.metadata.ownerReferences.map((r: any) => r.uid), ['u2', 'u1']);
  });
});

describe('applyStrategicMergePatch: ordering', () => {
  it('$setElementOrder alone reorders maps and primitives', () => {
    assert.deepEqual(names(podSpec(smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } } } })).containers), ['side', 'web']);
    assert.deepEqual(meta(smp({ metadata: { '$setElementOrder/finalizers': ['b.io/y', 'a.io/x'] } })).finalizers, ['b.io/y', 'a.io/x']);
  });

  it('server-only items keep their place relative to the ordered ones', () => {
    const d = deployment();
    podSpec(d).containers.push({ name: 'third', image: 't' });
    const out = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'third' }, { name: 'web' }], containers: [{ name: 'web', image: 'w2' }] } } } }, d);
    // side (server-only) was before third in the live list, so it stays before it.
    assert.deepEqual(names(podSpec(out).containers), ['side', 'third', 'web']);
    const prim = smp({ metadata: { '$setElementOrder/finalizers': ['n1', 'b.io/y', 'a.io/x', 'n2'], finalizers: ['n1', 'n2'] } });
    assert.deepEqual(meta(prim).finalizers, ['n1', 'b.io/y', 'a.io/x', 'n2']);
  });

  it('orders long lists (more than one insertion-sort block upstream)', () => {
    const d = deployment();
    podSpec(d).containers[0].env = Array.from({ length: 25 }, (_, i) => ({ name: `E${i}`, value: String(i) }));
    const order = Array.from({ length: 26 }, (_, i) => ({ name: `E${25 - i}` }));
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'web', '$setElementOrder/env': order, env: [{ name: 'E25', value: 'new' }, { name: 'E3', value: 'x' }] }] } } } }, d);
    assert.deepEqual(names(podSpec(out).containers[0].env), order.map((o) => o.name));
    assert.deepEqual(podSpec(out).containers[0].env[22], { name: 'E3', value: 'x' });
    const noOrder = smp({ spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'E30', value: 'n' }, { name: 'E20', value: 'x' }, { name: 'N', value: 'n' }] }] } } } }, d);
    const expected = ['E30', ...Array.from({ length: 21 }, (_, i) => `E${i}`), 'N', 'E21', 'E22', 'E23', 'E24'];
    assert.deepEqual(names(podSpec(noOrder).containers[0].env), expected);
  });
});

describe('applyStrategicMergePatch: directives', () => {
  it('$patch: replace on a map replaces it, $patch: delete leaves {}', () => {
    assert.deepEqual((smp({ spec: { template: { metadata: { labels: { $patch: 'replace', x: 'y' } } } } }) as any).spec.template.metadata.labels, { x: 'y' });
    assert.deepEqual((smp({ spec: { strategy: { $patch: 'delete' } } }) as any).spec.strategy, {});
  });

  it('{"$patch":"replace"} in a merge list replaces the list; {"name":..,"$patch":"delete"} drops an item', () => {
    assert.deepEqual(podSpec(smp({ spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } } })).containers, [{ name: 'only', image: 'o' }]);
    assert.deepEqual(names(podSpec(smp({ spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } })).containers), ['web']);
    const readd = smp({ spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }, { name: 'side', image: 'new' }] } } } });
    assert.deepEqual(podSpec(readd).containers, [{ name: 'side', image: 'new' }, podSpec(deployment()).containers[0]]);
  });

  it('values new to the original lose their nulls and $patch maps', () => {
    const out = smp({ spec: { template: { spec: { nodeSelector: { a: 'b', c: null }, affinity: { $patch: 'delete' }, containers: [{ name: 'web', resources: { limits: { cpu: '1', memory: null } } }] } } } });
    assert.deepEqual(podSpec(out).nodeSelector, { a: 'b' });
    assert.equal('affinity' in podSpec(out), false);
    assert.deepEqual(podSpec(out).containers[0].resources, { limits: { cpu: '1' } });
  });

  it('null deletes lists and maps; a value of another JSON type replaces', () => {
    const out = smp({ spec: { replicas: '3', template: { spec: { tolerations: null, containers: [{ name: 'web', env: null }] } } } }) as any;
    assert.equal(out.spec.replicas, '3');
    assert.equal('tolerations' in podSpec(out), false);
    assert.equal('env' in podSpec(out).containers[0], false);
  });

  it('keeps fields the type does not have (the decoder drops them, see prune.ts)', () => {
    const out = smp({ spec: { foo: { bar: 1 }, template: { spec: { containers: [{ name: 'web', imagee: 'typo' }] } } } }) as any;
    assert.deepEqual(out.spec.foo, { bar: 1 });
    assert.equal(podSpec(out).containers[0].imagee, 'typo');
  });

  it('does not mutate its inputs and shares nothing with them', () => {
    const original = deployment();
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }], containers: [{ name: 'web', env: [{ name: 'B', $patch: 'delete' }], image: 'x' }] } } } };
    const [o, p] = [structuredClone(original), structuredClone(patch)];
    const out = smp(patch, original);
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
    podSpec(out).containers[1].image = 'changed';
    assert.equal(podSpec(original).containers[1].image, 'busybox');
  });
});

describe('applyStrategicMergePatch: errors', () => {
  it('malformed directives answer 400 with upstream messages', () => {
    rejects({ spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }, 400, ERR_RETAIN_KEYS);
    rejects({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }, 400, ERR_RETAIN_KEYS);
    rejects({ spec: { template: { spec: { '$setElementOrderX/containers': [{ name: 'web' }] } } } }, 400, ERR_SET_ELEMENT_ORDER);
    rejects({ metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } }, 400, ERR_PRIMITIVE_LIST);
    rejects({ spec: { template: { spec: { '$setElementOrder/containers': 'web' } } } }, 400, 'expected a []interface {}, but received a string');
    rejects({ spec: { strategy: { $patch: 'nope' } } }, 400, 'unknown patch type: nope in map: map[$patch:nope]');
    rejects({ spec: { template: { spec: { containers: [{ name: 'web', $patch: 'nope' }] } } } }, 400, 'unknown patch type: nope in map: map[$patch:nope name:web]');
    rejects({ spec: { template: { spec: { containers: [{ name: 'web', $patch: 'merge' }] } } } }, 400, 'merging lists cannot yet be specified in the patch');
  });

  it('a merge-list item without its merge key', () => {
    rejects({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 400, 'map: map[image:x] does not contain declared merge key: name');
    rejects({ spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, 400, 'map: map[$patch:delete] does not contain declared merge key: name');
    rejects({ spec: { template: { spec: { '$setElementOrder/containers': [{ nam: 'web' }, { name: 'side' }] } } } }, 400, 'map: map[nam:web] does not contain declared merge key: name');
  });

  it('a patch list that does not follow its $setElementOrder list', () => {
    rejects(
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'side', image: 'x' }] } } } },
      400,
      "The order in patch list:\n[map[image:x name:side]]\n doesn't match $setElementOrder list:\n[map[name:web]]\n",
    );
  });

  it('element types, lists of lists and unknown list fields', () => {
    rejects({ metadata: { finalizers: [1] } }, 400, 'list element types are not identical: [[a.io/x b.io/y] [1]]');
    rejects({ spec: { template: { spec: { containers: ['web'] } } } }, 400, /^list element types are not identical: \[\[map\[env:/);
    rejects({ spec: { template: { spec: { '$setElementOrder/foo': [{ name: 'web' }] } } } }, 400, 'unable to find api field in struct PodSpec for the json field "foo"');
    const empty = { ...deployment(), metadata: { name: 'x', finalizers: [] } };
    assert.throws(() => smp({ metadata: { finalizers: [['a']] } }, empty), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.details?.causes?.[0]?.message, ERR_LIST_OF_LISTS);
      return true;
    });
  });

  it('kinds the table does not know are 415; supportsStrategicMerge tells beforehand', () => {
    const cr = { group: 'example.com', version: 'v1', kind: 'Widget' };
    assert.equal(supportsStrategicMerge(cr), false);
    assert.equal(supportsStrategicMerge(DEP), true);
    assert.equal(supportsStrategicMerge({ group: '', version: 'v1', kind: 'ConfigMap' }), true);
    assert.throws(() => applyStrategicMergePatch(cr, {}, {}), (err: unknown) => err instanceof StatusError && err.code === 415);
  });
});
