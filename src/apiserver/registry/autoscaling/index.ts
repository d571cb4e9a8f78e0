/** autoscaling: horizontal pod autoscalers at v2 (preferred, the storage version) and v1 (converted). */
import type { ResourceDef } from '../resource.js';
import { horizontalpodautoscalers } from './horizontalpodautoscalers.js';
import { horizontalpodautoscalersV1 } from './hpa-v1.js';

export { horizontalpodautoscalersV1, hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';

/** The autoscaling resources served. */
export const autoscalingResources: ResourceDef[] = [horizontalpodautoscalers, horizontalpodautoscalersV1];
