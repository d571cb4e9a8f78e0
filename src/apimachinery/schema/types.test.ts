import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as clientNode from '@kubernetes/client-node';
import { MESSAGES } from './types.gen.js';
import {
  builtinGroupVersions,
  fieldsOf,
  gvksOf,
  kindsOfGroupVersion,
  lookupField,
  mergeInfo,
  messageFor,
  messageInfo,
  META_V1,
  protoFieldsOf,
} from './types.js';

const CORE = 'k8s.io.api.core.v1';
const APPS = 'k8s.io.api.apps.v1';

describe('messageFor', () => {
  it('maps built-in GVKs to their messages', () => {
    assert.equal(messageFor({ group: 'apps', version: 'v1', kind: 'Deployment' }), `${APPS}.Deployment`);
    assert.equal(messageFor({ group: '', version: 'v1', kind: 'Pod' }), `${CORE}.Pod`);
    assert.equal(messageFor({ group: '', version: 'v1', kind: 'PodList' }), `${CORE}.PodList`);
    assert.equal(
      messageFor({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' }),
      'k8s.io.api.rbac.v1.ClusterRole',
    );
    assert.equal(
      messageFor({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema' }),
      'k8s.io.api.flowcontrol.v1.FlowSchema',
    );
    assert.equal(messageFor({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), 'k8s.io.api.autoscaling.v1.Scale');
  });

  it('resolves apimachinery kinds where upstream registers them', () => {
    assert.equal(messageFor({ group: 'apps', version: 'v1', kind: 'DeleteOptions' }), `${META_V1}.DeleteOptions`);
    assert.equal(messageFor({ group: 'batch', version: 'v1', kind: 'WatchEvent' }), `${META_V1}.WatchEvent`);
    assert.equal(messageFor({ group: '', version: 'v1', kind: 'Status' }), `${META_V1}.Status`);
    assert.equal(messageFor({ group: 'apps', version: 'v1', kind: 'Status' }), undefined);
    assert.equal(messageFor({ group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadata' }), `${META_V1}.PartialObjectMetadata`);
  });

  it('claims nothing for kinds it does not know', () => {
    assert.equal(messageFor({ group: 'example.com', version: 'v1', kind: 'Widget' }), undefined);
    assert.equal(messageFor({ group: 'apps', version: 'v1beta1', kind: 'Deployment' }), undefined);
    assert.equal(messageFor({ group: 'apps', version: 'v1', kind: 'PodTemplateSpec' }), undefined);
    assert.equal(messageFor({ group: 'example.com', version: 'v1', kind: 'DeleteOptions' }), undefined);
  });

  it('lists group versions and their kinds', () => {
    const gvs = builtinGroupVersions();
    assert.deepEqual(gvs[0], { group: '', version: 'v1' });
    assert.ok(gvs.some((gv) => gv.group === 'apps' && gv.version === 'v1'));
    assert.ok(gvs.some((gv) => gv.group === 'autoscaling' && gv.version === 'v2'));
    const apps = kindsOfGroupVersion('apps', 'v1');
    assert.equal(apps.get('Deployment'), `${APPS}.Deployment`);
    assert.equal(apps.get('StatefulSetList'), `${APPS}.StatefulSetList`);
    assert.equal(kindsOfGroupVersion('', 'v1').get('ConfigMap'), `${CORE}.ConfigMap`);
    assert.deepEqual(gvksOf(`${APPS}.Deployment`), [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    assert.equal(gvksOf(`${META_V1}.DeleteOptions`).length, gvs.length);
  });
});

describe('fields and merge markers', () => {
  it('Pod containers merge by name', () => {
    const containers = lookupField(`${CORE}.PodSpec`, 'containers');
    assert.equal(containers?.type, `${CORE}.Container`);
    assert.equal(containers?.repeated, true);
    assert.equal(containers?.number, 2);
    assert.deepEqual(mergeInfo(`${CORE}.PodSpec`, 'containers'), {
      patchStrategy: 'merge',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    });
    assert.deepEqual(mergeInfo(`${CORE}.PodSpec`, 'volumes')?.patchStrategy, 'merge,retainKeys');
    assert.deepEqual(mergeInfo(`${CORE}.Container`, 'ports')?.listMapKeys, ['containerPort', 'protocol']);
  });

  it('Deployment spec.template is a PodTemplateSpec, strategy keeps retainKeys', () => {
    assert.equal(lookupField(`${APPS}.Deployment`, 'spec')?.type, `${APPS}.DeploymentSpec`);
    assert.equal(lookupField(`${APPS}.DeploymentSpec`, 'template')?.type, `${CORE}.PodTemplateSpec`);
    assert.equal(lookupField(`${CORE}.PodTemplateSpec`, 'spec')?.type, `${CORE}.PodSpec`);
    assert.deepEqual(mergeInfo(`${APPS}.DeploymentSpec`, 'strategy'), { patchStrategy: 'retainKeys' });
    assert.equal(lookupField(`${APPS}.DeploymentSpec`, 'replicas')?.type, 'int32');
  });

  it('Service ports are a map list keyed by port and protocol', () => {
    assert.deepEqual(mergeInfo(`${CORE}.ServiceSpec`, 'ports'), {
      patchStrategy: 'merge',
      patchMergeKey: 'port',
      listType: 'map',
      listMapKeys: ['port', 'protocol'],
    });
    assert.deepEqual(mergeInfo(`${CORE}.ServiceSpec`, 'selector'), { mapType: 'atomic' });
  });

  it('tolerations are atomic: replaced as a whole, no merge key', () => {
    assert.deepEqual(mergeInfo(`${CORE}.PodSpec`, 'tolerations'), { listType: 'atomic' });
    assert.deepEqual(mergeInfo(`${CORE}.PodSpec`, 'restartPolicy'), {});
    assert.equal(mergeInfo(`${CORE}.PodSpec`, 'nope'), undefined);
  });

  it('ObjectMeta carries its own markers', () => {
    assert.deepEqual(mergeInfo(`${META_V1}.ObjectMeta`, 'ownerReferences'), {
      patchStrategy: 'merge',
      patchMergeKey: 'uid',
      listType: 'map',
      listMapKeys: ['uid'],
    });
    assert.equal(mergeInfo(`${META_V1}.ObjectMeta`, 'finalizers')?.patchStrategy, 'merge');
    assert.equal(lookupField(`${META_V1}.ObjectMeta`, 'labels')?.map, true);
    assert.equal(lookupField(`${META_V1}.ObjectMeta`, 'creationTimestamp')?.type, `${META_V1}.Time`);
    assert.equal(messageInfo(`${META_V1}.OwnerReference`)?.atomic, true);
    assert.equal(mergeInfo(`${CORE}.PersistentVolumeSpec`, 'claimRef')?.mapType, 'granular');
  });

  it('flattens Go-inlined structs in the JSON view and keeps them in the proto view', () => {
    const json = fieldsOf(`${CORE}.Volume`).map((f) => f.json);
    assert.ok(json.includes('configMap') && json.includes('name') && !json.includes('volumeSource'));
    const configMap = lookupField(`${CORE}.Volume`, 'configMap');
    assert.equal(configMap?.owner, `${CORE}.VolumeSource`);
    assert.deepEqual(
      protoFieldsOf(`${CORE}.Volume`).map((f) => [f.json, f.number, f.inline]),
      [['name', 1, false], ['volumeSource', 2, true]],
    );
    assert.equal(lookupField(`${CORE}.Probe`, 'httpGet')?.type, `${CORE}.HTTPGetAction`);
    assert.equal(lookupField(`${CORE}.EphemeralContainer`, 'image')?.type, 'string');
    assert.equal(lookupField(`${CORE}.ConfigMapKeySelector`, 'name')?.owner, `${CORE}.LocalObjectReference`);
  });

  it('adds apiVersion and kind to kinds only', () => {
    assert.deepEqual(fieldsOf(`${APPS}.Deployment`).slice(0, 2).map((f) => [f.json, f.number]), [['apiVersion', 0], ['kind', 0]]);
    assert.equal(lookupField(`${CORE}.PodTemplateSpec`, 'apiVersion'), undefined);
    assert.equal(lookupField(`${META_V1}.DeleteOptions`, 'kind')?.type, 'string');
    assert.equal(lookupField('k8s.io.api.admission.v1.AdmissionReview', 'apiVersion')?.scalar, true);
  });

  it('uses JSON names where they differ from proto names', () => {
    assert.ok(lookupField('k8s.io.api.authentication.v1.BoundObjectReference', 'uid'));
    assert.equal(lookupField('k8s.io.api.authentication.v1.BoundObjectReference', 'uID'), undefined);
    assert.equal(lookupField('k8s.io.api.networking.v1.IngressClassParametersReference', 'apiGroup')?.number, 1);
    assert.ok(lookupField('k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration', 'webhooks'));
    assert.ok(lookupField(`${CORE}.DaemonEndpoint`, 'Port'), 'DaemonEndpoint.Port is capitalised in JSON too');
  });

  it('marks the types with their own JSON form', () => {
    const special = (m: string) => messageInfo(m)?.special;
    assert.equal(special(`${META_V1}.Time`), 'time');
    assert.equal(special(`${META_V1}.MicroTime`), 'micro-time');
    assert.equal(special(`${META_V1}.Duration`), 'duration');
    assert.equal(special(`${META_V1}.FieldsV1`), 'fields-v1');
    assert.equal(special('k8s.io.apimachinery.pkg.util.intstr.IntOrString'), 'int-or-string');
    assert.equal(special('k8s.io.apimachinery.pkg.api.resource.Quantity'), 'quantity');
    assert.equal(special('k8s.io.apimachinery.pkg.runtime.RawExtension'), 'raw-extension');
    assert.equal(special('k8s.io.api.authentication.v1.ExtraValue'), 'string-list');
    assert.equal(special(`${META_V1}.Verbs`), 'string-list');
    assert.equal(special(`${CORE}.Pod`), undefined);
    assert.equal(lookupField(`${CORE}.Secret`, 'data')?.type, 'bytes');
  });

  it('reports references to messages outside the table as unresolved', () => {
    const unresolved = Object.keys(MESSAGES).flatMap((m) => protoFieldsOf(m).filter((f) => f.unresolved));
    assert.ok(unresolved.every((f) => f.type.startsWith('k8s.io.api.scheduling.v1alpha')), 'only unserved alpha types');
  });
});

type ModelClass = { getAttributeTypeMap(): { baseName: string }[] };

/** client-node's model class for a message (generated from upstream's OpenAPI), if any. */
function modelOf(message: string): ModelClass | undefined {
  const models = clientNode as unknown as Record<string, ModelClass | undefined>;
  const parts = message.split('.');
  const name = parts.at(-1) ?? '';
  const version = parts.at(-2) ?? '';
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  if (message.startsWith('k8s.io.api.')) {
    return models[cap(parts[3] ?? '') + cap(version) + name] ?? models[cap(version) + name];
  }
  if (message.startsWith(`${META_V1}.`)) return models[`V1${name}`];
  return undefined;
}

describe('agreement with the upstream OpenAPI models (@kubernetes/client-node)', () => {
  it('every JSON field upstream knows is in our JSON view, apiVersion/kind exactly on kinds', () => {
    // core.v1.Preconditions has no model of its own; the name falls back to meta.v1's.
    const skip = new Set([`${CORE}.Preconditions`]);
    let compared = 0;
    const problems: string[] = [];
    for (const message of Object.keys(MESSAGES)) {
      const model = modelOf(message);
      if (!model?.getAttributeTypeMap || skip.has(message)) continue;
      compared++;
      const ours = new Set(fieldsOf(message).map((f) => f.json));
      const theirs = model.getAttributeTypeMap().map((a) => a.baseName);
      for (const name of theirs) if (!ours.has(name)) problems.push(`${message}.${name} missing`);
      if (theirs.includes('apiVersion') !== ours.has('apiVersion')) problems.push(`${message}: apiVersion differs`);
    }
    assert.deepEqual(problems, []);
    assert.ok(compared > 500, `compared ${compared} messages`);
  });
});
