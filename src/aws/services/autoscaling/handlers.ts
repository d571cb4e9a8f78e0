/**
 * Auto Scaling's operations on the wire: groups (create, describe with tag filters and paging,
 * update, set desired capacity, delete), instances (describe, terminate), tags, scaling activities,
 * process suspension and lifecycle hooks (./hooks.ts). The work is in ./groups.ts; launching and terminating happen in the
 * reconciler.
 */
import type { AwsContext, AwsHandler } from '../../types.js';
import { AsgErrors } from './errors.js';
import { changeTags, createGroup, deleteGroup, setDesiredCapacity, setProcesses, terminateInstance, updateGroup, type AsgCtx, type GroupInput } from './groups.js';
import { completeAction, deleteHook, hookWire, putHook, recordHeartbeat, type HookInput } from './hooks.js';
import type { ActivityDoc, AsgTag, GroupDoc } from './model.js';
import type { AsgRegion } from './state.js';
import { activityWire, groupWire, instanceDetailsWire, tagWire } from './wire.js';

/** Builds the context of a request. */
export type CtxOf = (ctx: AwsContext) => AsgCtx;

interface Filter {
  Name?: string;
  Values?: string[];
}

/** Groups matching DescribeAutoScalingGroups' filters (tag-key, tag-value, tag:<key>). */
function filterGroups(groups: GroupDoc[], filters: Filter[] | undefined): GroupDoc[] {
  return groups.filter((g) => (filters ?? []).every((f) => {
    const vals = f.Values ?? [];
    const name = f.Name ?? '';
    if (name === 'tag-key') return g.tags.some((t) => vals.includes(t.Key));
    if (name === 'tag-value') return g.tags.some((t) => vals.includes(t.Value));
    if (name.startsWith('tag:')) return g.tags.some((t) => t.Key === name.slice(4) && vals.includes(t.Value));
    throw AsgErrors.badFilter(name);
  }));
}

/** One page of `items` (already ordered) after `token` (an offset as text). */
function page<T>(items: T[], max: number, token: string | undefined): { items: T[]; next?: string } {
  // Zero would hand out the same token forever (a paginator never ends); a negative size would drop items.
  if (!Number.isInteger(max) || max < 1) throw AsgErrors.maxRecordsTooSmall(max);
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0) throw AsgErrors.badNextToken();
  const slice = items.slice(start, start + max);
  return { items: slice, next: start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined };
}

async function activitiesOf(r: AsgRegion, name: string, current: GroupDoc | undefined, includeDeleted: boolean): Promise<ActivityDoc[]> {
  const all = (await r.activities(name).list()).map((x) => x.value);
  return includeDeleted || !current ? all : all.filter((a) => a.AutoScalingGroupARN === current.arn);
}

type CreateInput = GroupInput & { AutoScalingGroupName: string; MinSize: number; MaxSize: number; Tags?: { Key: string; Value?: string; PropagateAtLaunch?: boolean }[] };

