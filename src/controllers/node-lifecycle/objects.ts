/**
 * The typed objects the node and autoscaling controllers read, as informer-cacheable KubeObjects
 * (kubernetes-types' interfaces have no index signature, so they are widened here once).
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

export type PodObject = Pod & KubeObject;
export type NodeObject = Node & KubeObject;
export type LeaseObject = Lease & KubeObject;
