/**
 * What a simulated kubelet remembers about each pod it runs (the container runtime's view: the
 * sandbox, each container's state, restart count and back-off), the timings that drive it, and
 * the annotations with which a pod's author can steer the simulation. Pure data and helpers; the
 * stage engine (stages.ts) moves it forward and pod-status.ts renders it as the pod's status.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { hexId } from './node-object.js';

/** Every delay a kubelet waits, on the injected clock. */
export interface KubeletTimings {
  /** From addMachine to the Node's registration (instance boot + kubelet start). */
  bootMs: number;
  /** Lease renewal period (the kubelet renews every 10 s: 25% of the 40 s duration). */
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  /** nodeStatusReportFrequency: node status is re-posted this often when nothing changed. */
  statusReportMs: number;
  /** RunPodSandbox + CNI ADD. */
  sandboxMs: number;
  /** First retry after a failed sandbox (doubling up to sandboxRetryMaxMs). */
  sandboxRetryMs: number;
  sandboxRetryMaxMs: number;
  /** Image pull time when no `imagePulls` pattern matches. */
  pullMs: number;
  /** Pull time per image: the first entry whose pattern (a substring, or a RegExp) matches wins. */
  imagePulls: { pattern: string | RegExp; ms: number }[];
  /** CreateContainer + StartContainer after the image is there. */
  startMs: number;
  /** How long a finite container runs: init containers, and containers of RestartPolicy Never/OnFailure pods. */
  runMs: number;
  /** How long containers take to stop after SIGTERM (capped by the grace period). */
  shutdownMs: number;
  /** CrashLoopBackOff: first back-off, doubled per crash up to the cap (kubelet: 10 s, 5 min). */
  crashBackoffMs: number;
  crashBackoffMaxMs: number;
}

/** The defaults: an EKS node boots in ~15 s; everything else is quick but visible. */
export const DEFAULT_TIMINGS: KubeletTimings = {
  bootMs: 15_000,
  leaseRenewMs: 10_000,
  leaseDurationSeconds: 40,
  statusReportMs: 300_000,
  sandboxMs: 300,
  sandboxRetryMs: 2_000,
  sandboxRetryMaxMs: 30_000,
  pullMs: 1_000,
  imagePulls: [],
  startMs: 100,
  runMs: 1_000,
  shutdownMs: 0,
  crashBackoffMs: 10_000,
  crashBackoffMaxMs: 300_000,
};

/**
 * The annotations that steer a pod's simulated containers (the one table of them; the report and
 * docs copy it). They apply to every regular container of the pod, never to init containers.
 *
 * | annotation | value | effect |
 * | --- | --- | --- |
 * | `eksplane.io/run-seconds` | seconds | each run of a container lasts this long, then it exits (default: `timings.runMs` for RestartPolicy Never/OnFailure pods; Always pods run until deleted) |
 * | `eksplane.io/exit-code` | integer | the exit code of those exits (default 0; with crash-after-seconds default 1) |
 * | `eksplane.io/crash-after-seconds` | seconds | each run crashes after this long (exit code 1 unless exit-code says otherwise); Always/OnFailure pods restart with CrashLoopBackOff |
 */
export const ANNOTATIONS = {
  runSeconds: 'eksplane.io/run-seconds',
  exitCode: 'eksplane.io/exit-code',
  crashAfterSeconds: 'eksplane.io/crash-after-seconds',
} as const;

