/**
 * One node's health as the node lifecycle controller tracks it (tryUpdateNodeHealth in
 * pkg/controller/nodelifecycle): the local time of the last sign of life — a new Ready heartbeat
 * or a Lease renewTime newer than the last one seen — and, once that is older than the grace
 * period (nodeMonitorGracePeriod, or nodeStartupGracePeriod for a node that never posted Ready),
 * the node's Ready, MemoryPressure, DiskPressure and PIDPressure conditions turned Unknown
 * ("NodeStatusUnknown", "Kubelet stopped posting node status."; missing ones "NodeStatusNeverUpdated",
 * "Kubelet never posted node status."). Times are the controller's own clock, never the
 * kubelet's, to be immune to skew, as upstream.
 */
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { LeaseObject, NodeObject } from './objects.js';

/** What is remembered per node between monitor passes. */
export interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** The Ready condition last seen (heartbeat and transition times are compared). */
  ready: NodeCondition | undefined;
  /** The lease renewTime last seen (ms). */
  leaseRenew: number | undefined;
}

/** The outcome of one check: the conditions to write (if any) and the Ready before/after. */
export interface HealthCheck {
  health: NodeHealth;
  observedReady: NodeCondition;
  currentReady: NodeCondition | undefined;
  /** The node's conditions to PUT to /status, when the controller changed them. */
  newConditions?: NodeCondition[];
}

const CHECKED_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const readyCondition = (conds: readonly NodeCondition[] | undefined): NodeCondition | undefined => conds?.find((c) => c.type === 'Ready');

const sameCondition = (a: NodeCondition | undefined, b: NodeCondition | undefined): boolean =>
  !!a && !!b && a.status === b.status && a.reason === b.reason && a.message === b.message && a.lastHeartbeatTime === b.lastHeartbeatTime && a.lastTransitionTime === b.lastTransitionTime;

/** Checks `node` against its remembered health at `now`; pure, the caller writes. */
export function checkNodeHealth(node: NodeObject, saved: NodeHealth | undefined, lease: LeaseObject | undefined, now: number, graceMs: { monitor: number; startup: number }): HealthCheck {
  const created = Date.parse(node.metadata?.creationTimestamp ?? '') || now;
  const current = readyCondition(node.status?.conditions);
  let health = saved ? { ...saved } : undefined;
  let observed: NodeCondition;
  let grace: number;
  if (!current) {
    const ts = node.metadata?.creationTimestamp;
    observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: ts, lastTransitionTime: ts };
    grace = graceMs.startup;
    if (health) health.ready = undefined;
    else health = { probeTimestamp: created, readyTransitionTimestamp: created, ready: undefined, leaseRenew: undefined };
  } else {
    observed = { ...current };
    grace = graceMs.monitor;
  }
  const savedReady = health?.ready;
  if (!health) health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenew: undefined };
  else if (!!savedReady !== !!current) health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenew: health.leaseRenew };
  else if (savedReady && current && savedReady.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transition = savedReady.lastTransitionTime !== current.lastTransitionTime ? now : health.readyTransitionTimestamp;
    health = { probeTimestamp: now, readyTransitionTimestamp: transition, ready: current, leaseRenew: health.leaseRenew };
  }
  const renew = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : NaN;
  if (!Number.isNaN(renew) && (health.leaseRenew === undefined || health.leaseRenew < renew)) {
    health.leaseRenew = renew;
    health.probeTimestamp = now;
  }
  if (now <= health.probeTimestamp + grace) return { health, observedReady: observed, currentReady: current };

  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of CHECKED_TYPES) {
    const c = conditions.find((x) => x.type === type);
    if (!c) conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: rfc3339(now) });
    else if (c.status !== 'Unknown') Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(now) });
  }
  const after = readyCondition(conditions);
  if (sameCondition(after, observed)) return { health, observedReady: observed, currentReady: current };
  return {
    health: { probeTimestamp: health.probeTimestamp, readyTransitionTimestamp: now, ready: after, leaseRenew: health.leaseRenew },
    observedReady: observed,
    currentReady: after,
    newConditions: conditions,
  };
}
