/**
 * Lifecycle hooks of Auto Scaling groups (botocore's PutLifecycleHook, DeleteLifecycleHook,
 * DescribeLifecycleHooks, CompleteLifecycleAction, RecordLifecycleActionHeartbeat and
 * CreateAutoScalingGroup's LifecycleHookSpecificationList).
 *
 * An instance that enters a transition some hooks hold waits there — `Pending:Wait` after launch,
 * `Terminating:Wait` before termination — with one action per hook, each named by a UUID token and
 * due at its heartbeat deadline (HeartbeatTimeout, default 3600 s). CompleteLifecycleAction by
 * token or instance id settles one action: CONTINUE lets the other hooks finish, ABANDON settles
 * them all. An action not completed by its deadline (or by the GlobalTimeout, 100 × heartbeat up to
 * 48 h) takes the hook's DefaultResult (ABANDON unless set). With nothing left the instance
 * proceeds: `Pending:Proceed` → InService (ABANDON on launch: terminated and replaced),
 * `Terminating:Proceed` → terminated, as the user guide's lifecycle diagram has it. The pure
 * functions here are the reconciler's; the operations write with compare-and-swap and kick it.
 */
import { randomUUID } from 'node:crypto';
import { AsgErrors } from './errors.js';
import type { AsgCtx } from './groups.js';
import type { GroupDoc, HookDoc, LifecycleActionDoc, LifecycleTransition, MemberDoc } from './model.js';

/** The transition a scale-in hook holds. */
export const TERMINATING: LifecycleTransition = 'autoscaling:EC2_INSTANCE_TERMINATING';
/** The transition a scale-out hook holds. */
export const LAUNCHING: LifecycleTransition = 'autoscaling:EC2_INSTANCE_LAUNCHING';

const TRANSITIONS: readonly string[] = [TERMINATING, LAUNCHING];
const RESULTS: readonly string[] = ['CONTINUE', 'ABANDON'];
const DEFAULT_HEARTBEAT_S = 3600;
const MAX_GLOBAL_S = 172_800;
const MAX_HOOKS = 50;

/** PutLifecycleHook's members (also a LifecycleHookSpecification's). */
export interface HookInput {
  LifecycleHookName: string;
  LifecycleTransition?: string;
  RoleARN?: string;
  NotificationTargetARN?: string;
  NotificationMetadata?: string;
  HeartbeatTimeout?: number;
  DefaultResult?: string;
}

/** How an action ends. */
export type ActionResult = 'CONTINUE' | 'ABANDON';

/** The hook `i` makes of `was` (a new hook when undefined), validated as Auto Scaling does. */
export function hookOf(i: HookInput, was: HookDoc | undefined): HookDoc {
  const transition = i.LifecycleTransition ?? was?.LifecycleTransition;
  if (transition === undefined) throw AsgErrors.hookTransitionRequired();
  if (!TRANSITIONS.includes(transition)) throw AsgErrors.hookTransition(transition);
  const result = i.DefaultResult ?? was?.DefaultResult ?? 'ABANDON';
  if (!RESULTS.includes(result)) throw AsgErrors.hookResult(result);
  const heartbeat = i.HeartbeatTimeout ?? was?.HeartbeatTimeout ?? DEFAULT_HEARTBEAT_S;
  if (!Number.isInteger(heartbeat) || heartbeat < 30 || heartbeat > 7200) throw AsgErrors.hookHeartbeat(heartbeat);
  return {
    LifecycleHookName: i.LifecycleHookName,
    LifecycleTransition: transition as LifecycleTransition,
    NotificationTargetARN: i.NotificationTargetARN ?? was?.NotificationTargetARN,
    RoleARN: i.RoleARN ?? was?.RoleARN,
    NotificationMetadata: i.NotificationMetadata ?? was?.NotificationMetadata,
    HeartbeatTimeout: heartbeat,
    GlobalTimeout: Math.min(100 * heartbeat, MAX_GLOBAL_S),
    DefaultResult: result as ActionResult,
  };
}

