/**
 * The typed objects the endpoint controllers read and write, widened once into informer-cacheable
 * KubeObjects (kubernetes-types' interfaces have no index signature), and the well-known label and
 * annotation keys they use (k8s.io/api discovery/v1 and core/v1 constants).
 */
import type { Endpoints, Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';

export type PodObject = Pod & KubeObject;
export type NodeObject = Node & KubeObject;
export type ServiceObject = Service & KubeObject;
export type EndpointsObject = Endpoints & KubeObject;
export type EndpointSliceObject = EndpointSlice & KubeObject;

/** discovery.LabelServiceName: the Service a slice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy: who manages a slice. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The value of LABEL_MANAGED_BY on the slices this controller owns (ControllerName). */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** v1.IsHeadlessService: set (empty) on slices and Endpoints of services without a cluster IP. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** v1.EndpointsLastChangeTriggerTime. */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** v1.LabelTopologyZone, read from the pod's node. */
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
export const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
export const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services' };
export const ENDPOINTS: ResourceRef = { group: '', version: 'v1', resource: 'endpoints' };
export const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
