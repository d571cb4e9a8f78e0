/**
 * NodeRestriction (plugin/pkg/admission/noderestriction): a kubelet (user system:node:<name> in
 * group system:nodes) may write only what concerns its own node — its Node object (not its taints,
 * nor labels under node-restriction.kubernetes.io/ or unknown kubernetes.io / k8s.io ones), mirror
 * pods bound to it, the status of its pods, deletes and evictions of its pods, its Lease in
 * kube-node-lease, its CSINode, PVC status, and tokens bound to its pods. Every refusal is a 403
 * worded as upstream's. Validate only: a DELETE reaches only the validating phase here.
 */
import { deepEqual } from '../../apimachinery/json.js';
import { notFound } from '../../apimachinery/errors.js';
import type { AdmissionAttributes } from '../auth/types.js';
import type { KObject } from '../registry/resource.js';
import { admissionForbidden, cachedObject, isResource, type AdmissionPlugin, type ApiAccess, type PluginFactory } from './types.js';

const NODE_USER_PREFIX = 'system:node:';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region', 'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type', 'kubernetes.io/os',
  'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** NodeIdentity: the node name of a kubelet's user ('' when in system:nodes without a name), or undefined for others. */
export function nodeIdentity(user: { name: string; groups: string[] }): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes('system:nodes')) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

const labelNamespace = (key: string) => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const inDomain = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

/** getForbiddenLabels: node-restriction labels, and kubernetes.io / k8s.io labels the kubelet does not own. */
export function forbiddenNodeLabels(modified: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of modified) {
    const ns = labelNamespace(key);
    if (inDomain(ns, 'node-restriction.kubernetes.io')) out.add(key);
    const kubernetes = inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io');
    const kubelet = KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((d) => inDomain(ns, d));
    if (kubernetes && !kubelet) out.add(key);
  }
  return [...out].sort();
}

function modifiedLabels(a: Record<string, string> = {}, b: Record<string, string> = {}): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]);
}

type Spec = Record<string, unknown> & {
  nodeName?: string;
  serviceAccountName?: string;
  volumes?: Record<string, Record<string, unknown> | undefined>[];
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
  ephemeralContainers?: ContainerRefs[];
  imagePullSecrets?: unknown[];
};
interface ContainerRefs {
  env?: { valueFrom?: { secretKeyRef?: unknown; configMapKeyRef?: unknown } }[];
  envFrom?: { secretRef?: unknown; configMapRef?: unknown }[];
}

