/**
 * The pod columns of `kubectl get pods` (NAME READY STATUS RESTARTS AGE, wide: IP NODE NOMINATED
 * NODE READINESS GATES), computed exactly as upstream's printPod in
 * pkg/printers/internalversion/printers.go (1.32): the STATUS reason walks init containers
 * (`Init:0/1`, `Init:CrashLoopBackOff`), then containers from last to first (`CrashLoopBackOff`,
 * `Completed`, `ExitCode:1`), and turns into `Terminating` once deletion started.
 */
import { humanDuration } from '../../endpoints/table.js';
import type { KObject, PrinterColumn } from '../resource.js';
import type { Container, ContainerStatus, Pod } from './pod-types.js';
import { ageColumn, column } from './printing.js';

/** What printPod derives from one pod, before it becomes cells. */
export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

const isRestartable = (c: Container | undefined) => c?.restartPolicy === 'Always';
const time = (ts: string | undefined) => (ts ? Date.parse(ts) : 0);

const memo = new WeakMap<object, { now: number; summary: PodSummary }>();

/** summarizePod, computed once per object and instant (three columns read it). */
function cached(pod: Pod, now: number): PodSummary {
  const hit = memo.get(pod);
  if (hit && hit.now === now) return hit.summary;
  const summary = summarizePod(pod, now);
  memo.set(pod, { now, summary });
  return summary;
}

/** The READY, STATUS and RESTARTS cells of printPod at `now` (epoch ms). */
export function summarizePod(pod: Pod, now: number): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const inits = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    inits.set(c.name ?? '', c);
    if (isRestartable(c)) total++;
  }
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    const finished = time(cs.lastState?.terminated?.finishedAt);
    if (cs.lastState?.terminated) lastRestart = Math.max(lastRestart, finished);
    const sidecar = isRestartable(inits.get(cs.name ?? ''));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      if (cs.lastState?.terminated) lastSidecarRestart = Math.max(lastSidecarRestart, finished);
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: ContainerStatus[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      if (cs.lastState?.terminated) lastRestart = Math.max(lastRestart, time(cs.lastState.terminated.finishedAt));
      const term = cs.state?.terminated;
      if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  let trues = 0;
  for (const g of gates) {
    const c = (pod.status?.conditions ?? []).find((x) => x.type === g.conditionType);
    if (c?.status === 'True') trues++;
  }
  return `${trues}/${gates.length}`;
}

const pod = (o: KObject) => o as Pod;

/** The pod printer columns in upstream order (Age is fourth, before the wide ones). */
export const podColumns: PrinterColumn[] = [
  column('Ready', (o, now) => cached(pod(o), now).ready, { description: 'The aggregate readiness state of this pod for accepting traffic.' }),
  column('Status', (o, now) => cached(pod(o), now).status, { description: 'The aggregate status of the containers in this pod.' }),
  column('Restarts', (o, now) => cached(pod(o), now).restarts, {
    description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  }),
  ageColumn,
  column('IP', (o) => pod(o).status?.podIPs?.[0]?.ip || pod(o).status?.podIP || '<none>', { priority: 1, description: 'podIP address allocated to the pod.' }),
  column('Node', (o) => pod(o).spec?.nodeName || '<none>', { priority: 1, description: 'NodeName indicates in which node this pod is scheduled.' }),
  column('Nominated Node', (o) => pod(o).status?.nominatedNodeName || '<none>', { priority: 1, description: 'nominatedNodeName is set only when this pod preempts other pods on the node.' }),
  column('Readiness Gates', (o) => readinessGates(pod(o)), { priority: 1, description: 'If specified, all readiness gates will be evaluated for pod readiness.' }),
];
