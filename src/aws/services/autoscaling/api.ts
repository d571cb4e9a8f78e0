/**
 * AutoScalingApi (../contracts.ts) for EKS managed node groups, over the same state and
 * operations as the wire. Group tags given as a map propagate to instances at launch (EKS's node
 * group tags do); lifecycle hooks given at creation hold instances in their Wait states until
 * completeLifecycleAction (EKS's Terminate-LC-Hook, drained by the data plane).
 */
import type { AutoScalingApi } from '../contracts.js';
import { createGroup, deleteGroup, updateGroup, type AsgCtx } from './groups.js';
import { completeAction } from './hooks.js';

/** The api over a context factory. */
export function createAutoScalingApi(ctxOf: (account: string, region: string) => AsgCtx): AutoScalingApi {
  return {
    async createGroup(account, region, input) {
      const lt = input.launchTemplate;
      await createGroup(ctxOf(account, region), input.name, {
        MinSize: input.minSize,
        MaxSize: input.maxSize,
        DesiredCapacity: input.desiredCapacity,
        VPCZoneIdentifier: input.subnetIds.join(','),
        LaunchTemplate: lt && { LaunchTemplateId: lt.id, LaunchTemplateName: lt.name, Version: lt.version },
        LifecycleHookSpecificationList: input.lifecycleHooks?.map((h) => ({ LifecycleHookName: h.name, LifecycleTransition: h.transition, HeartbeatTimeout: h.heartbeatTimeout, DefaultResult: h.defaultResult })),
      }, Object.entries(input.tags ?? {}).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true })).sort((a, b) => a.Key.localeCompare(b.Key)), input.instanceType);
    },

    async updateGroup(account, region, name, input) {
      const c = ctxOf(account, region);
      await updateGroup(c, name, { MinSize: input.minSize, MaxSize: input.maxSize, DesiredCapacity: input.desiredCapacity });
    },

    async deleteGroup(account, region, name, opts) {
      await deleteGroup(ctxOf(account, region), name, opts.forceDelete);
    },

    async completeLifecycleAction(account, region, i) {
      await completeAction(ctxOf(account, region), { AutoScalingGroupName: i.groupName, LifecycleHookName: i.hookName, InstanceId: i.instanceId, LifecycleActionResult: i.result });
    },

    async describeGroup(account, region, name) {
      const g = await ctxOf(account, region).r.find(name);
      return g && {
        name: g.name,
        desiredCapacity: g.desiredCapacity,
        instances: g.members.map((m) => ({ instanceId: m.instanceId, lifecycleState: m.lifecycleState, availabilityZone: m.az })),
        launchError: g.launchError,
      };
    },
  };
}
