/**
 * What a node may reach, as the node authorizer's graph (plugin/pkg/auth/authorizer/node/graph.go):
 * node ← pod (spec.nodeName) ← secret / configmap / pvc / service account / resource claim, and
 * pvc → pv ← secret. Instead of a graph kept by informers, the pods of a node are read from the
 * pods watch cache's `spec.nodeName` index and their references are cached per node until one of
 * those pods changes (the cached CacheEntry objects are compared by identity).
 */
import type { CacheEntry } from '../../cache/entry.js';
import type { ResourceCache } from '../../cache/resource-cache.js';
import type { KObject } from '../../registry/resource.js';
import type { RbacSource } from '../rbac/policy-index.js';

/** `namespace/name` sets of the objects a node's pods reference. */
export interface NodeRefs {
  pods: Set<string>;
  secrets: Set<string>;
  configmaps: Set<string>;
  pvcs: Set<string>;
  serviceaccounts: Set<string>;
  resourceclaims: Set<string>;
}

type Obj = Record<string, any>;

const SECRET_REF_VOLUMES = ['cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos'];
const CSI_SECRET_REFS = ['nodePublishSecretRef', 'nodeStageSecretRef', 'controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef'];

/** Adds what one pod references (podutil.VisitPodSecretNames / VisitPodConfigmapNames, volumes, claims). */
export function addPodReferences(pod: KObject, refs: NodeRefs): void {
  const ns = pod.metadata?.namespace ?? '';
  const add = (set: Set<string>, name: unknown) => {
    if (typeof name === 'string' && name) set.add(`${ns}/${name}`);
  };
  const spec: Obj = (pod as Obj).spec ?? {};
  add(refs.pods, pod.metadata?.name);
  add(refs.serviceaccounts, spec.serviceAccountName || spec.serviceAccount);
  for (const s of spec.imagePullSecrets ?? []) add(refs.secrets, s?.name);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c?.env ?? []) {
      add(refs.secrets, e?.valueFrom?.secretKeyRef?.name);
      add(refs.configmaps, e?.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c?.envFrom ?? []) {
      add(refs.secrets, e?.secretRef?.name);
      add(refs.configmaps, e?.configMapRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (!v) continue;
    add(refs.secrets, v.secret?.secretName);
    add(refs.configmaps, v.configMap?.name);
    for (const src of v.projected?.sources ?? []) {
      add(refs.secrets, src?.secret?.name);
      add(refs.configmaps, src?.configMap?.name);
    }
    add(refs.secrets, v.azureFile?.secretName);
    add(refs.secrets, v.csi?.nodePublishSecretRef?.name);
    for (const k of SECRET_REF_VOLUMES) add(refs.secrets, v[k]?.secretRef?.name);
    add(refs.pvcs, v.persistentVolumeClaim?.claimName);
    if (v.ephemeral && pod.metadata?.name) add(refs.pvcs, `${pod.metadata.name}-${v.name}`);
  }
  for (const c of spec.resourceClaims ?? []) add(refs.resourceclaims, c?.resourceClaimName);
  for (const s of (pod as Obj).status?.resourceClaimStatuses ?? []) add(refs.resourceclaims, s?.resourceClaimName);
}

/** The secrets (`namespace/name`) a PersistentVolume references (VisitPVSecretNames). */
export function pvSecrets(pv: KObject): string[] {
  const spec: Obj = (pv as Obj).spec ?? {};
  const out: string[] = [];
  const ref = (r: Obj | undefined, defaultNs = '') => {
    if (r?.name) out.push(`${r.namespace || defaultNs}/${r.name}`);
  };
  for (const k of CSI_SECRET_REFS) ref(spec.csi?.[k]);
  for (const k of SECRET_REF_VOLUMES) ref(spec[k]?.secretRef, spec.claimRef?.namespace ?? '');
  if (spec.azureFile?.secretName) out.push(`${spec.azureFile.secretNamespace || spec.claimRef?.namespace || 'default'}/${spec.azureFile.secretName}`);
  return out;
}

const emptyRefs = (): NodeRefs => ({ pods: new Set(), secrets: new Set(), configmaps: new Set(), pvcs: new Set(), serviceaccounts: new Set(), resourceclaims: new Set() });

/** The node → references view over one API server's pods watch cache. */
export class NodeGraph {
  private readonly byNode = new Map<string, { pods: CacheEntry[]; refs: NodeRefs }>();
  private pods: ResourceCache | undefined;

  constructor(private readonly src: RbacSource) {}

  /** The cache of a resource (undefined when not served). */
  cache(group: string, plural: string): ResourceCache | undefined {
    return this.src.storeFor(group, plural)?.cache;
  }

  /** A cached object by namespace (or '' for cluster-scoped) and name. */
  get(group: string, plural: string, namespace: string, name: string): KObject | undefined {
    const rc = this.cache(group, plural);
    return rc?.entries.get(namespace ? `${rc.prefix}${namespace}/${name}` : `${rc.prefix}${name}`)?.obj;
  }

  /** The pods bound to `node`, in key order. */
  podsOn(node: string): CacheEntry[] {
    const rc = this.cache('', 'pods');
    if (!rc) return [];
    if (rc.hasIndex('spec.nodeName')) return rc.select({ index: { field: 'spec.nodeName', value: node } });
    return [...rc.entries.values()].filter((e) => (e.obj as Obj).spec?.nodeName === node);
  }

  /** What the pods bound to `node` reference, recomputed only when one of them changed. */
  refsOf(node: string): NodeRefs {
    const rc = this.cache('', 'pods');
    if (rc !== this.pods) {
      this.byNode.clear();
      this.pods = rc;
    }
    const pods = this.podsOn(node);
    const known = this.byNode.get(node);
    if (known && known.pods.length === pods.length && known.pods.every((e, i) => e === pods[i])) return known.refs;
    const refs = emptyRefs();
    for (const e of pods) addPodReferences(e.obj, refs);
    if (pods.length) this.byNode.set(node, { pods, refs });
    else this.byNode.delete(node);
    return refs;
  }

  /** The PersistentVolumes bound to the node's pods' claims (pvc.spec.volumeName). */
  pvsOf(node: string): string[] {
    const out: string[] = [];
    for (const key of this.refsOf(node).pvcs) {
      const [ns, name] = splitKey(key);
      const vol = (this.get('', 'persistentvolumeclaims', ns, name) as Obj | undefined)?.spec?.volumeName;
      if (typeof vol === 'string' && vol) out.push(vol);
    }
    return out;
  }
}

/** `namespace/name` → [namespace, name]. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
