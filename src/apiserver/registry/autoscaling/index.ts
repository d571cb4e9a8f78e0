/**
 * autoscaling: v2 horizontal pod autoscalers (preferred). autoscaling/v1 is defined in
 * hpa-v1.ts but not served until the store can convert between versions of one resource.
 */
import type { ResourceDef } from '../resource.js';
import { horizontalpodautoscalers } from './horizontalpodautoscalers.js';

export { horizontalpodautoscalersV1, hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';

/** The autoscaling resources served. */
export const autoscalingResources: ResourceDef[] = [horizontalpodautoscalers];