/** The handlers, given how to build a request's context. */
export function asgHandlers(ctxOf: CtxOf): Record<string, AwsHandler> {
  const h = <I>(fn: (i: I, c: AsgCtx) => Promise<Record<string, unknown>>): AwsHandler => (input, ctx) => fn(input as I, ctxOf(ctx));
  return {
    CreateAutoScalingGroup: h<CreateInput>(async (i, c) => {
      const tags: AsgTag[] = (i.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false })).sort((a, b) => a.Key.localeCompare(b.Key));
      await createGroup(c, i.AutoScalingGroupName, i, tags);
      return {};
    }),

    DescribeAutoScalingGroups: h<{ AutoScalingGroupNames?: string[]; Filters?: Filter[]; MaxRecords?: number; NextToken?: string; IncludeInstances?: boolean }>(async (i, c) => {
      let groups = (await c.r.all()).sort((a, b) => a.name.localeCompare(b.name));
      if (i.AutoScalingGroupNames?.length) groups = groups.filter((g) => i.AutoScalingGroupNames!.includes(g.name));
      const p = page(filterGroups(groups, i.Filters), i.MaxRecords ?? 50, i.NextToken);
      return { AutoScalingGroups: p.items.map((g) => groupWire(g, i.IncludeInstances ?? true)), NextToken: p.next };
    }),

    UpdateAutoScalingGroup: h<GroupInput & { AutoScalingGroupName: string }>(async (i, c) => {
      await updateGroup(c, i.AutoScalingGroupName, i);
      return {};
    }),

    SetDesiredCapacity: h<{ AutoScalingGroupName: string; DesiredCapacity: number }>(async (i, c) => {
      await setDesiredCapacity(c, i.AutoScalingGroupName, i.DesiredCapacity);
      return {};
    }),

    DeleteAutoScalingGroup: h<{ AutoScalingGroupName: string; ForceDelete?: boolean }>(async (i, c) => {
      await deleteGroup(c, i.AutoScalingGroupName, i.ForceDelete ?? false);
      return {};
    }),

    TerminateInstanceInAutoScalingGroup: h<{ InstanceId: string; ShouldDecrementDesiredCapacity: boolean }>(async (i, c) => ({
      Activity: activityWire(await terminateInstance(c, i.InstanceId, i.ShouldDecrementDesiredCapacity)),
    })),

    DescribeAutoScalingInstances: h<{ InstanceIds?: string[]; MaxRecords?: number; NextToken?: string }>(async (i, c) => {
      const rows = (await c.r.all()).flatMap((g) => g.members.map((m) => ({ g, m }))).sort((a, b) => a.m.instanceId.localeCompare(b.m.instanceId));
      const wanted = i.InstanceIds?.length ? rows.filter((x) => i.InstanceIds!.includes(x.m.instanceId)) : rows;
      const p = page(wanted, i.MaxRecords ?? 50, i.NextToken);
      return { AutoScalingInstances: p.items.map((x) => instanceDetailsWire(x.g, x.m)), NextToken: p.next };
    }),

    CreateOrUpdateTags: h<{ Tags: { ResourceId?: string; Key: string; Value?: string; PropagateAtLaunch?: boolean }[] }>(async (i, c) => {
      await changeTags(c, i.Tags, false);
      return {};
    }),

    DeleteTags: h<{ Tags: { ResourceId?: string; Key: string }[] }>(async (i, c) => {
      await changeTags(c, i.Tags, true);
      return {};
    }),

    DescribeTags: h<{ Filters?: Filter[]; MaxRecords?: number; NextToken?: string }>(async (i, c) => {
      const rows = (await c.r.all()).sort((a, b) => a.name.localeCompare(b.name)).flatMap((g) => g.tags.map((t) => ({ g, t })));
      const hits = rows.filter((x) => (i.Filters ?? []).every((f) => {
        const vals = f.Values ?? [];
        switch (f.Name) {
          case 'auto-scaling-group': return vals.includes(x.g.name);
          case 'key': return vals.includes(x.t.Key);
          case 'value': return vals.includes(x.t.Value);
          case 'propagate-at-launch': return vals.includes(String(x.t.PropagateAtLaunch));
          default: throw AsgErrors.badFilter(f.Name ?? '');
        }
      }));
      const p = page(hits, i.MaxRecords ?? 50, i.NextToken);
      return { Tags: p.items.map((x) => tagWire(x.g, x.t)), NextToken: p.next };
    }),

    DescribeScalingActivities: h<{ AutoScalingGroupName?: string; ActivityIds?: string[]; MaxRecords?: number; NextToken?: string; IncludeDeletedGroups?: boolean }>(async (i, c) => {
      const groups = await c.r.all();
      let acts: ActivityDoc[] = [];
      if (i.AutoScalingGroupName !== undefined) acts = await activitiesOf(c.r, i.AutoScalingGroupName, groups.find((g) => g.name === i.AutoScalingGroupName), i.IncludeDeletedGroups ?? false);
      else for (const g of groups) acts.push(...(await activitiesOf(c.r, g.name, g, i.IncludeDeletedGroups ?? false)));
      if (i.ActivityIds?.length) acts = acts.filter((a) => i.ActivityIds!.includes(a.ActivityId));
      acts.sort((a, b) => b.StartTime - a.StartTime);
      const p = page(acts, i.MaxRecords ?? 100, i.NextToken);
      return { Activities: p.items.map(activityWire), NextToken: p.next };
    }),

    SuspendProcesses: h<{ AutoScalingGroupName: string; ScalingProcesses?: string[] }>(async (i, c) => {
      await setProcesses(c, i.AutoScalingGroupName, i.ScalingProcesses, true);
      return {};
    }),

    ResumeProcesses: h<{ AutoScalingGroupName: string; ScalingProcesses?: string[] }>(async (i, c) => {
      await setProcesses(c, i.AutoScalingGroupName, i.ScalingProcesses, false);
      return {};
    }),

    PutLifecycleHook: h<HookInput & { AutoScalingGroupName: string }>(async (i, c) => {
      await putHook(c, i);
      return {};
    }),

    DeleteLifecycleHook: h<{ AutoScalingGroupName: string; LifecycleHookName: string }>(async (i, c) => {
      await deleteHook(c, i.AutoScalingGroupName, i.LifecycleHookName);
      return {};
    }),

    DescribeLifecycleHooks: h<{ AutoScalingGroupName: string; LifecycleHookNames?: string[] }>(async (i, c) => {
      const g = await c.r.group(i.AutoScalingGroupName);
      const hooks = (g.lifecycleHooks ?? []).filter((x) => !i.LifecycleHookNames?.length || i.LifecycleHookNames.includes(x.LifecycleHookName));
      return { LifecycleHooks: hooks.map((x) => hookWire(g, x)) };
    }),

    CompleteLifecycleAction: h<{ AutoScalingGroupName: string; LifecycleHookName: string; LifecycleActionResult: string; LifecycleActionToken?: string; InstanceId?: string }>(async (i, c) => {
      await completeAction(c, i);
      return {};
    }),

    RecordLifecycleActionHeartbeat: h<{ AutoScalingGroupName: string; LifecycleHookName: string; LifecycleActionToken?: string; InstanceId?: string }>(async (i, c) => {
      await recordHeartbeat(c, i);
      return {};
    }),
  };
}
