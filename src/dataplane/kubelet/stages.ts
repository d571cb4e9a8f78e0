/**
 * The pod lifecycle on a node as data (kwok's Stage idea, shared/CONVENTIONS.md idea 5): each
 * stage is a selector (which pod or container state it applies to), a delay (a timing, an
 * annotation, the container's probes, the crash back-off), the events it records, and the next
 * state it writes. The engine below runs the stages that are due; pod-status.ts renders the
 * result as the status a real kubelet writes. Golden tests (stages.golden.test.ts, testdata/) pin
 * the status each stage produces.
 *
 * The order is the kubelet's SyncPod: admit → sandbox (CNI ADD) → for each init container in
 * turn pull/create/start/complete → pull/create/start every container → startup probe →
 * readiness probe → (exit → restart with CrashLoopBackOff) … and on deletion kill with the grace
 * period.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import { hexId } from './node-object.js';
import {
  containerID, goDuration, imageSize, plannedExit, podRef,
  type ContainerRuntime, type KubeletTimings, type PodRuntime,
} from './runtime.js';

/** How long a stage waits once scheduled. */
export type StageDelay =
  | { kind: 'immediate' }
  | { kind: 'timing'; timing: 'sandboxMs' | 'startMs' | 'runMs' }
  | { kind: 'image-pull' }
  | { kind: 'sandbox-retry' }
  | { kind: 'probe'; probe: 'startupProbe' | 'readinessProbe' }
  | { kind: 'run' }
  | { kind: 'crash-backoff' }
  | { kind: 'grace' };

/** What a stage applies to: the pod's step, and for container stages the container's state. */
export interface StageSelector {
  steps: PodRuntime['step'][];
  container?: { state?: ContainerRuntime['state'][]; started?: boolean; ready?: boolean };
}

/** An event a stage records; `{image}` `{container}` `{pod}` `{duration}` `{size}` `{backoff}` `{message}` are filled in. */
export interface StageEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Only when the transition says so (e.g. Pulled after a real pull vs. "already present"). */
  when?: 'pulled' | 'present' | 'failed' | 'backoff';
}

export interface StageDef {
  name: string;
  scope: 'pod' | 'container';
  selector: StageSelector;
  delay: StageDelay;
  /** Randomness added to the delay, deterministic per pod uid (0 by default). */
  jitterMs?: number;
  events: StageEvent[];
  /** A lifecycle line for the container's log record (`{…}` as in events). */
  log?: string;
}

