/**
 * DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault): a PVC
 * created without spec.storageClassName (absent, not "") gets the default StorageClass, the one
 * annotated storageclass.kubernetes.io/is-default-class=true (or the beta annotation). With
 * several defaults the newest wins, ties by name (1.26+ GetDefaultClass); with none the claim is
 * left alone.
 */
import type { KObject } from '../registry/resource.js';
import { cachedObjects, isResource, type AdmissionPlugin, type PluginFactory } from './types.js';

/** The annotation marking the default class. */
export const IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

/** The default StorageClass among `classes` (newest first, then by name), if any. */
export function defaultStorageClass(classes: KObject[]): KObject | undefined {
  const defaults = classes.filter((c) => {
    const ann = c.metadata?.annotations ?? {};
    return ann[IS_DEFAULT_CLASS] === 'true' || ann[BETA_IS_DEFAULT_CLASS] === 'true';
  });
  const created = (c: KObject) => Date.parse(c.metadata?.creationTimestamp ?? '') || 0;
  defaults.sort((a, b) => created(b) - created(a) || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  return defaults[0];
}

/** The plugin; mutate only. */
export const defaultStorageClassPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'DefaultStorageClass',
  mutate(a) {
    if (a.operation !== 'CREATE' || a.subresource || !a.object || !isResource(a, '', 'persistentvolumeclaims')) return;
    const spec = (a.object.spec ??= {}) as { storageClassName?: string | null };
    if (spec.storageClassName != null) return;
    const def = defaultStorageClass(cachedObjects(ctx.api(), 'storage.k8s.io', 'storageclasses'));
    if (def?.metadata?.name) spec.storageClassName = def.metadata.name;
  },
});
