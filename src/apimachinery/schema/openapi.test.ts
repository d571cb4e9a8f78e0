import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  builtinGroupVersions,
  componentsForGroupVersion,
  definitionName,
  schemaFor,
  schemasForGroupVersion,
  type OpenAPISchema,
} from './openapi.js';

const PREFIX = '#/components/schemas/';

/** Every `$ref` anywhere inside `value`. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function unresolvedRefs(schemas: Record<string, OpenAPISchema>): string[] {
  return refs(schemas).filter((r) => !r.startsWith(PREFIX) || !(r.slice(PREFIX.length) in schemas));
}

/** `s` without its own description. */
const undescribed = (s: OpenAPISchema | undefined): OpenAPISchema | undefined => {
  if (!s) return s;
  const { description: _d, ...rest } = s;
  return rest;
};

/** A property's schema without its description (a described `allOf` of one `$ref` unwrapped). */
const prop = (schema: OpenAPISchema | undefined, name: string): OpenAPISchema | undefined => {
  const p = (schema?.properties as Record<string, OpenAPISchema> | undefined)?.[name];
  if (!p) return p;
  const { description: _d, ...rest } = p;
  if (!Array.isArray(rest.allOf) || rest.allOf.length !== 1) return rest;
  const { allOf, ...siblings } = rest;
  return { ...(allOf[0] as OpenAPISchema), ...siblings };
};

