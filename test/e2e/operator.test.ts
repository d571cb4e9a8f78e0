/**
 * An operator built on @kubernetes/client-node 1.x against a spawned `eksplane apiserver`: it
 * installs a CRD with a status subresource, watches its objects with an informer, reconciles
 * them by writing status through the subresource, and shares objects with other field managers
 * through server-side apply (shared ownership, list-map merging, 409 conflicts with causes, force).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesListObject,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const GROUP = 'ops.example.com';
const VERSION = 'v1';
const PLURAL = 'databases';
const NS = 'default';

interface Database extends KubernetesObject {
  spec?: { engine?: string; storageGB?: number; replicas?: number; users?: { name: string; role?: string }[] };
  status?: { phase?: string; observedGeneration?: number; message?: string };
}

interface ManagedEntry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}

const CRD: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'database', kind: 'Database', shortNames: ['db'] },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['engine'],
                properties: {
                  engine: { type: 'string', _enum: ['postgres', 'mysql'] },
                  storageGB: { type: 'integer', minimum: 1 },
                  replicas: { type: 'integer', _default: 1 },
                  users: {
                    type: 'array',
                    x_kubernetes_list_type: 'map',
                    x_kubernetes_list_map_keys: ['name'],
                    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, role: { type: 'string' } } },
                  },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer' }, message: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

/** The Status a client-node call failed with. */
async function statusOf(p: Promise<unknown>): Promise<{ code: number; status: any }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body };
  }
  throw new Error('the call succeeded');
}

