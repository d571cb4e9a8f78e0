/**
 * How many pods a pod's controller wants, as the disruption controller's finders
 * (pkg/controller/disruption finders(), in upstream's order): a ReplicationController, a Deployment
 * through its ReplicaSet, a ReplicaSet not owned by a Deployment, a StatefulSet, else any resource
 * with a scale subresource (kind mapped to its resource through discovery). Each checks the
 * controller reference's group, kind and UID; a mismatch is "not this finder".
 */
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import { parseApiVersion, type KubeObject, type OwnerReference } from '../../kubeclient/types.js';
import { controllerRefOf } from '../pods.js';

/** A controller's UID and desired replicas (controllerAndScale). */
export interface ControllerScale {
  uid: string;
  scale: number;
}

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

const APPS = ['apps', 'extensions'];

/** verifyGroupKind: the reference names `kind` in one of `groups`. */
function refersTo(ref: OwnerReference, kind: string, groups: string[]): boolean {
  return ref.kind === kind && groups.includes(parseApiVersion(ref.apiVersion).group);
}

export class ScaleFinders {
  private readonly rcs: Informer<Scalable>;
  private readonly rss: Informer<Scalable>;
  private readonly deployments: Informer<Scalable>;
  private readonly statefulSets: Informer<Scalable>;
  /** "group/version" → kind → plural, from discovery. */
  private readonly resources = new Map<string, Promise<Map<string, { plural: string; scale: boolean }>>>();

  constructor(
    private readonly client: KubeClient,
    informers: SharedInformers,
  ) {
    this.rcs = informers.informer<Scalable>({ resource: { group: '', version: 'v1', resource: 'replicationcontrollers' } });
    this.rss = informers.informer<Scalable>({ resource: { group: 'apps', version: 'v1', resource: 'replicasets' } });
    this.deployments = informers.informer<Scalable>({ resource: { group: 'apps', version: 'v1', resource: 'deployments' } });
    this.statefulSets = informers.informer<Scalable>({ resource: { group: 'apps', version: 'v1', resource: 'statefulsets' } });
  }

  /** The informers the finders read (the controller starts and waits for them). */
  get informers(): Informer<Scalable>[] {
    return [this.rcs, this.rss, this.deployments, this.statefulSets];
  }

  /** The scale of the controller `ref` (in `namespace`), or undefined when no finder knows it; throws on lookup failures. */
  async find(ref: OwnerReference, namespace: string): Promise<ControllerScale | undefined> {
    return this.rc(ref, namespace) ?? this.deployment(ref, namespace) ?? this.replicaSet(ref, namespace) ?? this.statefulSet(ref, namespace) ?? (await this.scaleSubresource(ref, namespace));
  }

  private cached(inf: Informer<Scalable>, ref: OwnerReference, namespace: string): Scalable | undefined {
    const obj = inf.get(namespace, ref.name);
    return obj && obj.metadata?.uid === ref.uid ? obj : undefined;
  }

  private rc(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    if (!refersTo(ref, 'ReplicationController', [''])) return undefined;
    const rc = this.cached(this.rcs, ref, namespace);
    return rc && { uid: ref.uid, scale: rc.spec?.replicas ?? 1 };
  }

  private deployment(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    if (!refersTo(ref, 'ReplicaSet', APPS)) return undefined;
    const rs = this.cached(this.rss, ref, namespace);
    const dref = rs && controllerRefOf(rs);
    if (!dref || !refersTo(dref, 'Deployment', APPS)) return undefined;
    const d = this.cached(this.deployments, dref, namespace);
    return d && { uid: dref.uid, scale: d.spec?.replicas ?? 1 };
  }

  private replicaSet(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    if (!refersTo(ref, 'ReplicaSet', APPS)) return undefined;
    const rs = this.cached(this.rss, ref, namespace);
    if (!rs || controllerRefOf(rs)?.kind === 'Deployment') return undefined;
    return { uid: ref.uid, scale: rs.spec?.replicas ?? 1 };
  }

  private statefulSet(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    if (!refersTo(ref, 'StatefulSet', ['apps'])) return undefined;
    const ss = this.cached(this.statefulSets, ref, namespace);
    return ss && { uid: ref.uid, scale: ss.spec?.replicas ?? 1 };
  }

  /** getScaleController: GET <resource>/<name>/scale; NotFound is "not a controller" unless the resource has no scale. */
  private async scaleSubresource(ref: OwnerReference, namespace: string): Promise<ControllerScale | undefined> {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const res = (await this.discover(ref.apiVersion)).get(ref.kind);
    if (!res) {
      this.resources.delete(ref.apiVersion);
      throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in version ${JSON.stringify(ref.apiVersion)}`);
    }
    const gr = group ? `${res.plural}.${group}` : res.plural;
    if (!res.scale) throw new Error(`${gr} does not implement the scale subresource`);
    try {
      const scale = await this.client.get<KubeObject & { spec?: { replicas?: number } }>({ group, version, resource: res.plural, namespace, name: ref.name, subresource: 'scale' });
      return scale.metadata?.uid === ref.uid ? { uid: ref.uid, scale: scale.spec?.replicas ?? 0 } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private discover(apiVersion: string): Promise<Map<string, { plural: string; scale: boolean }>> {
    let p = this.resources.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.client.raw<{ resources?: { name: string; kind: string }[] }>({ method: 'GET', path }).then((list) => {
        const names = new Set((list.resources ?? []).map((r) => r.name));
        const out = new Map<string, { plural: string; scale: boolean }>();
        for (const r of list.resources ?? []) if (!r.name.includes('/')) out.set(r.kind, { plural: r.name, scale: names.has(`${r.name}/scale`) });
        return out;
      });
      // A failed lookup is retried on the next sync; custom resources may appear later too.
      p.catch(() => this.resources.delete(apiVersion));
      this.resources.set(apiVersion, p);
    }
    return p;
  }
}