/** The hooks of group `group` after putting `i` (replacing a hook of the same name). */
export function withHook(hooks: HookDoc[], group: string, i: HookInput): HookDoc[] {
  const was = hooks.find((h) => h.LifecycleHookName === i.LifecycleHookName);
  if (!was && hooks.length >= MAX_HOOKS) throw AsgErrors.hookLimit(group);
  const hook = hookOf(i, was);
  return was ? hooks.map((h) => (h === was ? hook : h)) : [...hooks, hook];
}

/** The lifecycle action a member entering `transition` at `now` waits on, or undefined when no hook holds it. */
export function actionFor(g: GroupDoc, transition: LifecycleTransition, now: number): LifecycleActionDoc | undefined {
  const hooks = (g.lifecycleHooks ?? []).filter((h) => h.LifecycleTransition === transition);
  if (!hooks.length) return undefined;
  return {
    transition,
    pending: hooks.map((h) => ({ hook: h.LifecycleHookName, token: randomUUID(), deadline: now + h.HeartbeatTimeout * 1000 })),
    globalDeadline: now + Math.max(...hooks.map((h) => h.GlobalTimeout)) * 1000,
  };
}

/** Settles `hook`'s action on the member with `result`: the action left, or undefined when nothing is pending. */
export function settle(a: LifecycleActionDoc, hook: string, result: ActionResult): { action?: LifecycleActionDoc; abandoned: boolean } {
  if (result === 'ABANDON') return { abandoned: true };
  const pending = a.pending.filter((p) => p.hook !== hook);
  return { action: pending.length ? { ...a, pending } : undefined, abandoned: false };
}

/**
 * A waiting member after the hooks' deadlines at `now`: expired actions take their hook's
 * DefaultResult (a hook deleted meanwhile counts as CONTINUE). Returns the member unchanged when
 * nothing expired, `done` once nothing is pending.
 */
export function expire(g: GroupDoc, m: MemberDoc, now: number): { member: MemberDoc; done: boolean; abandoned: boolean } {
  let a = m.lifecycleAction;
  if (!a) return { member: m, done: true, abandoned: false };
  const global = now >= a.globalDeadline;
  for (const p of a.pending) {
    if (!global && now < p.deadline) continue;
    const hook = (g.lifecycleHooks ?? []).find((h) => h.LifecycleHookName === p.hook);
    const r = settle(a, p.hook, hook?.DefaultResult ?? 'CONTINUE');
    if (r.abandoned) return { member: { ...m, lifecycleAction: undefined }, done: true, abandoned: true };
    if (!r.action) return { member: { ...m, lifecycleAction: undefined }, done: true, abandoned: false };
    a = r.action;
  }
  return { member: a === m.lifecycleAction ? m : { ...m, lifecycleAction: a }, done: false, abandoned: false };
}

/** Which waiting member and action a Complete/Heartbeat call names. */
interface ActionRef {
  AutoScalingGroupName: string;
  LifecycleHookName: string;
  LifecycleActionToken?: string;
  InstanceId?: string;
}

function findAction(g: GroupDoc, ref: ActionRef): MemberDoc {
  if (!ref.InstanceId && !ref.LifecycleActionToken) throw AsgErrors.actionTarget();
  const hit = g.members.find((m) => {
    if (ref.InstanceId && m.instanceId !== ref.InstanceId) return false;
    const p = m.lifecycleAction?.pending.find((x) => x.hook === ref.LifecycleHookName);
    return p && (!ref.LifecycleActionToken || p.token === ref.LifecycleActionToken);
  });
  if (!hit) throw ref.InstanceId ? AsgErrors.noActionForInstance(ref.InstanceId) : AsgErrors.noActionForToken(ref.LifecycleActionToken!);
  return hit;
}

/** The member after its waits are settled: on to Proceed, or (an abandoned launch) to termination. */
function proceed(m: MemberDoc, abandoned: boolean): MemberDoc {
  if (m.lifecycleState === 'Pending:Wait') return { ...m, lifecycleAction: undefined, lifecycleState: abandoned ? 'Terminating:Proceed' : 'Pending:Proceed' };
  return { ...m, lifecycleAction: undefined, lifecycleState: 'Terminating:Proceed' };
}

