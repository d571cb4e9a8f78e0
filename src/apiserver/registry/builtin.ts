/**
 * The table of built-in resources, in discovery preference order (core first, as upstream; the
 * first group wins a short-name clash, so core `events` beats events.k8s.io).
 */
import { admissionregistrationResources } from './admissionregistration/index.js';
import { apiextensionsResources } from './apiextensions/index.js';
import { apiregistrationResources } from './apiregistration/index.js';
import { appsResources } from './apps/index.js';
import { authenticationResources } from './authentication/index.js';
import { authorizationResources } from './authorization/index.js';
import { autoscalingResources } from './autoscaling/index.js';
import { batchResources } from './batch/index.js';
import { certificatesResources } from './certificates/index.js';
import { coordinationResources } from './coordination/index.js';
import { coreResources } from './core/index.js';
import { moreCoreResources } from './core/more.js';
import { discoveryResources } from './discovery/index.js';
import { eventsResources } from './events/index.js';
import { flowcontrolResources } from './flowcontrol/index.js';
import { networkingResources } from './networking/index.js';
import { nodeResources } from './node/index.js';
import { policyResources } from './policy/index.js';
import { rbacResources } from './rbac/index.js';
import type { ResourceDef } from './resource.js';
import { schedulingResources } from './scheduling/index.js';
import { storageResources } from './storage/index.js';

export const builtinResources: ResourceDef[] = [
  ...[...coreResources, ...moreCoreResources].sort((a, b) => a.plural.localeCompare(b.plural)),
  ...apiregistrationResources,
  ...appsResources,
  ...eventsResources,
  ...authenticationResources,
  ...authorizationResources,
  ...autoscalingResources,
  ...batchResources,
  ...certificatesResources,
  ...networkingResources,
  ...policyResources,
  ...rbacResources,
  ...storageResources,
  ...admissionregistrationResources,
  ...apiextensionsResources,
  ...schedulingResources,
  ...coordinationResources,
  ...nodeResources,
  ...discoveryResources,
  ...flowcontrolResources,
];

/** Field indexes the watch cache keeps: kubelets list pods by node, controllers by phase. */
export const builtinIndexes: Record<string, string[]> = { '/pods': ['spec.nodeName'] };
