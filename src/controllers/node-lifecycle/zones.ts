/**
 * Zones and their disruption states as the node lifecycle controller computes them
 * (nodetopology.GetZoneKey and Controller.ComputeZoneState / ReducedQPSFunc).
 */
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import type { NodeObject } from './objects.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** `region:\0:zone` from the topology labels (falling back to the beta failure-domain ones); '' without either. */
export function zoneKey(node: NodeObject): string {
  const l = node.metadata?.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

/**
 * ComputeZoneState: FullDisruption when no node is Ready, PartialDisruption when more than two
 * are not Ready and they are at least `unhealthyThreshold` of the zone, Normal otherwise. Returns
 * the unhealthy count too.
 */
export function computeZoneState(readyConditions: readonly (NodeCondition | undefined)[], unhealthyThreshold: number): { unhealthy: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c?.status === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}

/** Nodes labelled node.kubernetes.io/exclude-disruption do not count toward zone states. */
export function excludedFromDisruption(node: NodeObject): boolean {
  return node.metadata?.labels?.['node.kubernetes.io/exclude-disruption'] !== undefined;
}