/** {@link expire} applied to a waiting member, with the state it moves to. */
export function advanceWaiting(g: GroupDoc, m: MemberDoc, now: number): MemberDoc {
  const r = expire(g, m, now);
  return r.done ? proceed(r.member, r.abandoned) : r.member;
}

/** CompleteLifecycleAction. */
export async function completeAction(c: AsgCtx, ref: ActionRef & { LifecycleActionResult: string }): Promise<void> {
  if (!RESULTS.includes(ref.LifecycleActionResult)) throw AsgErrors.hookResult(ref.LifecycleActionResult);
  await c.r.group(ref.AutoScalingGroupName);
  await c.r.groups.modify(ref.AutoScalingGroupName, (g) => {
    const m = findAction(g, ref);
    const r = settle(m.lifecycleAction!, ref.LifecycleHookName, ref.LifecycleActionResult as ActionResult);
    const next = r.action ? { ...m, lifecycleAction: r.action } : proceed(m, r.abandoned);
    return { ...g, members: g.members.map((x) => (x === m ? next : x)) };
  });
  c.kick(ref.AutoScalingGroupName);
}

/** RecordLifecycleActionHeartbeat: the action's deadline moves to a heartbeat timeout from now (never past the global one). */
export async function recordHeartbeat(c: AsgCtx, ref: ActionRef): Promise<void> {
  await c.r.group(ref.AutoScalingGroupName);
  await c.r.groups.modify(ref.AutoScalingGroupName, (g) => {
    const m = findAction(g, ref);
    const hook = (g.lifecycleHooks ?? []).find((h) => h.LifecycleHookName === ref.LifecycleHookName);
    const a = m.lifecycleAction!;
    const deadline = Math.min(a.globalDeadline, c.now + (hook?.HeartbeatTimeout ?? DEFAULT_HEARTBEAT_S) * 1000);
    const next: MemberDoc = { ...m, lifecycleAction: { ...a, pending: a.pending.map((p) => (p.hook === ref.LifecycleHookName ? { ...p, deadline } : p)) } };
    return { ...g, members: g.members.map((x) => (x === m ? next : x)) };
  });
}

/** PutLifecycleHook (creates or updates). */
export async function putHook(c: AsgCtx, i: HookInput & { AutoScalingGroupName: string }): Promise<void> {
  await c.r.group(i.AutoScalingGroupName);
  await c.r.groups.modify(i.AutoScalingGroupName, (g) => ({ ...g, lifecycleHooks: withHook(g.lifecycleHooks ?? [], g.name, i) }));
}

/**
 * DeleteLifecycleHook. Actions outstanding on it are completed first, as the API reference says:
 * ABANDON for launching instances, CONTINUE for terminating ones.
 */
export async function deleteHook(c: AsgCtx, group: string, name: string): Promise<void> {
  await c.r.group(group);
  await c.r.groups.modify(group, (g) => {
    const hook = (g.lifecycleHooks ?? []).find((h) => h.LifecycleHookName === name);
    if (!hook) throw AsgErrors.hookNotFound(name, group);
    const members = g.members.map((m) => {
      if (!m.lifecycleAction?.pending.some((p) => p.hook === name)) return m;
      const r = settle(m.lifecycleAction, name, hook.LifecycleTransition === LAUNCHING ? 'ABANDON' : 'CONTINUE');
      return r.action ? { ...m, lifecycleAction: r.action } : proceed(m, r.abandoned);
    });
    return { ...g, members, lifecycleHooks: (g.lifecycleHooks ?? []).filter((h) => h !== hook) };
  });
  c.kick(group);
}

/** A LifecycleHook on the wire. */
export function hookWire(g: GroupDoc, h: HookDoc): Record<string, unknown> {
  return { ...h, AutoScalingGroupName: g.name };
}
