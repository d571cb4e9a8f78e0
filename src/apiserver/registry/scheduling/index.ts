/** scheduling.k8s.io/v1: priority classes and the two system classes created at startup. */
import type { ResourceDef } from '../resource.js';
import { priorityclasses } from './priorityclasses.js';

export { BOOTSTRAP_PRIORITY_CLASSES } from './priorityclasses.js';

/** The scheduling.k8s.io/v1 resources. */
export const schedulingResources: ResourceDef[] = [priorityclasses];
