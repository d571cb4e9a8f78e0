/**
 * The Auto Scaling control loop: keeps every group at its desired capacity from stored state and
 * the injected clock (shared/ARCHITECTURE.md rules 4–6). One pass over a group:
 *
 * 1. launches in flight (intents written before EC2 is called, with a ClientToken) are replayed
 *    through EC2 — so a restart in the middle of a scale-up finishes the same launch — and their
 *    instances become members (`Pending`, an InProgress launch activity each);
 * 2. members are compared with EC2: running → `InService` (activity Successful), terminated →
 *    removed (a Terminating member's activity ends; one terminated or stopped behind the group's
 *    back is taken out of service and replaced unless HealthCheck / ReplaceUnhealthy are suspended);
 * 3. capacity is corrected: launches are planned into zones by ./planner.ts and written as
 *    intents; extras are marked Terminating and terminated through EC2; with nothing else to do,
 *    unbalanced zones get one extra instance that the next scale-in takes from the fullest zone
 *    (AZRebalance);
 * 4. a group being force-deleted goes away once its last instance is terminated.
 *
 * Writes are compare-and-swap on the group document, so handlers and several processes can work on
 * a group at once. `start(signal)` scans all groups (after a restart too) and rescans every
 * `intervalMs` of the clock; writes kick the group at once.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../lib/clock.js';
import type { Logger } from '../../../lib/logger.js';
import type { Store } from '../../../store/types.js';
import type { InstanceInfo } from '../contracts.js';
import { AwsError } from '../../types.js';
import type { AsgEc2, RunWithToken } from './ec2-port.js';
import { removeGroup } from './groups.js';
import { actionFor, advanceWaiting, LAUNCHING, TERMINATING } from './hooks.js';
import type { ActivityDoc, GroupDoc, LaunchIntent, MemberDoc } from './model.js';
import { activeMembers, capacity, chooseLaunchSubnets, chooseVictims, imbalance, suspended } from './planner.js';
import { AsgRegion, causeTime, groupIndex, indexId, newActivity } from './state.js';

/** What the reconciler works with. */
export interface ReconcilerDeps {
  store: Store;
  clock: Clock;
  ec2: AsgEc2;
  log?: Logger;
  /** Rescan period (clock time); default 1000 ms. */
  intervalMs?: number;
  /** How long launches wait after a failed one; default 10 s. */
  launchBackoffMs?: number;
}

type Made = { key: string; activity: ActivityDoc };

interface Effects {
  activities: Made[];
  finish: { key: string; status: ActivityDoc['StatusCode'] }[];
  terminate: string[];
  remove: boolean;
}

const GONE = new Set(['shutting-down', 'terminated', 'stopping', 'stopped']);

