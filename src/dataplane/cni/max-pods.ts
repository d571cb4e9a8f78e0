/**
 * The `--max-pods` of a node as the EKS AMI's max-pods-calculator.sh computes it
 * (awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh): the VPC CNI formula
 * for the instance type's ENIs and addresses, then capped at 110, or 250 above 30 vCPUs, which
 * is what managed node groups register with.
 */
import type { MachineShape } from '../contracts.js';

/** Addresses in one /28 prefix (IPS_PER_PREFIX). */
export const IPS_PER_PREFIX = 16;
/** MAX_POD_CEILING_FOR_LOW_CPU / MAX_POD_CEILING_FOR_HIGH_CPU and the vCPU count above which the high one applies. */
export const MAX_PODS_CEILING_LOW_CPU = 110;
export const MAX_PODS_CEILING_HIGH_CPU = 250;
export const HIGH_CPU_THRESHOLD = 30;

/** The CNI mode the calculator is told about. */
export interface MaxPodsOptions {
  prefixDelegation: boolean;
  customNetworking: boolean;
  /** --cni-max-eni (MAX_ENI). */
  maxEni?: number | undefined;
  /** false = --show-max-allowed (the uncapped value eni-max-pods.txt lists). Default true. */
  capped?: boolean;
}

/** True when the machine can do prefix delegation (nitro hypervisor). */
export function supportsPrefixDelegation(shape: MachineShape): boolean {
  return shape.hypervisor === 'nitro';
}

/**
 * ENIs × (IPv4 per ENI − 1) + 2, or ENIs × ((IPv4 per ENI − 1) × 16) + 2 with prefix delegation
 * on nitro; custom networking takes one ENI off; then the vCPU-based ceiling unless uncapped.
 */
export function maxPodsFor(shape: MachineShape, opts: MaxPodsOptions): number {
  let enis = opts.maxEni !== undefined ? Math.min(opts.maxEni, shape.enis) : shape.enis;
  if (opts.customNetworking) enis -= 1;
  enis = Math.max(0, enis);
  const perEni = Math.max(0, shape.ipv4PerEni - 1);
  const pd = opts.prefixDelegation && supportsPrefixDelegation(shape);
  const max = pd ? enis * perEni * IPS_PER_PREFIX + 2 : enis * perEni + 2;
  if (opts.capped === false) return max;
  return Math.min(max, shape.vcpus > HIGH_CPU_THRESHOLD ? MAX_PODS_CEILING_HIGH_CPU : MAX_PODS_CEILING_LOW_CPU);
}
