/**
 * ServiceAccount (plugin/pkg/admission/serviceaccount), for pod creates: a pod without
 * serviceAccountName gets `default`; the service account must exist (403 `error looking up
 * service account ns/sa: serviceaccount "sa" not found`); unless the pod or the account opts out,
 * every container (init containers first) mounts the projected `kube-api-access-xxxxx` volume
 * (a bound token of 3607 s, the kube-root-ca.crt ConfigMap, the namespace from the downward API)
 * at /var/run/secrets/kubernetes.io/serviceaccount; the account's imagePullSecrets are copied to
 * a pod that names none; accounts annotated kubernetes.io/enforce-mountable-secrets=true limit
 * the secrets a pod references; mirror pods may reference neither accounts nor secrets.
 */
import type { AdmissionAttributes } from '../auth/types.js';
import { generateName } from '../registry/generic-store.js';
import type { KObject } from '../registry/resource.js';
import { admissionForbidden, cachedObject, isResource, type AdmissionPlugin, type PluginFactory } from './types.js';

/** The account a pod without serviceAccountName gets. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** Where the token volume is mounted in every container. */
export const API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Prefix of the generated token volume's name. */
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: 1 h plus 7 s so stale-token use is detectable. */
export const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const ENFORCE_MOUNTABLE = 'kubernetes.io/enforce-mountable-secrets';
/** What Go's strconv.ParseBool reads as true. */
const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];

interface Ref {
  name?: string;
}
interface ContainerLike {
  name?: string;
  volumeMounts?: { name?: string; mountPath?: string; readOnly?: boolean }[];
  env?: { name?: string; valueFrom?: { secretKeyRef?: Ref } }[];
  envFrom?: { secretRef?: Ref }[];
}
interface PodSpecLike {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: Ref[];
  volumes?: { name?: string; secret?: { secretName?: string }; projected?: { sources?: { secret?: Ref; serviceAccountToken?: unknown }[] }; csi?: { nodePublishSecretRef?: Ref } }[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
}
interface ServiceAccount extends KObject {
  automountServiceAccountToken?: boolean;
  secrets?: Ref[];
  imagePullSecrets?: Ref[];
}

/** The projected volume source upstream's TokenVolumeSource() builds, with defaults as stored. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

const allContainers = (s: PodSpecLike): ContainerLike[] => [...(s.initContainers ?? []), ...(s.containers ?? []), ...(s.ephemeralContainers ?? [])];

/** Whether the pod references any Secret (podutil.VisitPodSecretNames over the common places). */
function referencesSecrets(spec: PodSpecLike): boolean {
  if (spec.imagePullSecrets?.length) return true;
  for (const v of spec.volumes ?? []) {
    if (v.secret || v.csi?.nodePublishSecretRef) return true;
    if (v.projected?.sources?.some((s) => s.secret)) return true;
  }
  return allContainers(spec).some((c) => c.env?.some((e) => e.valueFrom?.secretKeyRef) || c.envFrom?.some((e) => e.secretRef));
}

/** limitSecretReferences: the first secret the pod uses that the account does not list. */
function secretReferenceError(sa: ServiceAccount, spec: PodSpecLike): string | undefined {
  const saName = sa.metadata?.name ?? '';
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name));
  const denied = (what: string) => `${what} is not allowed because service account ${saName} does not reference that secret`;
  for (const v of spec.volumes ?? []) {
    const n = v.secret?.secretName;
    if (v.secret && !mountable.has(n)) return denied(`volume with secret.secretName="${n ?? ''}"`);
  }
  const groups: [string, ContainerLike[] | undefined][] = [['init container', spec.initContainers], ['container', spec.containers], ['ephemeral container', spec.ephemeralContainers]];
  for (const [kind, list] of groups) {
    for (const c of list ?? []) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !mountable.has(ref.name)) return denied(`${kind} ${c.name ?? ''} with envVar ${e.name ?? ''} referencing secret.secretName="${ref.name ?? ''}"`);
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef && !mountable.has(e.secretRef.name)) return denied(`${kind} ${c.name ?? ''} with envFrom referencing secret.secretName="${e.secretRef.name ?? ''}"`);
      }
    }
  }
  const pull = new Set((sa.imagePullSecrets ?? []).map((s) => s.name));
  for (const [i, ref] of (spec.imagePullSecrets ?? []).entries()) {
    if (!pull.has(ref.name)) return `imagePullSecrets[${i}].name="${ref.name ?? ''}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}

/** mountServiceAccountToken: the token volume (reused when one exists) mounted in every container that has nothing at the path. */
function mountToken(spec: PodSpecLike): void {
  const existing = (spec.volumes ?? []).find((v) => v.name?.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName = existing?.name ?? generateName(TOKEN_VOLUME_PREFIX);
  let needsVolume = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === API_TOKEN_MOUNT_PATH)) continue;
    (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: API_TOKEN_MOUNT_PATH });
    needsVolume = true;
  }
  if (!existing && needsVolume) (spec.volumes ??= []).push({ name: volumeName, projected: tokenVolumeSource() } as never);
}

/** The pod being created, when the request is one this plugin looks at. */
function podOf(a: AdmissionAttributes): { pod: KObject; spec: PodSpecLike } | undefined {
  if (!isResource(a, '', 'pods') || a.subresource || a.operation !== 'CREATE' || !a.object) return undefined;
  return { pod: a.object, spec: ((a.object.spec ??= {}) as PodSpecLike) };
}

/** The plugin. */
export const serviceAccountPlugin: PluginFactory = (ctx): AdmissionPlugin => {
  const lookup = (a: AdmissionAttributes, spec: PodSpecLike): ServiceAccount => {
    const name = spec.serviceAccountName!;
    const sa = cachedObject(ctx.api(), '', 'serviceaccounts', a.namespace, name) as ServiceAccount | undefined;
    if (!sa) throw admissionForbidden(a, `error looking up service account ${a.namespace ?? ''}/${name}: serviceaccount "${name}" not found`);
    return sa;
  };
  const isMirror = (pod: KObject) => pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined;
  const checkMirror = (a: AdmissionAttributes, spec: PodSpecLike) => {
    if (spec.serviceAccountName) throw admissionForbidden(a, 'a mirror pod may not reference service accounts');
    if (referencesSecrets(spec)) throw admissionForbidden(a, 'a mirror pod may not reference secrets');
    if ((spec.volumes ?? []).some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken)))
      throw admissionForbidden(a, 'a mirror pod may not use ServiceAccountToken volume projections');
  };
  return {
    name: 'ServiceAccount',
    mutate(a) {
      const p = podOf(a);
      if (!p) return;
      const { pod, spec } = p;
      if (isMirror(pod)) return checkMirror(a, spec);
      if (!spec.serviceAccountName) {
        spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
        // v1 keeps the deprecated spelling in step, as the conversion does.
        spec.serviceAccount = DEFAULT_SERVICE_ACCOUNT;
      }
      const sa = lookup(a, spec);
      if (spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) mountToken(spec);
      if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
    },
    validate(a) {
      const p = podOf(a);
      if (!p) return;
      const { pod, spec } = p;
      if (isMirror(pod)) return checkMirror(a, spec);
      if (!spec.serviceAccountName) throw admissionForbidden(a, `no service account specified for pod ${a.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
      const sa = lookup(a, spec);
      if (GO_TRUE.includes(sa.metadata?.annotations?.[ENFORCE_MOUNTABLE] ?? '')) {
        const err = secretReferenceError(sa, spec);
        if (err) throw admissionForbidden(a, err);
      }
    },
  };
};
