/**
 * The pod status a kubelet writes for a runtime record, as the kubelet's generateAPIPodStatus:
 * the phase (getPhase), the kubelet-owned conditions in its order (PodReadyToStartContainers,
 * Initialized, Ready, ContainersReady) followed by PodScheduled and any condition others own,
 * host and pod IPs, start time, and a status per init and regular container (fully qualified
 * image, repo digest, containerd ID, state and last state). Conditions keep their
 * lastTransitionTime while their status does not change. Pure: the golden tests call it directly.
 */
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus, VolumeMount } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import { imageID, qualifiedImage, type ContainerRuntime, type PodRuntime } from './runtime.js';

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

/** getPhase: the pod phase from its containers' states and its restart policy. */
export function podPhase(pod: Pod, rt: PodRuntime): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of rt.containers.filter((x) => x.init)) {
    if (c.sidecar) {
      if (!c.started) pendingInit++;
      continue;
    }
    if (c.state === 'terminated' && c.exitCode === 0) continue;
    if ((c.state === 'terminated' && c.exitCode !== 0) || (c.state === 'waiting' && c.last && c.last.exitCode !== 0)) failedInit++;
    else pendingInit++;
  }
  const deleting = rt.step === 'killed';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || failedInit > 0) return deleting ? 'Failed' : 'Pending';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of rt.containers.filter((x) => !x.init)) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.exitCode === 0) succeeded++;
    } else if (c.last) stopped++;
    else waiting++;
  }
  if (waiting > 0) return deleting ? 'Failed' : 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    // A pod being deleted whose containers all stopped is terminal (KEP-3329, 1.27+).
    if (policy === 'Always' && !deleting) return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never' || deleting) return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False', lastProbeTime: null as unknown as undefined };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function kubeletConditions(rt: PodRuntime, phase: string): PodCondition[] {
  const inits = rt.containers.filter((c) => c.init);
  const apps = rt.containers.filter((c) => !c.init);
  const incomplete = inits.filter((c) => !(c.sidecar ? c.started : c.state === 'terminated' && c.exitCode === 0)).map((c) => c.name);
  const unready = apps.filter((c) => !c.ready).map((c) => c.name);
  const completed = phase === 'Succeeded';
  const initialized = completed
    ? condition('Initialized', true, 'PodCompleted')
    : incomplete.length
      ? condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`)
      : condition('Initialized', true);
  const ready = (type: string) =>
    completed ? condition(type, false, 'PodCompleted') : unready.length ? condition(type, false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`) : condition(type, true);
  return [condition('PodReadyToStartContainers', rt.sandboxReady && phase !== 'Succeeded' && phase !== 'Failed'), initialized, ready('Ready'), ready('ContainersReady')];
}

function statusMounts(spec: Container | undefined): { volumeMounts?: VolumeMount[] } {
  const mounts = spec?.volumeMounts ?? [];
  if (!mounts.length) return {};
  return { volumeMounts: mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) })) };
}

function containerStatus(c: ContainerRuntime, spec: Container | undefined): ContainerStatus {
  const t = (ms: number | undefined) => rfc3339(ms ?? 0);
  let state: ContainerStatus['state'];
  if (c.state === 'running') state = { running: { startedAt: t(c.startedAt) } };
  else if (c.state === 'terminated') state = { terminated: { exitCode: c.exitCode ?? 0, reason: c.terminatedReason, startedAt: t(c.startedAt), finishedAt: t(c.finishedAt), containerID: c.containerID } };
  else state = { waiting: c.waitingMessage ? { reason: c.waitingReason, message: c.waitingMessage } : { reason: c.waitingReason } };
  const last = c.last ? { terminated: { exitCode: c.last.exitCode, reason: c.last.reason, startedAt: t(c.last.startedAt), finishedAt: t(c.last.finishedAt), containerID: c.last.containerID } } : {};
  const everRan = c.containerID !== undefined;
  return {
    name: c.name,
    state,
    lastState: last,
    ready: c.ready,
    restartCount: c.restartCount,
    image: everRan ? qualifiedImage(c.image) : c.image,
    imageID: everRan ? imageID(c.image) : '',
    ...(everRan ? { containerID: c.containerID } : {}),
    started: c.started,
    ...statusMounts(spec),
  };
}

/** Conditions owned by others (PodScheduled, DisruptionTarget, readiness gates) as `prev` has them. */
function foreignConditions(prev: PodCondition[]): PodCondition[] {
  const scheduled = prev.filter((c) => c.type === 'PodScheduled');
  const rest = prev.filter((c) => c.type !== 'PodScheduled' && !KUBELET_CONDITIONS.has(c.type));
  return [...scheduled, ...rest];
}

/** Stamps lastTransitionTime: kept from `prev` when the status is unchanged, else `now`. */
function stamp(conds: PodCondition[], prev: PodCondition[], now: string): PodCondition[] {
  return conds.map((c) => {
    const old = prev.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  });
}

/** The status the kubelet writes for `pod` at `now` (ms). */
export function renderPodStatus(pod: Pod, rt: PodRuntime, now: number): PodStatus {
  const prev = pod.status?.conditions ?? [];
  const nowText = rfc3339(now);
  if (rt.step === 'rejected') {
    return { phase: 'Failed', conditions: foreignConditions(prev), message: `Pod was rejected: ${rt.rejection?.message ?? ''}`, reason: rt.rejection?.reason, qosClass: pod.status?.qosClass };
  }
  const phase = podPhase(pod, rt);
  const status: PodStatus = { phase, conditions: [...stamp(kubeletConditions(rt, phase), prev, nowText), ...foreignConditions(prev)] };
  status.hostIP = rt.hostIP;
  status.hostIPs = [{ ip: rt.hostIP }];
  if (rt.podIP) {
    status.podIP = rt.podIP;
    status.podIPs = [{ ip: rt.podIP }];
  }
  if (rt.startTime !== undefined) status.startTime = rfc3339(rt.startTime);
  const specs = (init: boolean) => (init ? pod.spec?.initContainers : pod.spec?.containers) ?? [];
  const render = (init: boolean) => rt.containers.filter((c) => c.init === init).map((c) => containerStatus(c, specs(init).find((s) => s.name === c.name)));
  if (rt.containers.some((c) => c.init)) status.initContainerStatuses = render(true);
  status.containerStatuses = render(false);
  if (pod.status?.qosClass) status.qosClass = pod.status.qosClass;
  return status;
}