/** The stages, in the order a pod meets them. */
export const POD_STAGES = [
  { name: 'pod-sandbox', scope: 'pod', selector: { steps: ['sandbox'] }, delay: { kind: 'timing', timing: 'sandboxMs' }, events: [
    { type: 'Warning', reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "{sandbox}": {message}', when: 'failed' },
  ] },
  { name: 'pod-sandbox-retry', scope: 'pod', selector: { steps: ['sandbox'] }, delay: { kind: 'sandbox-retry' }, events: [] },
  { name: 'container-pull', scope: 'container', selector: { steps: ['running'], container: { state: ['waiting'] } }, delay: { kind: 'immediate' }, events: [
    { type: 'Normal', reason: 'Pulling', message: 'Pulling image "{image}"', when: 'pulled' },
    { type: 'Normal', reason: 'Pulled', message: 'Container image "{image}" already present on machine', when: 'present' },
  ], log: 'pulling image {image}' },
  { name: 'container-start', scope: 'container', selector: { steps: ['running'], container: { state: ['waiting'] } }, delay: { kind: 'image-pull' }, events: [
    { type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image "{image}" in {duration} ({duration} including waiting). Image size: {size} bytes.', when: 'pulled' },
    { type: 'Normal', reason: 'Created', message: 'Created container: {container}' },
    { type: 'Normal', reason: 'Started', message: 'Started container {container}' },
  ], log: 'container {container} started from image {image} (simulated runtime: no process output)' },
  { name: 'container-started', scope: 'container', selector: { steps: ['running'], container: { state: ['running'], started: false } }, delay: { kind: 'probe', probe: 'startupProbe' }, events: [], log: 'startup probe succeeded' },
  { name: 'container-ready', scope: 'container', selector: { steps: ['running'], container: { state: ['running'], started: true, ready: false } }, delay: { kind: 'probe', probe: 'readinessProbe' }, events: [], log: 'readiness probe succeeded' },
  { name: 'container-exit', scope: 'container', selector: { steps: ['running'], container: { state: ['running'] } }, delay: { kind: 'run' }, events: [
    { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container {container} in pod {pod}', when: 'backoff' },
  ], log: 'container {container} exited with code {exitCode}' },
  { name: 'container-restart', scope: 'container', selector: { steps: ['running'], container: { state: ['waiting', 'terminated'] } }, delay: { kind: 'crash-backoff' }, events: [
    { type: 'Normal', reason: 'Pulled', message: 'Container image "{image}" already present on machine' },
    { type: 'Normal', reason: 'Created', message: 'Created container: {container}' },
    { type: 'Normal', reason: 'Started', message: 'Started container {container}' },
  ], log: 'container {container} restarted (restart {restartCount}) from image {image}' },
  { name: 'pod-kill', scope: 'pod', selector: { steps: ['admitted', 'sandbox', 'running', 'terminal', 'killing'] }, delay: { kind: 'immediate' }, events: [
    { type: 'Normal', reason: 'Killing', message: 'Stopping container {container}' },
  ], log: 'stopping container {container} (grace period {grace}s)' },
  { name: 'pod-killed', scope: 'pod', selector: { steps: ['killing'] }, delay: { kind: 'grace' }, events: [], log: 'container {container} stopped with code {exitCode}' },
] as const satisfies readonly StageDef[];

export type StageName = (typeof POD_STAGES)[number]['name'];
const BY_NAME = new Map<string, StageDef>(POD_STAGES.map((s) => [s.name, s]));

/** What the engine may do besides changing the runtime record. */
export interface StageEnv {
  /** The current stage's time (runDueStages moves it). */
  now: number;
  timings: KubeletTimings;
  /** Whether the node already has the image (IfNotPresent pulls are skipped then). */
  hasImage(image: string): boolean;
  addImage(image: string): void;
  /** CNI ADD for the sandbox: the pod's IP, or the CNI's failure message. hostNetwork pods never call it. */
  setUpNetwork(): Promise<{ ip: string } | { error: string }>;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  log(container: string, line: string): void;
  /** A new instance of the container starts: its log record so far becomes the previous one. */
  rotateLog(container: string): void;
}

function fill(t: string, v: Record<string, string | number>): string {
  return t.replace(/\{(\w+)\}/g, (m, k: string) => (v[k] !== undefined ? String(v[k]) : m));
}

/** Deterministic jitter in [0, max) per pod and stage. */
function jitter(rt: PodRuntime, stage: string, max: number | undefined): number {
  if (!max) return 0;
  return parseInt(hexId(`jitter:${rt.uid}:${stage}`, 8), 16) % max;
}

function specOf(pod: Pod, c: ContainerRuntime): Container | undefined {
  return (c.init ? pod.spec?.initContainers : pod.spec?.containers)?.find((x) => x.name === c.name);
}

function pullMs(t: KubeletTimings, image: string): number {
  for (const p of t.imagePulls) if (typeof p.pattern === 'string' ? image.includes(p.pattern) : p.pattern.test(image)) return p.ms;
  return t.pullMs;
}

/** The delay of `def` for this pod/container now, in ms. */
function delayOf(def: StageDef, pod: Pod, rt: PodRuntime, c: ContainerRuntime | undefined, env: StageEnv): number {
  const t = env.timings;
  const d = def.delay;
  switch (d.kind) {
    case 'immediate':
      return 0;
    case 'timing':
      return t[d.timing];
    case 'image-pull':
      return c?.pullStartedAt !== undefined ? pullMs(t, c.image) + t.startMs : t.startMs;
    case 'sandbox-retry':
      return Math.min(t.sandboxRetryMaxMs, t.sandboxRetryMs * 2 ** Math.max(0, rt.sandboxAttempts - 1));
    case 'probe': {
      const probe = c && specOf(pod, c)?.[d.probe];
      // The first probe runs once initialDelaySeconds have passed, at the next period tick.
      return probe ? ((probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * Math.max(1, probe.successThreshold ?? 1)) * 1000 : 0;
    }
    case 'run':
      return c?.init && !c.sidecar ? t.runMs : (plannedExit(pod, t)?.afterMs ?? Infinity);
    case 'crash-backoff':
      return c && c.crashes > 1 ? Math.min(t.crashBackoffMaxMs, t.crashBackoffMs * 2 ** (c.crashes - 2)) : 0;
    case 'grace': {
      const grace = (pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      return Math.min(grace, t.shutdownMs);
    }
  }
}

/** Queues `name` (for container `c`) after its delay; a stage with an infinite delay never comes. */
export function schedule(name: StageName, pod: Pod, rt: PodRuntime, env: StageEnv, c?: ContainerRuntime): void {
  const def = BY_NAME.get(name)!;
  const ms = delayOf(def, pod, rt, c, env);
  if (!Number.isFinite(ms)) return;
  rt.due = rt.due.filter((d) => !(d.stage === name && d.container === c?.name));
  rt.due.push({ at: env.now + ms + jitter(rt, name, def.jitterMs), stage: name, container: c?.name });
}

function selected(def: StageDef, rt: PodRuntime, c: ContainerRuntime | undefined): boolean {
  if (!def.selector.steps.includes(rt.step)) return false;
  const want = def.selector.container;
  if (!want) return true;
  if (!c) return false;
  if (want.state && !want.state.includes(c.state)) return false;
  if (want.started !== undefined && c.started !== want.started) return false;
  if (want.ready !== undefined && c.ready !== want.ready) return false;
  return true;
}

function emit(def: StageDef, env: StageEnv, vars: Record<string, string | number>, when?: StageEvent['when'], c?: ContainerRuntime): void {
  for (const e of def.events) if (e.when === undefined || e.when === when) env.event(e.type, e.reason, fill(e.message, vars));
  if (def.log && c) env.log(c.name, `${rfc3339(env.now)} eksplane-kubelet: ${fill(def.log, vars)}`);
}

/** The next container(s) to pull once the sandbox is up or an init container completed (also used to resume an adopted pod). */
export function startNext(pod: Pod, rt: PodRuntime, env: StageEnv): void {
  for (const c of rt.containers.filter((x) => x.init)) {
    if (c.state === 'terminated' && c.exitCode === 0) continue;
    if (c.sidecar && c.started) continue;
    if (c.state === 'waiting' && !rt.due.some((d) => d.container === c.name)) schedule('container-pull', pod, rt, env, c);
    return;
  }
  for (const c of rt.containers.filter((x) => !x.init)) {
    if (c.state === 'waiting' && c.restartCount === 0 && !rt.due.some((d) => d.container === c.name)) {
      c.waitingReason = 'ContainerCreating';
      schedule('container-pull', pod, rt, env, c);
    }
  }
}

/** Whether a container that exited with `code` runs again under the pod's restart policy (restartPolicy, init and sidecar rules). */
export function restarts(pod: Pod, c: ContainerRuntime, code: number): boolean {
  if (c.sidecar) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (c.init) return code !== 0 && policy !== 'Never';
  return policy === 'Always' || (policy === 'OnFailure' && code !== 0);
}

type Transition = (pod: Pod, rt: PodRuntime, env: StageEnv, def: StageDef, c?: ContainerRuntime) => Promise<void> | void;

const TRANSITIONS: Record<StageName, Transition> = {
  async 'pod-sandbox'(pod, rt, env, def) {
    rt.sandboxAttempts++;
    rt.sandboxID = hexId(`sandbox:${rt.uid}:${rt.sandboxAttempts}`, 64);
    const r = pod.spec?.hostNetwork ? { ip: rt.hostIP } : await env.setUpNetwork();
    if ('error' in r) {
      emit(def, env, { sandbox: rt.sandboxID, message: r.error }, 'failed');
      schedule('pod-sandbox-retry', pod, rt, env);
      return;
    }
    rt.podIP = r.ip;
    rt.sandboxReady = true;
    rt.step = 'running';
    startNext(pod, rt, env);
  },
  'pod-sandbox-retry'(pod, rt, env) {
    return TRANSITIONS['pod-sandbox'](pod, rt, env, BY_NAME.get('pod-sandbox')!);
  },
  'container-pull'(pod, rt, env, def, c) {
    const spec = specOf(pod, c!);
    const policy = spec?.imagePullPolicy ?? 'IfNotPresent';
    const present = policy !== 'Always' && env.hasImage(c!.image);
    c!.pullStartedAt = present ? undefined : env.now;
    emit(def, env, { image: c!.image }, present ? 'present' : 'pulled', present ? undefined : c);
    schedule('container-start', pod, rt, env, c);
  },
  'container-start'(pod, rt, env, def, c) {
    const pulled = c!.pullStartedAt !== undefined;
    const took = pulled ? env.now - c!.pullStartedAt! - env.timings.startMs : 0;
    c!.pullStartedAt = undefined;
    env.addImage(c!.image);
    run(pod, rt, env, c!);
    emit(def, env, { image: c!.image, container: c!.name, duration: goDuration(Math.max(0, took)), size: imageSize(c!.image) }, pulled ? 'pulled' : undefined, c);
  },
  'container-started'(pod, rt, env, def, c) {
    c!.started = true;
    emit(def, env, {}, undefined, c);
    schedule('container-ready', pod, rt, env, c);
    if (c!.sidecar) startNext(pod, rt, env);
  },
  'container-ready'(_pod, _rt, env, def, c) {
    c!.ready = true;
    if (specOf(_pod, c!)?.readinessProbe) emit(def, env, {}, undefined, c);
  },
  'container-exit'(pod, rt, env, def, c) {
    const code = c!.init && !c!.sidecar ? 0 : (plannedExit(pod, env.timings)?.exitCode ?? 0);
    terminate(c!, code, env.now);
    rt.due = rt.due.filter((d) => d.container !== c!.name);
    const again = restarts(pod, c!, code);
    // Back-off resets once a container ran for twice the maximum back-off (the kubelet's backoff GC).
    if (c!.startedAt !== undefined && env.now - c!.startedAt > 2 * env.timings.crashBackoffMaxMs) c!.crashes = 0;
    if (again) c!.crashes++;
    const backoff = again && c!.crashes > 1;
    emit(def, env, { container: c!.name, pod: podRef(rt), exitCode: code }, backoff ? 'backoff' : undefined, c);
    if (again) {
      if (backoff) {
        const ms = Math.min(env.timings.crashBackoffMaxMs, env.timings.crashBackoffMs * 2 ** (c!.crashes - 2));
        moveToLast(c!);
        c!.state = 'waiting';
        c!.waitingReason = 'CrashLoopBackOff';
        c!.waitingMessage = `back-off ${goDuration(ms)} restarting failed container=${c!.name} pod=${podRef(rt)}`;
      }
      schedule('container-restart', pod, rt, env, c);
    } else if (c!.init && code === 0) startNext(pod, rt, env);
  },
  'container-restart'(pod, rt, env, def, c) {
    if (c!.state === 'terminated') moveToLast(c!);
    env.rotateLog(c!.name);
    c!.restartCount++;
    c!.waitingMessage = undefined;
    run(pod, rt, env, c!);
    emit(def, env, { image: c!.image, container: c!.name, restartCount: c!.restartCount }, undefined, c);
  },
  'pod-kill'(pod, rt, env, def) {
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    rt.due = [];
    rt.step = 'killing';
    for (const c of rt.containers) if (c.state === 'running') emit(def, env, { container: c.name, grace }, undefined, c);
    schedule('pod-killed', pod, rt, env);
  },
  'pod-killed'(pod, rt, env, def) {
    const grace = (pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    // Containers that stop within the grace period exit cleanly; the rest are SIGKILLed (137).
    const code = env.timings.shutdownMs > grace ? 137 : 0;
    for (const c of rt.containers) {
      if (c.state !== 'running') continue;
      terminate(c, code, env.now);
      emit(def, env, { container: c.name, exitCode: code }, undefined, c);
    }
    rt.sandboxReady = false;
    rt.step = 'killed';
  },
};

function run(pod: Pod, rt: PodRuntime, env: StageEnv, c: ContainerRuntime): void {
  c.state = 'running';
  c.waitingReason = undefined;
  c.startedAt = env.now;
  c.exitCode = c.terminatedReason = c.finishedAt = undefined;
  c.containerID = containerID(rt, c);
  const spec = specOf(pod, c);
  c.started = !spec?.startupProbe;
  c.ready = false;
  if (c.init && !c.sidecar) {
    schedule('container-exit', pod, rt, env, c);
    return;
  }
  if (c.started) schedule('container-ready', pod, rt, env, c);
  else schedule('container-started', pod, rt, env, c);
  if (c.sidecar && c.started) startNext(pod, rt, env);
  if (!c.sidecar) schedule('container-exit', pod, rt, env, c);
}

function terminate(c: ContainerRuntime, code: number, now: number): void {
  c.state = 'terminated';
  c.exitCode = code;
  c.terminatedReason = code === 0 ? 'Completed' : 'Error';
  c.finishedAt = now;
  c.ready = false;
  c.started = false;
}

function moveToLast(c: ContainerRuntime): void {
  if (c.exitCode === undefined) return;
  c.last = { exitCode: c.exitCode, reason: c.terminatedReason ?? 'Error', startedAt: c.startedAt ?? 0, finishedAt: c.finishedAt ?? 0, containerID: c.containerID ?? '' };
}

/** Sends the pod from admission to its sandbox (the kubelet accepted it). */
export function admit(pod: Pod, rt: PodRuntime, env: StageEnv): void {
  rt.startTime = env.now;
  rt.step = 'sandbox';
  schedule('pod-sandbox', pod, rt, env);
}

/** Starts the graceful kill of a pod being deleted (idempotent). */
export function kill(pod: Pod, rt: PodRuntime, env: StageEnv): void {
  if (rt.step === 'killing' || rt.step === 'killed' || rt.step === 'rejected') return;
  if (!rt.due.some((d) => d.stage === 'pod-kill')) rt.due.push({ at: env.now, stage: 'pod-kill' });
}

/**
 * Runs every stage due by `env.now`, earliest first, each at its own due time (a zero-delay stage
 * scheduled meanwhile runs in the same call); `env.now` is left at the last stage's time, the
 * time the status it produced describes. Returns the time the next stage falls due, if any.
 */
export async function runDueStages(pod: Pod, rt: PodRuntime, env: StageEnv): Promise<number | undefined> {
  const until = env.now;
  for (let guard = 0; guard < 1000; guard++) {
    rt.due.sort((a, b) => a.at - b.at);
    const next = rt.due[0];
    if (!next || next.at > until) break;
    rt.due.shift();
    // Each stage happens at its due time, however late the worker gets to it: timestamps and
    // the delays of the stages it schedules are exact and reproducible.
    env.now = next.at;
    const def = BY_NAME.get(next.stage)!;
    const c = next.container !== undefined ? rt.containers.find((x) => x.name === next.container) : undefined;
    if (!selected(def, rt, c)) continue;
    await TRANSITIONS[next.stage as StageName](pod, rt, env, def, c);
  }
  if (rt.step === 'running' && isDone(pod, rt)) rt.step = 'terminal';
  return rt.due.length ? Math.min(...rt.due.map((d) => d.at)) : undefined;
}

/** Every regular container terminated for good (nothing left to restart), or an init container failed under Never. */
function isDone(pod: Pod, rt: PodRuntime): boolean {
  if (rt.due.length) return false;
  const initFailed = rt.containers.some((c) => c.init && c.state === 'terminated' && c.exitCode !== 0);
  if (initFailed) return true;
  const apps = rt.containers.filter((c) => !c.init);
  return apps.length > 0 && apps.every((c) => c.state === 'terminated' && !restarts(pod, c, c.exitCode ?? 0));
}

