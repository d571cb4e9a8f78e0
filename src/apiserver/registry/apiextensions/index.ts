/** apiextensions.k8s.io/v1: the CRD resource itself, and the helpers that serve what a CRD defines. */
import type { ResourceDef } from '../resource.js';
import { customResourceDefinitions } from './customresourcedefinitions.js';

export { CRD_CLEANUP_FINALIZER, crdAcceptedStatus, crdStrategy, customResourceDefinitions, defaultCRD } from './customresourcedefinitions.js';
export { crdToResourceDefs, customResourceStrategy, openapiDefinitionName, openapiSchemaFor, type CustomResourceDef } from './custom-resources.js';

/** The apiextensions.k8s.io/v1 resources. */
export const apiextensionsResources: ResourceDef[] = [customResourceDefinitions];
