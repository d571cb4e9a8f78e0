/** storage.k8s.io/v1: storage classes, CSI drivers, nodes and storage capacities, volume attachments. */
import type { ResourceDef } from '../resource.js';
import { csidrivers, csinodes } from './csidrivers.js';
import { csistoragecapacities } from './csistoragecapacities.js';
import { storageclasses } from './storageclasses.js';
import { volumeattachments } from './volumeattachments.js';

/** The storage.k8s.io/v1 resources. */
export const storageResources: ResourceDef[] = [csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments];
