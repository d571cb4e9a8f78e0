/**
 * NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): the immortal namespaces
 * (default, kube-system, kube-public) may not be deleted. The other half of the plugin — no new
 * content in a missing or terminating namespace — is checked by the resource handlers before a
 * create reaches the store (checkNamespaceLive), so it is not repeated here.
 */
import { StatusError } from '../../apimachinery/errors.js';
import type { AdmissionAttributes } from '../auth/types.js';
import { isResource, type AdmissionPlugin, type PluginFactory } from './types.js';

/** Namespaces that always exist (upstream's immortalNamespaces default). */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];

/** The plugin; validate only (a DELETE reaches validate). */
export const namespaceLifecyclePlugin: PluginFactory = (): AdmissionPlugin => ({
  name: 'NamespaceLifecycle',
  validate(a: AdmissionAttributes) {
    if (a.operation !== 'DELETE' || !isResource(a, '', 'namespaces') || a.subresource) return;
    if (!IMMORTAL_NAMESPACES.includes(a.name)) return;
    throw new StatusError(403, 'Forbidden', `namespaces "${a.name}" is forbidden: this namespace may not be deleted`, { name: a.name, kind: 'namespaces' });
  },
});
