/** rbac.authorization.k8s.io/v1: roles, bindings and their cluster-wide twins. */
import type { ResourceDef } from '../resource.js';
import { clusterrolebindings, rolebindings } from './bindings.js';
import { clusterroles, roles } from './roles.js';

/** The rbac.authorization.k8s.io/v1 resources in the order discovery lists them. */
export const rbacResources: ResourceDef[] = [clusterrolebindings, clusterroles, rolebindings, roles];