describe('an operator on @kubernetes/client-node', () => {
  let s: RunningApiServer;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let objects: KubernetesObjectApi;

  const read = async (name: string) => (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name })) as Database;
  const managed = (o: Database) => (o.metadata?.managedFields ?? []) as unknown as ManagedEntry[];
  const apply = (manager: string, name: string, spec: Database['spec'], force?: boolean) =>
    objects.patch<Database>({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Database', metadata: { name, namespace: NS }, spec }, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

  before(async () => {
    s = await startApiServer();
    kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    custom = kc.makeApiClient(CustomObjectsApi);
    objects = KubernetesObjectApi.makeApiClient(kc);
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: CRD });
    await eventually(async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    }, 5000, 'the CRD to be Established');
    await eventually(async () => (await statusOf(read('none'))).code === 404, 5000, 'databases to be served');
  });
  after(async () => {
    await s?.cleanup();
  });

  it('reconciles custom resources seen by an informer, writing status through the subresource', async () => {
    const list = () => custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL }) as Promise<KubernetesListObject<Database>>;
    const informer = makeInformer<Database>(kc, `/apis/${GROUP}/${VERSION}/namespaces/${NS}/${PLURAL}`, list);
    const seen: string[] = [];
    const errors: unknown[] = [];
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    // The reconciler: status follows spec, and observedGeneration says which spec it saw.
    const reconcile = async (db: Database) => {
      const generation = db.metadata?.generation;
      if (db.status?.observedGeneration === generation) return;
      const phase = (db.spec?.replicas ?? 0) > 1 ? 'Scaling' : 'Ready';
      await custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: db.metadata!.name!, body: { status: { phase, observedGeneration: generation } } }, mergePatch);
    };
    const handle = (verb: string) => (db: Database) => {
      seen.push(`${verb} ${db.metadata?.name} gen=${db.metadata?.generation} phase=${db.status?.phase ?? '-'}`);
      if (verb !== 'delete') reconcile(db).catch((e: unknown) => errors.push(e));
    };
    informer.on('add', handle('add'));
    informer.on('update', handle('update'));
    informer.on('delete', handle('delete'));
    informer.on('error', (e: unknown) => errors.push(e));
    await informer.start();
    try {
      await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Database', metadata: { name: 'orders' }, spec: { engine: 'postgres', storageGB: 5 } } });
      await eventually(() => informer.get('orders', NS)?.status?.phase === 'Ready', 10_000, 'orders to be Ready');
      const ready = informer.get('orders', NS)!;
      assert.equal(ready.spec?.replicas, 1, 'the schema default is applied');
      assert.equal(ready.metadata?.generation, 1, 'a status write does not bump the generation');
      assert.equal(ready.status?.observedGeneration, 1);
      assert.ok(managed(ready).some((m) => m.operation === 'Update' && m.subresource === 'status' && JSON.stringify(m.fieldsV1).includes('f:phase')), 'the status write is recorded with its subresource');

      // A spec change through the main resource: status sent along is ignored, the generation moves.
      const cur = await read('orders');
      await custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'orders', body: { ...cur, spec: { ...cur.spec, replicas: 3 }, status: { phase: 'Hacked' } } });
      await eventually(() => informer.get('orders', NS)?.status?.observedGeneration === 2, 10_000, 'the new generation to be reconciled');
      assert.equal(informer.get('orders', NS)?.status?.phase, 'Scaling');

      // A spec change through /status is ignored as well.
      const now = await read('orders');
      const replaced = (await custom.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'orders', body: { ...now, spec: { ...now.spec, engine: 'mysql' }, status: { ...now.status, message: 'checked' } } })) as Database;
      assert.equal(replaced.spec?.engine, 'postgres');
      assert.equal(replaced.status?.message, 'checked');
      assert.equal(replaced.metadata?.generation, 2);

      // An invalid status is refused by the schema of the subresource.
      const bad = await statusOf(custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'orders', body: { status: { observedGeneration: 'two' } } }, mergePatch));
      assert.equal(bad.code, 422);
      assert.match(bad.status.message, /status\.observedGeneration: Invalid value: "string": status\.observedGeneration in body must be of type integer: "string"/);

      await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'orders' });
      await eventually(() => informer.get('orders', NS) === undefined, 10_000, 'the informer to see the delete');
      assert.equal(seen[0], 'add orders gen=1 phase=-');
      assert.ok(seen.includes('update orders gen=1 phase=Ready'), seen.join('\n'));
      assert.ok(seen.includes('update orders gen=2 phase=Scaling'), seen.join('\n'));
      assert.match(seen.at(-1)!, /^delete orders gen=2 /);
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('shares an object between field managers with server-side apply', async () => {
    const a = await apply('alice', 'shared', { engine: 'postgres', storageGB: 10, users: [{ name: 'app', role: 'rw' }] });
    assert.equal(a.metadata?.generation, 1);
    // Bob applies the same storage size (shared ownership) and his own user (list-map merge).
    const b = await apply('bob', 'shared', { storageGB: 10, users: [{ name: 'report', role: 'ro' }] });
    assert.deepEqual(b.spec?.users, [{ name: 'app', role: 'rw' }, { name: 'report', role: 'ro' }]);
    const owners = (o: Database, manager: string) => JSON.stringify(managed(o).find((m) => m.manager === manager)?.fieldsV1 ?? {});
    assert.match(owners(b, 'alice'), /"f:storageGB"/);
    assert.match(owners(b, 'bob'), /"f:storageGB"/);
    assert.match(owners(b, 'bob'), /"k:\{\\"name\\":\\"report\\"\}"/);
    assert.doesNotMatch(owners(b, 'bob'), /app/);

    // A different value for a field alice also owns: 409 with one cause per conflicting field.
    const conflict = await statusOf(apply('bob', 'shared', { storageGB: 20, users: [{ name: 'report', role: 'ro' }] }));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.status.kind, 'Status');
    assert.equal(conflict.status.reason, 'Conflict');
    assert.equal(conflict.status.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.storageGB');
    assert.deepEqual(conflict.status.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.storageGB' }]);
    assert.equal((await read('shared')).spec?.storageGB, 10, 'nothing changed');

    // A third manager conflicts with every owner of each field: alice alone owns engine, both own storageGB.
    const three = await statusOf(apply('carol', 'shared', { engine: 'mysql', storageGB: 30 }));
    assert.equal(three.code, 409);
    assert.equal(three.status.message, 'Apply failed with 3 conflicts: conflicts with "alice":\n- .spec.engine\n- .spec.storageGB\nconflicts with "bob":\n- .spec.storageGB');
    assert.deepEqual(
      three.status.details.causes.map((c: { message: string; field: string }) => `${c.message} ${c.field}`),
      ['conflict with "alice" .spec.engine', 'conflict with "alice" .spec.storageGB', 'conflict with "bob" .spec.storageGB'],
    );

    // Forcing takes the field: bob owns it alone afterwards.
    const forced = await apply('bob', 'shared', { storageGB: 20, users: [{ name: 'report', role: 'ro' }] }, true);
    assert.equal(forced.spec?.storageGB, 20);
    assert.doesNotMatch(owners(forced, 'alice'), /storageGB/);
    assert.match(owners(forced, 'bob'), /"f:storageGB"/);

    // Alice drops her user: only her item goes; her apply no longer mentions storageGB and it stays.
    const dropped = await apply('alice', 'shared', { engine: 'postgres' });
    assert.deepEqual(dropped.spec?.users, [{ name: 'report', role: 'ro' }]);
    assert.equal(dropped.spec?.storageGB, 20);
    assert.equal(dropped.spec?.replicas, 1);

    // The operator applies status through the subresource as its own manager.
    const applyPatch = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    await custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'shared', fieldManager: 'operator', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Database', metadata: { name: 'shared' }, status: { phase: 'Ready' } } },
      applyPatch,
    );
    const final = await read('shared');
    assert.equal(final.status?.phase, 'Ready');
    const op = managed(final).find((m) => m.manager === 'operator');
    assert.deepEqual({ operation: op?.operation, subresource: op?.subresource, fields: op?.fieldsV1 }, { operation: 'Apply', subresource: 'status', fields: { 'f:status': { 'f:phase': {} } } });
    assert.deepEqual(managed(final).map((m) => m.manager).sort(), ['alice', 'bob', 'operator']);
  });
});
