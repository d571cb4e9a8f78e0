/** batch/v1 resources, one file each. */
import type { ResourceDef } from '../resource.js';
import { cronjobs } from './cronjobs.js';
import { jobs } from './jobs.js';

export const batchResources: ResourceDef[] = [cronjobs, jobs];
