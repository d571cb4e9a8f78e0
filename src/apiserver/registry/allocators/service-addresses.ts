/**
 * ClusterIP and NodePort allocation for Services, as kube-apiserver's service REST storage does
 * on create: a free address from the service CIDR (EKS default 10.100.0.0/16, .1 reserved for
 * the `kubernetes` service) and free node ports from 30000-32767. Addresses in use are read from
 * the existing Services, so deleting a Service releases them with no separate bookkeeping.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import type { KObject } from '../resource.js';

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export interface ServiceAllocatorOptions {
  /** e.g. 10.100.0.0/16 */
  serviceCidr: string;
  nodePortRange: [number, number];
}

export const EKS_SERVICE_ALLOCATOR: ServiceAllocatorOptions = { serviceCidr: '10.100.0.0/16', nodePortRange: [30000, 32767] };

/**
 * Builds the allocate hook for the services resource. The generic store runs allocating creates
 * one at a time, so the existing Services are all the bookkeeping there is.
 */
export function serviceAllocator(opts: ServiceAllocatorOptions = EKS_SERVICE_ALLOCATOR) {
  const [base, bits] = parseCidr(opts.serviceCidr);
  const size = 2 ** (32 - bits);

  return (obj: KObject, peers: Iterable<KObject>): FieldError[] => {
    const spec = ((obj.spec ??= {}) as ServiceSpec);
    const usedIps = new Set<number>();
    const usedPorts = new Set<number>();
    for (const p of peers) {
      const ps = p.spec as ServiceSpec | undefined;
      for (const ip of ps?.clusterIPs ?? (ps?.clusterIP ? [ps.clusterIP] : [])) if (ip !== 'None') usedIps.add(ipToInt(ip));
      for (const port of ps?.ports ?? []) if (port.nodePort) usedPorts.add(port.nodePort);
    }
    const errs: FieldError[] = [];
    if (spec.type !== 'ExternalName') {
      if (!spec.clusterIP) {
        const ip = pickFree(size, (i) => i >= 2 && i < size - 1 && !usedIps.has(base + i));
        if (ip === undefined) errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: 'failed to allocate IP: range is full', value: [] });
        else spec.clusterIP = intToIp(base + ip);
      } else if (spec.clusterIP !== 'None') {
        const n = ipToInt(spec.clusterIP);
        if (Number.isNaN(n) || n < base || n >= base + size)
          errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: `failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${opts.serviceCidr}`, value: [spec.clusterIP] });
        else if (usedIps.has(n))
          errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`, value: [spec.clusterIP] });
      }
      if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const [lo, hi] = opts.nodePortRange;
      (spec.ports ?? []).forEach((port, i) => {
        if (port.nodePort) {
          if (port.nodePort < lo || port.nodePort > hi)
            errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, detail: `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`, value: port.nodePort });
          else if (usedPorts.has(port.nodePort))
            errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, detail: 'provided port is already allocated', value: port.nodePort });
          usedPorts.add(port.nodePort);
          return;
        }
        const off = pickFree(hi - lo + 1, (k) => !usedPorts.has(lo + k));
        if (off === undefined) {
          errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, detail: 'failed to allocate a nodePort: range is full', value: 0 });
          return;
        }
        port.nodePort = lo + off;
        usedPorts.add(port.nodePort);
      });
    }
    return errs;
  };
}

/** A random free slot (as upstream's random-scan allocator), or undefined when full. */
function pickFree(size: number, free: (i: number) => boolean): number | undefined {
  const start = Math.floor(Math.random() * size);
  for (let k = 0; k < size; k++) {
    const i = (start + k) % size;
    if (free(i)) return i;
  }
  return undefined;
}

function parseCidr(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/') as [string, string];
  return [ipToInt(ip), Number(bits)];
}

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return NaN;
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