/** The reconciler of all groups over one store. */
export class AsgReconciler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly scans = new Set<Promise<void>>();
  private readonly interval: number;
  private readonly backoff: number;

  constructor(private readonly deps: ReconcilerDeps) {
    this.interval = deps.intervalMs ?? 1000;
    this.backoff = deps.launchBackoffMs ?? 10_000;
  }

  /** Reconciles the group soon (again after the current pass when one is running). */
  kick(account: string, region: string, name: string): void {
    const key = indexId({ account, region, name });
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await this.reconcile(account, region, name);
        } catch (err) {
          this.deps.log?.error({ err, account, region, name }, 'auto scaling reconcile failed');
        }
      } while (this.again.has(key));
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  /** Resolves when no group is being reconciled (tests). */
  async idle(): Promise<void> {
    while (this.running.size || this.scans.size) await Promise.all([...this.running.values(), ...this.scans]);
  }

  /** Kicks every group in the store. */
  async scanAll(): Promise<void> {
    for (const { value } of await groupIndex(this.deps.store).list()) this.kick(value.account, value.region, value.name);
  }

  /** Scans now and every interval until `signal` aborts. */
  start(signal: AbortSignal): void {
    let cancel: (() => void) | undefined;
    const tick = () => {
      if (signal.aborted) return;
      const scan = this.scanAll().catch((err: unknown) => this.deps.log?.error({ err }, 'auto scaling scan failed'));
      this.scans.add(scan);
      void scan.finally(() => this.scans.delete(scan));
      cancel = this.deps.clock.setTimer(this.interval, tick);
    };
    signal.addEventListener('abort', () => cancel?.(), { once: true });
    tick();
  }

  /** Brings one group towards its desired state (a bounded number of passes). */
  async reconcile(account: string, region: string, name: string): Promise<void> {
    const r = new AsgRegion(this.deps.store, account, region);
    for (let pass = 0; pass < 20; pass++) {
      const g = await r.find(name);
      if (!g) return;
      const intent = g.launching[0];
      if (intent) await this.runIntent(r, g, intent);
      else if (!(await this.step(r, g))) return;
    }
  }

  private async runIntent(r: AsgRegion, g: GroupDoc, intent: LaunchIntent): Promise<void> {
    const now = this.deps.clock.now();
    const tags: Record<string, string> = Object.fromEntries(g.tags.filter((t) => t.PropagateAtLaunch).map((t) => [t.Key, t.Value]));
    tags['aws:autoscaling:groupName'] = g.name;
    const input: RunWithToken = {
      subnetId: intent.subnetId,
      count: intent.count,
      launchTemplate: g.template && { id: g.template.id, version: g.template.version },
      instanceType: g.instanceType,
      tags,
      clientToken: intent.token,
    };
    let infos: InstanceInfo[];
    try {
      infos = await this.deps.ec2.runInstances(r.account, r.region, input);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      const failed = newActivity(g, {
        Description: `Launching a new EC2 instance.  Status Reason: ${err.message} Launching EC2 instance failed.`,
        Cause: intent.cause, StartTime: now, EndTime: now, StatusCode: 'Failed', StatusMessage: err.message, Progress: 100,
        Details: JSON.stringify({ 'Subnet ID': intent.subnetId, 'Availability Zone': intent.az }),
      });
      const done = await r.change(g.name, (cur) => ({ ...cur, launching: cur.launching.filter((l) => l.token !== intent.token), launchFailedAt: now, launchError: { code: err.code, message: err.message } }));
      if (done) await r.saveActivity(failed);
      return;
    }
    let made: Made[] = [];
    await r.change(g.name, (cur) => {
      made = [];
      if (!cur.launching.some((l) => l.token === intent.token)) return cur;
      const fresh = infos.filter((i) => !cur.members.some((m) => m.instanceId === i.instanceId));
      const members: MemberDoc[] = fresh.map((i) => {
        const a = newActivity(cur, { Description: `Launching a new EC2 instance: ${i.instanceId}`, Cause: intent.cause, StartTime: now, StatusCode: 'InProgress', Progress: 30, Details: JSON.stringify({ 'Subnet ID': i.subnetId, 'Availability Zone': i.availabilityZone }) });
        made.push(a);
        return {
          instanceId: i.instanceId, instanceType: i.instanceType, az: i.availabilityZone, subnetId: i.subnetId, lifecycleState: 'Pending', healthStatus: 'Healthy',
          protectedFromScaleIn: cur.newInstancesProtectedFromScaleIn, launchedAt: i.launchTime, templateVersion: i.tags['aws:ec2launchtemplate:version'], activityKey: a.key,
        };
      });
      return { ...cur, launching: cur.launching.filter((l) => l.token !== intent.token), members: [...cur.members, ...members], launchFailedAt: undefined, launchError: undefined };
    });
    for (const a of made) await r.saveActivity(a);
  }

  /** One decision over the group; false when nothing changed. */
  private async step(r: AsgRegion, g: GroupDoc): Promise<boolean> {
    const { ec2, clock } = this.deps;
    const ids = g.members.map((m) => m.instanceId);
    const infos = new Map((ids.length ? await ec2.describeInstances(r.account, r.region, ids) : []).map((i) => [i.instanceId, i]));
    const known = new Set(ids);
    let currentVersion: string | undefined;
    if (g.template && ec2.describeLaunchTemplate && activeMembers(g).length > g.desiredCapacity) {
      currentVersion = await ec2.describeLaunchTemplate(r.account, r.region, { id: g.template.id, version: g.template.version }).then((x) => String(x.version), () => undefined);
    }
    const now = clock.now();
    let fx: Effects = { activities: [], finish: [], terminate: [], remove: false };
    const res = await r.change(g.name, (cur) => {
      fx = { activities: [], finish: [], terminate: [], remove: false };
      return this.decide(cur, infos, known, now, currentVersion, fx);
    });
    if (!res) return false;
    for (const a of fx.activities) await r.saveActivity(a);
    for (const f of fx.finish) await r.finishActivity(g.name, f.key, now, f.status);
    if (fx.terminate.length) await ec2.terminateInstances(r.account, r.region, fx.terminate);
    if (fx.remove) {
      await removeGroup(r, g.name);
      return false;
    }
    return res.before !== res.after || fx.terminate.length > 0;
  }

  private decide(cur: GroupDoc, infos: Map<string, InstanceInfo>, known: Set<string>, now: number, currentVersion: string | undefined, fx: Effects): GroupDoc {
    const t = causeTime(now);
    const members: MemberDoc[] = [];
    for (const m of cur.members) {
      const state = known.has(m.instanceId) ? (infos.get(m.instanceId)?.state ?? 'terminated') : undefined;
      if (state === undefined) members.push(m);
      else if (m.lifecycleState === 'Terminating:Wait' && !GONE.has(state)) {
        // A forced deletion drops outstanding lifecycle actions (DeleteAutoScalingGroup's ForceDelete).
        const next = cur.deleting ? { ...m, lifecycleState: 'Terminating:Proceed' as const, lifecycleAction: undefined } : advanceWaiting(cur, m, now);
        if (next.lifecycleState === 'Terminating:Proceed') fx.terminate.push(m.instanceId);
        members.push(next);
      } else if (m.lifecycleState.startsWith('Terminating')) {
        if (state === 'terminated') {
          if (m.activityKey) fx.finish.push({ key: m.activityKey, status: 'Successful' });
        } else {
          if (state !== 'shutting-down') fx.terminate.push(m.instanceId);
          members.push(m);
        }
      } else if (GONE.has(state)) {
        if (suspended(cur, 'HealthCheck')) members.push(m);
        else if (suspended(cur, 'ReplaceUnhealthy')) members.push({ ...m, healthStatus: 'Unhealthy' });
        else {
          if (m.activityKey && m.lifecycleState.startsWith('Pending')) fx.finish.push({ key: m.activityKey, status: 'Cancelled' });
          if (state === 'stopped' || state === 'stopping') fx.terminate.push(m.instanceId);
          fx.activities.push(newActivity(cur, {
            Description: `Terminating EC2 instance: ${m.instanceId}`,
            Cause: `At ${t} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
            StartTime: now, EndTime: now, StatusCode: 'Successful', Progress: 100, Details: JSON.stringify({ 'Subnet ID': m.subnetId, 'Availability Zone': m.az }),
          }));
        }
      } else if (state === 'running' && m.lifecycleState === 'Pending') {
        const action = actionFor(cur, LAUNCHING, now);
        if (action) members.push({ ...m, lifecycleState: 'Pending:Wait', lifecycleAction: action });
        else {
          if (m.activityKey) fx.finish.push({ key: m.activityKey, status: 'Successful' });
          members.push({ ...m, lifecycleState: 'InService', activityKey: undefined });
        }
      } else if (m.lifecycleState === 'Pending:Wait') {
        const next = advanceWaiting(cur, m, now);
        if (next.lifecycleState.startsWith('Terminating')) fx.terminate.push(m.instanceId);
        members.push(next);
      } else if (m.lifecycleState === 'Pending:Proceed') {
        if (m.activityKey) fx.finish.push({ key: m.activityKey, status: 'Successful' });
        members.push({ ...m, lifecycleState: 'InService', activityKey: undefined });
      } else members.push(m);
    }
    const g: GroupDoc = { ...cur, members };
    if (g.deleting && !members.length && !g.launching.length) {
      fx.remove = true;
      return cur;
    }
    const active = capacity(g);
    const desired = g.desiredCapacity;
    const canLaunch = !suspended(g, 'Launch') && !(g.launchFailedAt !== undefined && now < g.launchFailedAt + this.backoff);
    if (active < desired && canLaunch) return this.launchIntents(g, desired - active, `${g.lastChange}  At ${t} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active} to ${desired}.`, now);
    if (active > desired && !suspended(g, 'Terminate')) {
      const victims = chooseVictims(g, active - desired, currentVersion);
      const marks = new Map<string, MemberDoc>();
      for (const v of victims) {
        // A forced deletion does not wait on lifecycle hooks.
        const action = g.deleting ? undefined : actionFor(g, TERMINATING, now);
        const a = newActivity(g, {
          Description: `Terminating EC2 instance: ${v.instanceId}`,
          Cause: `${g.lastChange}  At ${t} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${active} to ${desired}.  At ${t} instance ${v.instanceId} was selected for termination.`,
          StartTime: now, StatusCode: action ? 'MidLifecycleAction' : 'InProgress', Progress: 0, Details: JSON.stringify({ 'Subnet ID': v.subnetId, 'Availability Zone': v.az }),
        });
        fx.activities.push(a);
        if (!action) fx.terminate.push(v.instanceId);
        marks.set(v.instanceId, { ...v, lifecycleState: action ? 'Terminating:Wait' : 'Terminating', lifecycleAction: action, activityKey: a.key });
      }
      return { ...g, members: members.map((m) => marks.get(m.instanceId) ?? m) };
    }
    const settled = active === desired && !g.launching.length && members.every((m) => m.lifecycleState === 'InService');
    const inGroup = new Set(g.subnets.map((s) => s.subnetId));
    const strays = activeMembers(g).some((m) => !inGroup.has(m.subnetId));
    if (settled && desired > 0 && canLaunch && !suspended(g, 'AZRebalance') && !suspended(g, 'Terminate') && (strays || imbalance(g))) {
      return this.launchIntents(g, 1, `At ${t} an instance was launched in response to an unhealthy Availability Zone balance (rebalancing), increasing the capacity from ${active} to ${active + 1}.`, now);
    }
    return g;
  }

  private launchIntents(g: GroupDoc, n: number, cause: string, now: number): GroupDoc {
    const intents: LaunchIntent[] = chooseLaunchSubnets(g, n).map((p) => ({ token: randomUUID(), subnetId: p.subnetId, az: p.az, count: p.count, at: now, cause }));
    return { ...g, launching: [...g.launching, ...intents] };
  }
}
