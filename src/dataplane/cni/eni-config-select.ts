/**
 * Which ENIConfig a node uses under custom networking, in pkg/eniconfig
 * GetNodeSpecificENIConfigName's order: the `vpc.amazonaws.com/externalEniConfig` label, the
 * ENI_CONFIG_ANNOTATION_DEF annotation, the ENI_CONFIG_LABEL_DEF label, else `default`. EKS's
 * guide sets ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone so each AZ's ENIConfig is picked
 * by name; the node's labels are the machine's plus the well-known ones the kubelet registers.
 */
import type { SimulatedMachine } from '../contracts.js';
import type { CniConfig } from './config.js';

/** The live Node's metadata, when the integrator can read it (annotations are only there). */
export interface NodeMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const EXTERNAL_ENI_CONFIG_LABEL = 'vpc.amazonaws.com/externalEniConfig';
export const ENI_CONFIG_DEFAULT_NAME = 'default';

/** The labels the kubelet and cloud provider put on an EC2 node, as far as the machine knows them. */
export function wellKnownNodeLabels(m: SimulatedMachine): Record<string, string> {
  const l: Record<string, string> = {
    'kubernetes.io/hostname': m.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': m.shape.architecture,
    'node.kubernetes.io/instance-type': m.shape.instanceType,
    'topology.kubernetes.io/region': m.region,
    'topology.kubernetes.io/zone': m.availabilityZone,
    'failure-domain.beta.kubernetes.io/region': m.region,
    'failure-domain.beta.kubernetes.io/zone': m.availabilityZone,
  };
  if (m.availabilityZoneId) l['topology.k8s.aws/zone-id'] = m.availabilityZoneId;
  return l;
}

/** The ENIConfig name for the node. */
export function eniConfigNameFor(m: SimulatedMachine, cfg: CniConfig, meta?: NodeMeta): string {
  const labels = { ...wellKnownNodeLabels(m), ...m.labels, ...meta?.labels };
  return labels[EXTERNAL_ENI_CONFIG_LABEL] ?? meta?.annotations?.[cfg.eniConfigAnnotationDef] ?? labels[cfg.eniConfigLabelDef] ?? ENI_CONFIG_DEFAULT_NAME;
}
