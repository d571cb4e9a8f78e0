/**
 * The group operations both the wire handlers and the in-process AutoScalingApi perform: create,
 * update, set desired capacity, delete (ResourceInUse unless forced; forced deletion terminates
 * every instance first), terminate one instance, suspend/resume processes, tags. Each validates as
 * Auto Scaling does, writes with compare-and-swap and kicks the reconciler, which does the
 * launching and terminating (./reconciler.ts).
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../types.js';
import type { AsgEc2 } from './ec2-port.js';
import { AsgErrors } from './errors.js';
import { actionFor, TERMINATING, withHook, type HookInput } from './hooks.js';
import type { ActivityDoc, AsgTag, GroupDoc, HookDoc, LifecycleActionDoc, MemberDoc, TemplateRef } from './model.js';
import { PROCESSES } from './planner.js';
import { causeTime, groupIndex, indexId, newActivity, type AsgRegion } from './state.js';

/** What an operation works with. */
export interface AsgCtx {
  r: AsgRegion;
  ec2: AsgEc2;
  now: number;
  /** Asks the reconciler to look at a group soon. */
  kick(name: string): void;
}

/** A launch template as the wire names it. */
export interface TemplateSpec {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** Members of Create/UpdateAutoScalingGroup this implementation reads. */
export interface GroupInput {
  MinSize?: number;
  MaxSize?: number;
  DesiredCapacity?: number;
  LaunchTemplate?: TemplateSpec;
  MixedInstancesPolicy?: { LaunchTemplate?: { LaunchTemplateSpecification?: TemplateSpec; Overrides?: { InstanceType?: string }[] } } & Record<string, unknown>;
  LaunchConfigurationName?: string;
  VPCZoneIdentifier?: string;
  AvailabilityZones?: string[];
  DefaultCooldown?: number;
  HealthCheckType?: string;
  HealthCheckGracePeriod?: number;
  TerminationPolicies?: string[];
  NewInstancesProtectedFromScaleIn?: boolean;
  CapacityRebalance?: boolean;
  MaxInstanceLifetime?: number;
  DefaultInstanceWarmup?: number;
  DesiredCapacityType?: string;
  ServiceLinkedRoleARN?: string;
  /** Create only: hooks in place before the first launch. */
  LifecycleHookSpecificationList?: HookInput[];
}

/** Resolves a template spec to id and name through EC2 (ValidationError with EC2's reason when it does not resolve). */
async function resolveTemplate(c: AsgCtx, spec: TemplateSpec): Promise<TemplateRef> {
  if (!spec.LaunchTemplateId === !spec.LaunchTemplateName) throw AsgErrors.launchTemplateIdOrName();
  const version = spec.Version ?? '$Default';
  if (!c.ec2.describeLaunchTemplate) return { id: spec.LaunchTemplateId ?? '', name: spec.LaunchTemplateName ?? '', version };
  try {
    const lt = await c.ec2.describeLaunchTemplate(c.r.account, c.r.region, { id: spec.LaunchTemplateId, name: spec.LaunchTemplateName, version });
    return { id: lt.id, name: lt.name, version };
  } catch (err) {
    if (err instanceof AwsError) throw AsgErrors.badLaunchTemplate(err.message);
    throw err;
  }
}

/** The group's subnets from VPCZoneIdentifier (or the default subnets of the zones given). */
async function resolveSubnets(c: AsgCtx, vpcZoneIdentifier: string | undefined, zones: string[] | undefined): Promise<{ subnets: GroupDoc['subnets']; zones: string[] }> {
  const ids = (vpcZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let subnets: GroupDoc['subnets'];
  if (ids.length) {
    const found = await c.ec2.describeSubnets(c.r.account, c.r.region, ids);
    const missing = ids.find((id) => !found.some((s) => s.subnetId === id));
    if (missing) throw AsgErrors.subnetNotFound(missing);
    subnets = ids.map((id) => found.find((s) => s.subnetId === id)!).map((s) => ({ subnetId: s.subnetId, az: s.availabilityZone }));
    if (zones?.length && [...new Set(subnets.map((s) => s.az))].sort().join() !== [...new Set(zones)].sort().join()) throw AsgErrors.zonesMismatch();
  } else if (zones?.length && c.ec2.defaultSubnets) {
    subnets = (await c.ec2.defaultSubnets(c.r.account, c.r.region, zones)).map((s) => ({ subnetId: s.subnetId, az: s.availabilityZone }));
    if (!subnets.length) throw AsgErrors.noZones();
  } else throw AsgErrors.noZones();
  return { subnets, zones: [...new Set(subnets.map((s) => s.az))].sort() };
}

function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw AsgErrors.maxBelowMin(max, min);
  if (desired < min || desired > max) throw AsgErrors.desiredOutOfRange(desired, min, max);
}

/** The template and instance type a Create/Update input names (undefined members: unchanged). */
async function launchSource(c: AsgCtx, i: GroupInput): Promise<Pick<GroupDoc, 'launchTemplate' | 'mixedInstancesPolicy' | 'template' | 'instanceType'> | undefined> {
  if (i.LaunchConfigurationName !== undefined) throw AsgErrors.launchConfigurationNotFound(i.LaunchConfigurationName);
  if (i.LaunchTemplate) return { launchTemplate: i.LaunchTemplate, mixedInstancesPolicy: undefined, template: await resolveTemplate(c, i.LaunchTemplate), instanceType: undefined };
  const spec = i.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (i.MixedInstancesPolicy && spec) {
    const instanceType = i.MixedInstancesPolicy.LaunchTemplate?.Overrides?.find((o) => o.InstanceType)?.InstanceType;
    return { launchTemplate: undefined, mixedInstancesPolicy: i.MixedInstancesPolicy, template: await resolveTemplate(c, spec), instanceType };
  }
  return undefined;
}

/** CreateAutoScalingGroup. `tags` come from the wire Tags; `instanceType` lets Ec2Api callers launch without a template type. */
export async function createGroup(c: AsgCtx, name: string, i: GroupInput & { MinSize: number; MaxSize: number }, tags: AsgTag[], instanceType?: string): Promise<GroupDoc> {
  const desired = i.DesiredCapacity ?? i.MinSize;
  checkSizes(i.MinSize, i.MaxSize, desired);
  const source = await launchSource(c, i);
  if (!source && !instanceType) throw AsgErrors.noLaunchSource();
  const { subnets, zones } = await resolveSubnets(c, i.VPCZoneIdentifier, i.AvailabilityZones);
  if (tags.length > 50) throw AsgErrors.tagLimit();
  const { account, region } = c.r;
  const hooks = (i.LifecycleHookSpecificationList ?? []).reduce<HookDoc[]>((all, h) => withHook(all, name, h), []);
  const g: GroupDoc = {
    name,
    arn: `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${name}`,
    createdTime: c.now,
    minSize: i.MinSize,
    maxSize: i.MaxSize,
    desiredCapacity: desired,
    defaultCooldown: i.DefaultCooldown ?? 300,
    healthCheckType: i.HealthCheckType ?? 'EC2',
    healthCheckGracePeriod: i.HealthCheckGracePeriod ?? 0,
    ...source,
    instanceType: source?.instanceType ?? instanceType,
    subnets,
    vpcZoneIdentifier: subnets.map((s) => s.subnetId).join(','),
    availabilityZones: zones,
    terminationPolicies: i.TerminationPolicies ?? ['Default'],
    newInstancesProtectedFromScaleIn: i.NewInstancesProtectedFromScaleIn ?? false,
    capacityRebalance: i.CapacityRebalance ?? false,
    maxInstanceLifetime: i.MaxInstanceLifetime,
    defaultInstanceWarmup: i.DefaultInstanceWarmup,
    desiredCapacityType: i.DesiredCapacityType,
    serviceLinkedRoleARN: i.ServiceLinkedRoleARN ?? `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    tags,
    suspended: [],
    members: [],
    launching: [],
    lifecycleHooks: hooks,
    deleting: false,
    lastChange: `At ${causeTime(c.now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.`,
  };
  if (!(await c.r.groups.create(name, g))) throw AsgErrors.alreadyExists(name);
  await groupIndex(c.r.store).create(indexId({ account, region, name }), { account, region, name });
  c.kick(name);
  return g;
}

/** UpdateAutoScalingGroup, with AWS's adjustment of desired capacity to a new min or max. */
export async function updateGroup(c: AsgCtx, name: string, i: GroupInput, missing = AsgErrors.notFoundOnUpdate): Promise<GroupDoc> {
  const current = await c.r.group(name, missing);
  if (current.deleting) throw AsgErrors.pendingDelete(name);
  const source = await launchSource(c, i);
  const placement = i.VPCZoneIdentifier !== undefined || i.AvailabilityZones !== undefined ? await resolveSubnets(c, i.VPCZoneIdentifier, i.AvailabilityZones) : undefined;
  const updated = await c.r.groups.modify(name, (g) => {
    const min = i.MinSize ?? g.minSize;
    const max = i.MaxSize ?? g.maxSize;
    let desired = i.DesiredCapacity ?? g.desiredCapacity;
    if (i.DesiredCapacity === undefined && i.MinSize !== undefined && min > desired) desired = min;
    if (i.DesiredCapacity === undefined && i.MaxSize !== undefined && max < desired) desired = max;
    checkSizes(min, max, desired);
    const change = desired !== g.desiredCapacity
      ? `At ${causeTime(c.now)} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${g.desiredCapacity} to ${desired}.`
      : g.lastChange;
    return {
      ...g,
      ...source,
      ...(placement ? { subnets: placement.subnets, availabilityZones: placement.zones, vpcZoneIdentifier: placement.subnets.map((s) => s.subnetId).join(',') } : {}),
      minSize: min,
      maxSize: max,
      desiredCapacity: desired,
      lastChange: change,
      defaultCooldown: i.DefaultCooldown ?? g.defaultCooldown,
      healthCheckType: i.HealthCheckType ?? g.healthCheckType,
      healthCheckGracePeriod: i.HealthCheckGracePeriod ?? g.healthCheckGracePeriod,
      terminationPolicies: i.TerminationPolicies ?? g.terminationPolicies,
      newInstancesProtectedFromScaleIn: i.NewInstancesProtectedFromScaleIn ?? g.newInstancesProtectedFromScaleIn,
      capacityRebalance: i.CapacityRebalance ?? g.capacityRebalance,
      maxInstanceLifetime: i.MaxInstanceLifetime ?? g.maxInstanceLifetime,
      defaultInstanceWarmup: i.DefaultInstanceWarmup ?? g.defaultInstanceWarmup,
      desiredCapacityType: i.DesiredCapacityType ?? g.desiredCapacityType,
      serviceLinkedRoleARN: i.ServiceLinkedRoleARN ?? g.serviceLinkedRoleARN,
    };
  });
  if (!updated) throw missing();
  c.kick(name);
  return updated;
}

/** SetDesiredCapacity. */
export async function setDesiredCapacity(c: AsgCtx, name: string, desired: number): Promise<void> {
  const g0 = await c.r.group(name);
  if (g0.deleting) throw AsgErrors.pendingDelete(name);
  await c.r.groups.modify(name, (g) => {
    if (desired > g.maxSize) throw AsgErrors.setDesiredAboveMax(desired, g.maxSize);
    if (desired < g.minSize) throw AsgErrors.setDesiredBelowMin(desired, g.minSize);
    if (desired === g.desiredCapacity) return g;
    return { ...g, desiredCapacity: desired, lastChange: `At ${causeTime(c.now)} a user request explicitly set group desired capacity changing the desired capacity from ${g.desiredCapacity} to ${desired}.` };
  });
  c.kick(name);
}

/** DeleteAutoScalingGroup: at once when empty; with ForceDelete, after the reconciler has terminated every instance. */
export async function deleteGroup(c: AsgCtx, name: string, force: boolean): Promise<void> {
  const g = await c.r.group(name);
  if (g.deleting) return;
  if (!force && g.members.length) throw AsgErrors.resourceInUse();
  if (!force && g.launching.length) throw AsgErrors.activityInProgress();
  if (!g.members.length && !g.launching.length) {
    await removeGroup(c.r, name);
    return;
  }
  await c.r.groups.modify(name, (x) => ({ ...x, deleting: true, minSize: 0, maxSize: 0, desiredCapacity: 0, lastChange: `At ${causeTime(c.now)} a user request deleted the AutoScalingGroup changing the desired capacity from ${x.desiredCapacity} to 0.` }));
  c.kick(name);
}

/** Removes a group's document and index entry (its activities stay, as AWS keeps them). */
export async function removeGroup(r: AsgRegion, name: string): Promise<void> {
  await r.groups.delete(name);
  await groupIndex(r.store).delete(indexId({ account: r.account, region: r.region, name }));
}

/** TerminateInstanceInAutoScalingGroup: the instance goes Terminating at once; its addresses are released by EC2. */
export async function terminateInstance(c: AsgCtx, instanceId: string, decrement: boolean): Promise<ActivityDoc> {
  const g0 = (await c.r.all()).find((g) => g.members.some((m) => m.instanceId === instanceId));
  if (!g0) throw AsgErrors.instanceNotFound(instanceId);
  let made: { key: string; activity: ActivityDoc } | undefined;
  let action: LifecycleActionDoc | undefined;
  await c.r.groups.modify(g0.name, (g) => {
    made = undefined;
    const m = g.members.find((x) => x.instanceId === instanceId);
    if (!m) throw AsgErrors.instanceNotFound(instanceId);
    if (m.lifecycleState.startsWith('Terminating')) return g;
    const active = g.members.filter((x) => !x.lifecycleState.startsWith('Terminating')).length;
    if (decrement && g.desiredCapacity - 1 < g.minSize) throw AsgErrors.decrementBelowMin(g.minSize);
    const desired = decrement ? g.desiredCapacity - 1 : g.desiredCapacity;
    const cause = decrement
      ? `At ${causeTime(c.now)} instance ${instanceId} was taken out of service in response to a user request, shrinking the capacity from ${active} to ${active - 1}.`
      : `At ${causeTime(c.now)} instance ${instanceId} was taken out of service in response to a user request.`;
    action = actionFor(g, TERMINATING, c.now);
    made = newActivity(g, { Description: `Terminating EC2 instance: ${instanceId}`, Cause: cause, StartTime: c.now, StatusCode: action ? 'MidLifecycleAction' : 'InProgress', Progress: 0, Details: JSON.stringify({ 'Subnet ID': m.subnetId, 'Availability Zone': m.az }) });
    const next: MemberDoc = { ...m, lifecycleState: action ? 'Terminating:Wait' : 'Terminating', lifecycleAction: action, activityKey: made.key };
    return { ...g, desiredCapacity: desired, members: g.members.map((x) => (x === m ? next : x)) };
  });
  if (!made) throw AsgErrors.instanceNotFound(instanceId);
  await c.r.saveActivity(made);
  // With a termination hook the instance waits in Terminating:Wait; the reconciler terminates it once the hooks are done.
  if (!action) await c.ec2.terminateInstances(c.r.account, c.r.region, [instanceId]);
  c.kick(g0.name);
  return made.activity;
}

/** SuspendProcesses / ResumeProcesses (no names: all of them). */
export async function setProcesses(c: AsgCtx, name: string, names: string[] | undefined, suspend: boolean): Promise<void> {
  const bad = (names ?? []).filter((n) => !(PROCESSES as readonly string[]).includes(n));
  if (bad.length) throw AsgErrors.badProcess(bad);
  const list = names?.length ? names : [...PROCESSES];
  await c.r.group(name);
  await c.r.groups.modify(name, (g) => ({
    ...g,
    suspended: suspend
      ? [...g.suspended, ...list.filter((p) => !g.suspended.some((s) => s.ProcessName === p)).map((p) => ({ ProcessName: p, SuspensionReason: `User suspended at ${causeTime(c.now)}` }))]
      : g.suspended.filter((s) => !list.includes(s.ProcessName)),
  }));
  c.kick(name);
}

/** CreateOrUpdateTags / DeleteTags over several groups; every group is checked first. */
export async function changeTags(c: AsgCtx, tags: { ResourceId?: string; Key: string; Value?: string; PropagateAtLaunch?: boolean }[], remove: boolean): Promise<void> {
  const names = [...new Set(tags.map((t) => t.ResourceId ?? ''))];
  for (const n of names) await c.r.group(n, () => AsgErrors.notFoundForTags(n));
  for (const n of names) {
    const mine = tags.filter((t) => (t.ResourceId ?? '') === n);
    await c.r.groups.modify(n, (g) => {
      let next = g.tags.filter((t) => !mine.some((x) => x.Key === t.Key));
      if (!remove) next = [...next, ...mine.map((t) => ({ Key: t.Key, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false }))];
      if (next.length > 50) throw AsgErrors.tagLimit();
      return { ...g, tags: next.sort((a, b) => a.Key.localeCompare(b.Key)) };
    });
  }
}
