/**
 * Wire forms of Auto Scaling documents, member names as in botocore's model: AutoScalingGroup
 * (with its Instances and TagDescriptions), AutoScalingInstanceDetails (whose HealthStatus is
 * upper-case, as the real service answers there), Activity.
 */
import type { ActivityDoc, AsgTag, GroupDoc, MemberDoc } from './model.js';

function templateOf(g: GroupDoc, version?: string): Record<string, unknown> | undefined {
  return g.template && { LaunchTemplateId: g.template.id, LaunchTemplateName: g.template.name, Version: version };
}

/** An Instance of a group. */
export function memberWire(g: GroupDoc, m: MemberDoc): Record<string, unknown> {
  return {
    InstanceId: m.instanceId,
    InstanceType: m.instanceType,
    AvailabilityZone: m.az,
    LifecycleState: m.lifecycleState,
    HealthStatus: m.healthStatus,
    LaunchTemplate: templateOf(g, m.templateVersion),
    ProtectedFromScaleIn: m.protectedFromScaleIn,
  };
}

/** AutoScalingInstanceDetails. */
export function instanceDetailsWire(g: GroupDoc, m: MemberDoc): Record<string, unknown> {
  return { ...memberWire(g, m), AutoScalingGroupName: g.name, HealthStatus: m.healthStatus.toUpperCase() };
}

/** A TagDescription. */
export function tagWire(g: GroupDoc, t: AsgTag): Record<string, unknown> {
  return { ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.Key, Value: t.Value, PropagateAtLaunch: t.PropagateAtLaunch };
}

/** An AutoScalingGroup. */
export function groupWire(g: GroupDoc, includeInstances = true): Record<string, unknown> {
  const spec = g.mixedInstancesPolicy?.LaunchTemplate as { LaunchTemplateSpecification?: { Version?: string } } | undefined;
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: g.launchTemplate && templateOf(g, g.launchTemplate.Version),
    MixedInstancesPolicy: g.mixedInstancesPolicy && {
      ...g.mixedInstancesPolicy,
      LaunchTemplate: { ...spec, LaunchTemplateSpecification: templateOf(g, spec?.LaunchTemplateSpecification?.Version) },
    },
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: includeInstances ? g.members.map((m) => memberWire(g, m)) : undefined,
    CreatedTime: g.createdTime,
    SuspendedProcesses: g.suspended,
    VPCZoneIdentifier: g.vpcZoneIdentifier,
    EnabledMetrics: [],
    Status: g.deleting ? 'Delete in progress' : undefined,
    Tags: g.tags.map((t) => tagWire(g, t)),
    TerminationPolicies: g.terminationPolicies,
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: g.serviceLinkedRoleARN,
    MaxInstanceLifetime: g.maxInstanceLifetime,
    CapacityRebalance: g.capacityRebalance,
    DefaultInstanceWarmup: g.defaultInstanceWarmup,
    DesiredCapacityType: g.desiredCapacityType,
    TrafficSources: [],
    AvailabilityZoneDistribution: { CapacityDistributionStrategy: 'balanced-best-effort' },
  };
}

/** An Activity, with the group's state as AWS adds it. */
export function activityWire(a: ActivityDoc): Record<string, unknown> {
  return { ...a };
}
