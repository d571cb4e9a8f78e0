/**
 * The JSON shapes of core/v1 Pod and its parts, as far as strategies, defaults and printers read
 * them. Every field is optional because these describe what a client sent, before defaulting and
 * validation; unknown fields pass through untouched.
 */
import type { KObject, ObjectMeta } from '../resource.js';

/** A resource list (`cpu: 500m`): quantities as strings, or numbers as clients may send them. */
export type ResourceList = Record<string, string | number>;
/** intstr.IntOrString on the wire: a port number or name, a count or a percentage. */
export type IntOrString = number | string;

/** core/v1 ContainerPort. */
export interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

/** core/v1 EnvVar. */
export interface EnvVar {
  name?: string;
  value?: string;
  valueFrom?: { fieldRef?: { apiVersion?: string; fieldPath?: string }; [k: string]: unknown };
}

/** core/v1 Probe (also used for lifecycle handlers, which share httpGet). */
export interface Probe {
  httpGet?: { path?: string; port?: IntOrString; scheme?: string; [k: string]: unknown };
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  [k: string]: unknown;
}

/** core/v1 Container (also the shape of init and ephemeral containers). */
export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  resources?: { limits?: ResourceList; requests?: ResourceList; [k: string]: unknown };
  volumeMounts?: { name?: string; mountPath?: string; [k: string]: unknown }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { postStart?: Probe; preStop?: Probe; [k: string]: unknown };
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  restartPolicy?: string;
  [k: string]: unknown;
}

/** core/v1 Toleration. */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** core/v1 Volume: a name plus exactly one source member. */
export interface Volume {
  name?: string;
  [source: string]: unknown;
}

/** core/v1 PodSpec. */
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: string;
  dnsPolicy?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  schedulerName?: string;
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, kept in sync by the v1 conversion. */
  serviceAccount?: string;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostNetwork?: boolean;
  hostname?: string;
  subdomain?: string;
  enableServiceLinks?: boolean;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
  readinessGates?: { conditionType?: string }[];
  schedulingGates?: { name?: string }[];
  [k: string]: unknown;
}

/** core/v1 PodTemplateSpec, inside every workload. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** core/v1 Container (also the shape of init and ephemeral containers). */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

/** core/v1 Container (also the shape of init and ephemeral containers). */
export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
  [k: string]: unknown;
}

/** core/v1 PodCondition. */
export interface PodCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

/** core/v1 PodStatus. */
export interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  qosClass?: string;
  podIP?: string;
  podIPs?: { ip?: string }[];
  nominatedNodeName?: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  [k: string]: unknown;
}

/** core/v1 Pod. */
export interface Pod extends KObject {
  spec?: PodSpec;
  status?: PodStatus;
}
