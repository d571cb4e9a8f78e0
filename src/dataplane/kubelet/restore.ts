/**
 * A kubelet restarting on a node whose containers still run (containerd outlives the kubelet)
 * finds its pods through the runtime and carries on: nothing changes on the pod, no Pulled or
 * Started events are recorded again, a container keeps its start time and restart count, and a
 * container due to exit still exits at its original time. The simulated runtime keeps no state
 * across a server restart, so this module rebuilds the runtime record from what the pod's status
 * says (the kubelet's own last report) and schedules the stages that were pending:
 *
 * - running containers: startup/readiness probes and the planned exit, counted from `startedAt`;
 * - containers in CrashLoopBackOff: the restart after the back-off, counted from the last exit
 *   (the back-off step is taken as restartCount + 1 crashes: restarts are assumed to be crashes);
 * - containers still waiting to be created: their image pull starts over (a pull in flight is
 *   lost with the kubelet, as on a real node).
 *
 * A pod still waiting for its sandbox (Pending without a pod IP) is not restored: it goes through
 * admission and the sandbox again, as a real kubelet re-runs SyncPod for it.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { hexId } from './node-object.js';
import { newPodRuntime, type ContainerRuntime, type PodRuntime } from './runtime.js';
import { restarts, schedule, startNext, type StageEnv } from './stages.js';

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

function restoreContainer(c: ContainerRuntime, s: ContainerStatus): void {
  c.restartCount = s.restartCount ?? 0;
  c.started = s.started ?? false;
  c.ready = s.ready ?? false;
  c.crashes = c.restartCount;
  const last = s.lastState?.terminated;
  if (last) c.last = { exitCode: last.exitCode, reason: last.reason ?? 'Error', startedAt: ms(last.startedAt) ?? 0, finishedAt: ms(last.finishedAt) ?? 0, containerID: last.containerID ?? '' };
  const st = s.state ?? {};
  if (st.running) {
    c.state = 'running';
    c.waitingReason = undefined;
    c.startedAt = ms(st.running.startedAt);
    c.containerID = s.containerID;
  } else if (st.terminated) {
    c.state = 'terminated';
    c.waitingReason = undefined;
    c.exitCode = st.terminated.exitCode;
    c.terminatedReason = st.terminated.reason;
    c.startedAt = ms(st.terminated.startedAt);
    c.finishedAt = ms(st.terminated.finishedAt);
    c.containerID = st.terminated.containerID ?? s.containerID;
  } else {
    c.state = 'waiting';
    c.waitingReason = st.waiting?.reason ?? c.waitingReason;
    c.waitingMessage = st.waiting?.message;
    // A container restarted at least once has had an ID; the status shows the last one.
    c.containerID = s.containerID;
    if (c.waitingReason === 'CrashLoopBackOff') c.crashes = c.restartCount + 1;
  }
}

/**
 * The runtime record a kubelet takes over for `pod` from its status, or undefined when the pod
 * never got a sandbox (it is admitted afresh). Finished pods come back as `killed` (nothing runs,
 * their network is gone), running ones as `running` with no stage pending yet (resumeStages).
 */
export function restorePodRuntime(pod: Pod, nodeName: string, hostIP: string): PodRuntime | undefined {
  const st = pod.status;
  const phase = st?.phase;
  if (!st?.containerStatuses?.length) return undefined;
  if (phase === 'Pending' && !st.podIP) return undefined;
  if (phase !== 'Running' && phase !== 'Pending' && phase !== 'Succeeded' && phase !== 'Failed') return undefined;
  const rt = newPodRuntime(pod, nodeName, hostIP);
  const statuses = new Map<string, ContainerStatus>();
  for (const s of st.initContainerStatuses ?? []) statuses.set(`init:${s.name}`, s);
  for (const s of st.containerStatuses) statuses.set(`app:${s.name}`, s);
  for (const c of rt.containers) {
    const s = statuses.get(`${c.init ? 'init' : 'app'}:${c.name}`);
    if (s) restoreContainer(c, s);
  }
  rt.startTime = ms(st.startTime);
  rt.podIP = st.podIP;
  rt.sandboxAttempts = 1;
  rt.sandboxID = hexId(`sandbox:${rt.uid}:1`, 64);
  const finished = phase === 'Succeeded' || phase === 'Failed';
  rt.sandboxReady = !finished && (st.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status ?? 'True') === 'True';
  rt.step = finished ? 'killed' : 'running';
  return rt;
}

/** Schedules what was pending for a restored, running pod, each stage counted from when it began. */
export function resumeStages(pod: Pod, rt: PodRuntime, env: StageEnv): void {
  const from = (at: number | undefined): StageEnv => ({ ...env, now: at ?? env.now });
  for (const c of rt.containers) {
    if (c.state === 'running') {
      if (c.init && !c.sidecar) {
        schedule('container-exit', pod, rt, from(c.startedAt), c);
        continue;
      }
      if (!c.started) schedule('container-started', pod, rt, from(c.startedAt), c);
      else if (!c.ready) schedule('container-ready', pod, rt, from(c.startedAt), c);
      if (!c.sidecar) schedule('container-exit', pod, rt, from(c.startedAt), c);
    } else if (c.state === 'waiting' && c.waitingReason === 'CrashLoopBackOff') {
      schedule('container-restart', pod, rt, from(c.last?.finishedAt), c);
    } else if (c.state === 'terminated' && restarts(pod, c, c.exitCode ?? 0)) {
      schedule('container-restart', pod, rt, from(c.finishedAt), c);
    }
  }
  startNext(pod, rt, env);
}