function numberAnnotation(pod: Pod, key: string): number | undefined {
  const v = pod.metadata?.annotations?.[key];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** When (ms after start) and how a regular container's run ends; undefined: it runs until killed. */
export function plannedExit(pod: Pod, t: KubeletTimings): { afterMs: number; exitCode: number } | undefined {
  const crash = numberAnnotation(pod, ANNOTATIONS.crashAfterSeconds);
  const code = numberAnnotation(pod, ANNOTATIONS.exitCode);
  if (crash !== undefined) return { afterMs: crash * 1000, exitCode: Math.floor(code ?? 1) };
  const run = numberAnnotation(pod, ANNOTATIONS.runSeconds);
  const finite = (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
  if (run === undefined && !finite) return undefined;
  return { afterMs: run !== undefined ? run * 1000 : t.runMs, exitCode: Math.floor(code ?? 0) };
}

/** One container as the runtime sees it. */
export interface ContainerRuntime {
  name: string;
  /** The image as the spec names it (events quote it so). */
  image: string;
  init: boolean;
  /** An init container with restartPolicy Always (a sidecar): it keeps running. */
  sidecar: boolean;
  state: 'waiting' | 'running' | 'terminated';
  waitingReason?: string;
  waitingMessage?: string;
  containerID?: string;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  terminatedReason?: string;
  /** The previous instance's end (lastState.terminated). */
  last?: { exitCode: number; reason: string; startedAt: number; finishedAt: number; containerID: string };
  restartCount: number;
  started: boolean;
  ready: boolean;
  /** Crashes since the back-off was last reset (the kubelet's per-container back-off entry). */
  crashes: number;
  /** When the image pull began (for the Pulled event's duration), when one is in progress. */
  pullStartedAt?: number;
}

/** A pending stage of the pod or of one of its containers. */
export interface DueStage {
  at: number;
  stage: string;
  container?: string;
}

/** A pod as its kubelet runs it. */
export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  hostIP: string;
  /** admitted → sandbox → running → terminal; rejected and killing/killed are side exits. */
  step: 'admitted' | 'sandbox' | 'running' | 'terminal' | 'rejected' | 'killing' | 'killed';
  rejection?: { reason: string; message: string };
  startTime?: number;
  sandboxReady: boolean;
  sandboxID?: string;
  sandboxAttempts: number;
  podIP?: string;
  containers: ContainerRuntime[];
  due: DueStage[];
}

/** A fresh runtime record for a pod just bound to `nodeName`. */
export function newPodRuntime(pod: Pod, nodeName: string, hostIP: string): PodRuntime {
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const mk = (c: Container, init: boolean): ContainerRuntime => ({
    name: c.name,
    image: c.image ?? '',
    init,
    sidecar: init && c.restartPolicy === 'Always',
    state: 'waiting',
    waitingReason: hasInit ? 'PodInitializing' : 'ContainerCreating',
    restartCount: 0,
    started: false,
    ready: false,
    crashes: 0,
  });
  return {
    uid: pod.metadata?.uid ?? '',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    nodeName,
    hostIP,
    step: 'admitted',
    sandboxReady: false,
    sandboxAttempts: 0,
    containers: [...(pod.spec?.initContainers ?? []).map((c) => mk(c, true)), ...(pod.spec?.containers ?? []).map((c) => mk(c, false))],
    due: [],
  };
}

/** containerd's fully qualified reference: `nginx:1.25` → `docker.io/library/nginx:1.25`. */
export function qualifiedImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  let ref = first && (first.includes('.') || first.includes(':') || first === 'localhost') ? image : `docker.io/${slash < 0 ? `library/${image}` : image}`;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) ref += ':latest';
  return ref;
}

/** The repo digest the runtime reports: `docker.io/library/nginx@sha256:<64 hex, stable per image>`. */
export function imageID(image: string): string {
  const q = qualifiedImage(image);
  const at = q.indexOf('@');
  const repo = at >= 0 ? q.slice(0, at) : q.slice(0, q.lastIndexOf(':') > q.lastIndexOf('/') ? q.lastIndexOf(':') : q.length);
  return at >= 0 ? q : `${repo}@sha256:${hexId(`image:${q}`, 64)}`;
}

/** A stable, plausible image size in bytes (10–200 MB). */
export function imageSize(image: string): number {
  return 10_000_000 + (parseInt(hexId(`size:${qualifiedImage(image)}`, 8), 16) % 190_000_000);
}

/** `containerd://<64 hex>`, distinct per pod, container and restart. */
export function containerID(rt: PodRuntime, c: ContainerRuntime): string {
  return `containerd://${hexId(`ctr:${rt.uid}:${c.name}:${c.restartCount}`, 64)}`;
}

/** Go's time.Duration.String for whole milliseconds: 500ms, 1.2s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Number((totalSeconds % 60).toFixed(3));
  const sec = `${s}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/** The kubelet's pod reference in messages: `name_namespace(uid)`. */
export function podRef(rt: PodRuntime): string {
  return `${rt.name}_${rt.namespace}(${rt.uid})`;
}
