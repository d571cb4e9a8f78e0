/**
 * The scheduler's one plugin table: kube-scheduler 1.32's default profile, in its order (Filter
 * runs in this order, so a node failing several filters reports the first), with its score
 * weights. ImageLocality is left out (the simulated nodes pull no images).
 */
import type { EnabledPlugin } from './framework.js';
import type { Handle } from './handle.js';
import type { Plugin } from './types.js';
import { balancedAllocation } from './plugins/balanced-allocation/balanced-allocation.js';
import { defaultBinder } from './plugins/default-binder/default-binder.js';
import { defaultPreemption } from './plugins/default-preemption/default-preemption.js';
import { interPodAffinity } from './plugins/inter-pod-affinity/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity/node-affinity.js';
import { nodeName } from './plugins/node-name/node-name.js';
import { nodePorts } from './plugins/node-ports/node-ports.js';
import { nodeResourcesFit } from './plugins/node-resources-fit/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable/node-unschedulable.js';
import { podTopologySpread } from './plugins/pod-topology-spread/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration/taint-toleration.js';
import { volumeBinding, volumeZone } from './plugins/volume-binding/volume-binding.js';

export interface PluginEntry {
  create(h: Handle): Plugin;
  /** Score weight (upstream's default profile); 0 for plugins that do not score. */
  weight: number;
}

export const PLUGINS: readonly PluginEntry[] = [
  { create: nodeUnschedulable, weight: 0 },
  { create: nodeName, weight: 0 },
  { create: taintToleration, weight: 3 },
  { create: nodeAffinity, weight: 2 },
  { create: nodePorts, weight: 0 },
  { create: nodeResourcesFit, weight: 1 },
  { create: volumeBinding, weight: 0 },
  { create: volumeZone, weight: 0 },
  { create: podTopologySpread, weight: 2 },
  { create: interPodAffinity, weight: 2 },
  { create: defaultPreemption, weight: 0 },
  { create: balancedAllocation, weight: 1 },
  { create: defaultBinder, weight: 0 },
];

/** Builds the default profile's plugins for `h`. */
export function buildPlugins(h: Handle, entries: readonly PluginEntry[] = PLUGINS): EnabledPlugin[] {
  return entries.map((e) => ({ plugin: e.create(h), weight: e.weight }));
}