describe('OpenAPI v3 schemas', () => {
  const apps = componentsForGroupVersion('apps', 'v1').schemas;

  it('apps/v1 has Deployment with its GVK and upstream-style names', () => {
    const d = apps['io.k8s.api.apps.v1.Deployment'];
    assert.ok(d);
    assert.equal(d.type, 'object');
    assert.deepEqual(d['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.deepEqual(prop(d, 'metadata'), { $ref: `${PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` });
    assert.deepEqual(prop(d, 'apiVersion'), { type: 'string' });
    assert.deepEqual(Object.keys(d.properties as object), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    for (const name of ['DeploymentList', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision']) {
      assert.ok(apps[`io.k8s.api.apps.v1.${name}`], name);
    }
  });

  it('every $ref of every group version document resolves inside it', () => {
    assert.deepEqual(unresolvedRefs(apps), []);
    for (const { group, version } of builtinGroupVersions()) {
      assert.deepEqual(unresolvedRefs(schemasForGroupVersion(group, version)), [], `${group}/${version}`);
    }
  });

  it('includes the transitive closure and the apimachinery types paths use', () => {
    for (const name of [
      'io.k8s.api.core.v1.PodTemplateSpec',
      'io.k8s.api.core.v1.Container',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
      'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
    ]) {
      assert.ok(apps[name], name);
    }
    assert.equal(apps['io.k8s.api.batch.v1.Job'], undefined);
    const core = schemasForGroupVersion('', 'v1');
    assert.ok(core['io.k8s.api.core.v1.Pod'] && core['io.k8s.api.core.v1.SELinuxOptions']);
    assert.equal(core['io.k8s.api.core.v1.PodLogOptions'], undefined, 'query-option kinds are not schemas');
    const withScale = schemasForGroupVersion('apps', 'v1', { extraRoots: ['k8s.io.api.autoscaling.v1.Scale'] });
    assert.ok(withScale['io.k8s.api.autoscaling.v1.Scale']);
    assert.deepEqual(schemasForGroupVersion('example.com', 'v1'), {});
  });

  it('carries the strategic-merge and list extensions', () => {
    const podSpec = apps['io.k8s.api.core.v1.PodSpec'];
    assert.deepEqual(prop(podSpec, 'containers'), {
      type: 'array',
      items: { $ref: `${PREFIX}io.k8s.api.core.v1.Container` },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    assert.deepEqual(prop(podSpec, 'tolerations'), {
      type: 'array',
      items: { $ref: `${PREFIX}io.k8s.api.core.v1.Toleration` },
      'x-kubernetes-list-type': 'atomic',
    });
    assert.deepEqual(prop(podSpec, 'nodeSelector'), {
      type: 'object',
      additionalProperties: { type: 'string' },
      'x-kubernetes-map-type': 'atomic',
    });
    assert.equal(prop(apps['io.k8s.api.apps.v1.DeploymentSpec'], 'strategy')?.['x-kubernetes-patch-strategy'], 'retainKeys');
    const service = schemaFor('k8s.io.api.core.v1.ServiceSpec');
    assert.deepEqual(prop(service, 'ports')?.['x-kubernetes-list-map-keys'], ['port', 'protocol']);
    assert.equal(apps['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference']?.['x-kubernetes-map-type'], 'atomic');
    assert.equal(prop(schemaFor('k8s.io.api.core.v1.PersistentVolumeSpec'), 'claimRef')?.['x-kubernetes-map-type'], 'granular');
  });

  it('carries upstream descriptions: message-typed fields as a described allOf, as upstream v3 writes them', () => {
    const pod = schemaFor('k8s.io.api.core.v1.Pod');
    assert.match(String(pod?.description), /^Pod is a collection of containers that can run on a host/);
    const spec = (pod?.properties as Record<string, OpenAPISchema>).spec;
    assert.deepEqual(spec?.allOf, [{ $ref: `${PREFIX}io.k8s.api.core.v1.PodSpec` }]);
    assert.match(String(spec?.description), /^Specification of the desired behavior of the pod/);
    const containers = (schemaFor('k8s.io.api.core.v1.PodSpec')?.properties as Record<string, OpenAPISchema>).containers;
    assert.match(String(containers?.description), /^List of containers belonging to the pod/);
    assert.deepEqual(containers?.items, { $ref: `${PREFIX}io.k8s.api.core.v1.Container` });
    // Upstream's line breaks are kept (kubectl explain wraps paragraphs itself).
    const apparmor = (schemaFor('k8s.io.api.core.v1.AppArmorProfile')?.properties as Record<string, OpenAPISchema>).type;
    assert.match(String(apparmor?.description), /Valid options are:\n  Localhost - /);
    // Inlined fields are described under their parent (Volume.volumeSource.hostPath).
    const hostPath = (schemaFor('k8s.io.api.core.v1.Volume')?.properties as Record<string, OpenAPISchema>).hostPath;
    assert.match(String(hostPath?.description), /^hostPath represents a pre-existing file or directory/);
  });

  it('writes scalar formats and special types like upstream v3', () => {
    const container = apps['io.k8s.api.core.v1.Container'];
    assert.deepEqual(prop(apps['io.k8s.api.apps.v1.DeploymentSpec'], 'replicas'), { type: 'integer', format: 'int32' });
    assert.deepEqual(prop(container, 'stdin'), { type: 'boolean' });
    assert.deepEqual(prop(apps['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'generation'), { type: 'integer', format: 'int64' });
    assert.deepEqual(prop(schemaFor('k8s.io.api.core.v1.Secret'), 'data'), {
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
    });
    assert.deepEqual(undescribed(apps['io.k8s.apimachinery.pkg.apis.meta.v1.Time']), { type: 'string', format: 'date-time' });
    assert.deepEqual(undescribed(schemaFor('k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime')), { type: 'string', format: 'date-time' });
    assert.deepEqual(undescribed(apps['io.k8s.apimachinery.pkg.util.intstr.IntOrString']), {
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    });
    assert.deepEqual(undescribed(apps['io.k8s.apimachinery.pkg.api.resource.Quantity']), { oneOf: [{ type: 'string' }, { type: 'number' }] });
    assert.deepEqual(undescribed(apps['io.k8s.apimachinery.pkg.runtime.RawExtension']), { type: 'object' });
    assert.deepEqual(undescribed(apps['io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']), { type: 'object' });
    assert.deepEqual(prop(schemaFor('k8s.io.api.authentication.v1.UserInfo'), 'extra'), {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    });
    assert.deepEqual(prop(schemaFor('k8s.io.apimachinery.pkg.apis.meta.v1.APIResource'), 'verbs'), {
      type: 'array',
      items: { type: 'string' },
    });
  });

  it('lists every served group version on the apimachinery kinds', () => {
    const gvks = apps['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'] as unknown[];
    assert.ok(gvks.some((g) => JSON.stringify(g) === JSON.stringify({ group: 'apps', kind: 'DeleteOptions', version: 'v1' })));
    assert.deepEqual(apps['io.k8s.apimachinery.pkg.apis.meta.v1.Status']?.['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'Status', version: 'v1' },
    ]);
  });

  it('names definitions after the Go package', () => {
    assert.equal(definitionName('k8s.io.api.apps.v1.Deployment'), 'io.k8s.api.apps.v1.Deployment');
    assert.equal(definitionName('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(schemaFor('k8s.io.api.nosuch.v1.Thing'), undefined);
  });

  it('is fast enough to build per request (cached by the caller)', () => {
    const t0 = performance.now();
    for (const { group, version } of builtinGroupVersions()) componentsForGroupVersion(group, version);
    assert.ok(performance.now() - t0 < 2000);
  });
});
