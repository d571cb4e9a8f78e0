/** batch/v1 resources, one file each. */
import type { ResourceDef } from '../resource.js';
import { cronjobs } from './cronjobs.js';
import { jobs } from './jobs.js';

/** The batch/v1 resources. */
export const batchResources: ResourceDef[] = [cronjobs, jobs];
