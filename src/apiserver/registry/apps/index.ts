/** apps/v1 resources, one file each. */
import type { ResourceDef } from '../resource.js';
import { controllerrevisions } from './controllerrevisions.js';
import { daemonsets } from './daemonsets.js';
import { deployments } from './deployments.js';
import { replicasets } from './replicasets.js';
import { statefulsets } from './statefulsets.js';

/** The apps/v1 resources. */
export const appsResources: ResourceDef[] = [controllerrevisions, daemonsets, deployments, replicasets, statefulsets];