/** What a mirror pod references besides itself: secrets, configmaps, cluster trust bundles, PVCs. */
function mirrorPodReference(spec: Spec): string | undefined {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
  const sources = (spec.volumes ?? []).flatMap((v) => ((v.projected?.sources as Record<string, unknown>[] | undefined) ?? []));
  const secrets = !!spec.imagePullSecrets?.length || (spec.volumes ?? []).some((v) => v.secret || (v.csi as { nodePublishSecretRef?: unknown } | undefined)?.nodePublishSecretRef) ||
    sources.some((s) => s.secret) || containers.some((c) => c.env?.some((e) => e.valueFrom?.secretKeyRef) || c.envFrom?.some((e) => e.secretRef));
  if (secrets) return 'secrets';
  const configMaps = (spec.volumes ?? []).some((v) => v.configMap) || sources.some((s) => s.configMap) ||
    containers.some((c) => c.env?.some((e) => e.valueFrom?.configMapKeyRef) || c.envFrom?.some((e) => e.configMapRef));
  if (configMaps) return 'configmaps';
  if (sources.some((s) => s.clusterTrustBundle)) return 'clustertrustbundles';
  if ((spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) return 'persistentvolumeclaims';
  return undefined;
}

function admitPodCreate(a: AdmissionAttributes, node: string, api: ApiAccess): void {
  const pod = a.object!;
  const spec = (pod.spec ?? {}) as Spec;
  const deny = (why: string) => admissionForbidden(a, why);
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] === undefined) throw deny(`pod does not have "${MIRROR_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
  if (spec.nodeName !== node) throw deny(`node "${node}" can only create pods with spec.nodeName set to itself`);
  const owners = pod.metadata?.ownerReferences ?? [];
  if (owners.length > 1) throw deny(`node "${node}" can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) throw deny(`node "${node}" can only create pods with an owner reference set to itself`);
  if (owner.controller !== true) throw deny(`node "${node}" can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true) throw deny(`node "${node}" must not set blockOwnerDeletion on an owner reference`);
  const nodeObj = cachedObject(api, '', 'nodes', undefined, node);
  if (!nodeObj) throw notFound({ group: '', resource: 'nodes' }, node);
  if (owner.uid !== nodeObj.metadata?.uid) throw deny(`node ${node} UID mismatch: expected ${owner.uid} got ${nodeObj.metadata?.uid ?? ''}`);
  if (spec.serviceAccountName) throw deny(`node "${node}" can not create pods that reference a service account`);
  const ref = mirrorPodReference(spec);
  if (ref) throw deny(`node "${node}" can not create pods that reference ${ref}`);
}

/** The stored pod a request names (a DELETE carries it as oldObject). */
function existingPod(a: AdmissionAttributes, api: ApiAccess, name: string): KObject {
  const pod = a.oldObject && a.operation === 'DELETE' ? a.oldObject : cachedObject(api, '', 'pods', a.namespace, name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

function admitPod(a: AdmissionAttributes, node: string, api: ApiAccess): void {
  const deny = (why: string) => admissionForbidden(a, why);
  const nodeOf = (p: KObject) => (p.spec as Spec | undefined)?.nodeName;
  switch (a.subresource ?? '') {
    case '':
      if (a.operation === 'CREATE') return admitPodCreate(a, node, api);
      if (a.operation === 'DELETE') {
        if (nodeOf(existingPod(a, api, a.name)) !== node) throw deny(`node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw deny(`unexpected operation "${a.operation}", node "${node}" can only create and delete mirror pods`);
    case 'status': {
      if (a.operation !== 'UPDATE' || !a.oldObject || !a.object) throw deny(`unexpected operation "${a.operation}"`);
      if (nodeOf(a.oldObject) !== node) throw deny(`node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      if (!deepEqual(a.oldObject.metadata?.labels ?? {}, a.object.metadata?.labels ?? {})) throw deny(`node "${node}" cannot update labels through pod status`);
      const claims = (o: KObject) => (o.status as { resourceClaimStatuses?: unknown } | undefined)?.resourceClaimStatuses ?? [];
      if (!deepEqual(claims(a.oldObject), claims(a.object))) throw deny(`node "${node}" cannot update resource claim statues`);
      return;
    }
    case 'eviction': {
      if (a.operation !== 'CREATE') throw deny(`unexpected operation ${a.operation}`);
      const podName = a.name || a.object?.metadata?.name;
      if (!podName) throw deny('could not determine pod from request data');
      if (nodeOf(existingPod(a, api, podName)) !== node) throw deny(`node ${node} can only evict pods with spec.nodeName set to itself`);
      return;
    }
    default:
      throw deny(`unexpected pod subresource "${a.subresource}", only 'status' and 'eviction' are allowed`);
  }
}

function admitNode(a: AdmissionAttributes, node: string): void {
  const deny = (why: string) => admissionForbidden(a, why);
  if (a.name !== node) throw deny(`node "${node}" is not allowed to modify node "${a.name}"`);
  const spec = (o: KObject | undefined) => (o?.spec ?? {}) as { configSource?: unknown; taints?: unknown };
  if (a.operation === 'CREATE' && a.object) {
    if (spec(a.object).configSource != null) throw deny(`node "${node}" is not allowed to create pods with a non-nil configSource`);
    const bad = forbiddenNodeLabels(Object.keys(a.object.metadata?.labels ?? {}));
    if (bad.length) throw deny(`node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`);
  }
  if (a.operation === 'UPDATE' && a.object && a.oldObject) {
    const cs = spec(a.object).configSource;
    if (cs != null && !deepEqual(cs, spec(a.oldObject).configSource)) throw deny(`node "${node}" is not allowed to update configSource to a new non-nil configSource`);
    if (!deepEqual(spec(a.object).taints ?? null, spec(a.oldObject).taints ?? null)) throw deny(`node "${node}" is not allowed to modify taints`);
    const bad = forbiddenNodeLabels(modifiedLabels(a.object.metadata?.labels, a.oldObject.metadata?.labels));
    if (bad.length) throw deny(`is not allowed to modify labels: ${bad.join(', ')}`);
  }
}

function admitPvcStatus(a: AdmissionAttributes, node: string): void {
  if (a.subresource !== 'status') throw admissionForbidden(a, 'may only update PVC status');
  if (a.operation !== 'UPDATE' || !a.object || !a.oldObject) throw admissionForbidden(a, `unexpected operation "${a.operation}"`);
  const strip = (o: KObject) => {
    const c = structuredClone(o) as KObject & { status?: Record<string, unknown> };
    if (c.metadata) {
      delete c.metadata.resourceVersion;
      delete c.metadata.managedFields;
    }
    for (const f of ['capacity', 'conditions', 'allocatedResources', 'allocatedResourceStatuses']) delete c.status?.[f];
    return c;
  };
  if (!deepEqual(strip(a.object), strip(a.oldObject)))
    throw admissionForbidden(a, `node "${node}" is not allowed to update fields other than status.capacity and status.conditions`);
}

function admitTokenRequest(a: AdmissionAttributes, node: string, api: ApiAccess): void {
  if (a.operation !== 'CREATE' || a.subresource !== 'token') return;
  const ref = (a.object?.spec as { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } } | undefined)?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw admissionForbidden(a, 'node requested token not bound to a pod');
  if (!ref.uid) throw admissionForbidden(a, 'node requested token with a pod binding without a uid');
  const pod = cachedObject(api, '', 'pods', a.namespace, ref.name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, ref.name);
  if (ref.uid !== pod.metadata?.uid)
    throw admissionForbidden(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  if ((pod.spec as Spec | undefined)?.nodeName !== node) throw admissionForbidden(a, 'node requested token bound to a pod scheduled on a different node');
}

/** Lease and CSINode: only the one named after the node (leases only in kube-node-lease). */
function admitNamed(a: AdmissionAttributes, node: string, what: string): void {
  if (what === 'node lease' && a.namespace !== 'kube-node-lease') throw admissionForbidden(a, 'can only access leases in the "kube-node-lease" system namespace');
  const name = a.operation === 'CREATE' ? a.object?.metadata?.name : a.name;
  if (name !== node) throw admissionForbidden(a, `can only access ${what} with the same name as the requesting node`);
}

/** The plugin. */
export const nodeRestrictionPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'NodeRestriction',
  validate(a) {
    const node = nodeIdentity(a.user);
    if (node === undefined) return;
    if (node === '') throw admissionForbidden(a, `could not determine node from user "${a.user.name}"`);
    const api = ctx.api();
    if (isResource(a, '', 'pods')) return admitPod(a, node, api);
    if (isResource(a, '', 'nodes')) return admitNode(a, node);
    if (isResource(a, '', 'persistentvolumeclaims')) return admitPvcStatus(a, node);
    if (isResource(a, '', 'serviceaccounts')) return admitTokenRequest(a, node, api);
    if (isResource(a, 'coordination.k8s.io', 'leases')) return admitNamed(a, node, 'node lease');
    if (isResource(a, 'storage.k8s.io', 'csinodes')) return admitNamed(a, node, 'CSINode');
  },
});
