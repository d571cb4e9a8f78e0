/**
 * EKS endpoint access (shared/research/eks-semantics.md §4) enforced on a cluster API server's
 * TCP connections, as the network load balancer in front of EKS does: a connection the rules do
 * not admit is reset before TLS starts (the client sees ECONNRESET / "socket hang up", as when
 * the NLB drops it).
 *
 * One machine has no internet and no VPC, so loopback addresses stand for both. The server keeps
 * listening on 127.0.0.1; what counts is the client's SOURCE address (any 127.x a client binds to
 * with `localAddress` / `curl --interface`):
 *
 * - 127.1.0.0/16 ({@link VPC_SOURCE_CIDR}) is "inside the cluster's VPC" (nodes, bastions, peered
 *   networks). With `endpointPrivateAccess` these clients use the private endpoint and no CIDR
 *   applies; without it their traffic leaves the VPC and counts as public traffic from that
 *   address.
 * - Every other source address (127.0.0.1, 127.0.0.2, …) is "the internet", with the address as
 *   the public source IP: admitted only when `endpointPublicAccess` is on and the address lies in
 *   one of `publicAccessCidrs` (default 0.0.0.0/0). So `publicAccessCidrs ["127.0.0.2/32"]` admits
 *   only clients bound to 127.0.0.2, and public access off admits only 127.1.x.x (with private on).
 *
 * IPv6 loopback (::1) is treated as 127.0.0.1 and IPv4-mapped addresses as their IPv4 form.
 */
import type { Server, Socket } from 'node:net';
import type { Logger } from '../lib/logger.js';

/** Source addresses that stand for the cluster's VPC. */
export const VPC_SOURCE_CIDR = '127.1.0.0/16';

/** The endpoint access members of `resourcesVpcConfig`. */
export interface EndpointAccess {
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  publicAccessCidrs: string[];
}

/** EKS's defaults: public on, private off, the whole internet. */
export const DEFAULT_ENDPOINT_ACCESS: EndpointAccess = { endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] };

/** Whether a client at `source` reaches the endpoint, and through which side. */
export function admits(access: EndpointAccess, source: string): { allowed: boolean; via?: 'private' | 'public' } {
  const ip = normalize(source);
  if (ip === undefined) return { allowed: false };
  if (access.endpointPrivateAccess && inCidr(ip, VPC_SOURCE_CIDR)) return { allowed: true, via: 'private' };
  if (access.endpointPublicAccess && access.publicAccessCidrs.some((c) => inCidr(ip, c))) return { allowed: true, via: 'public' };
  return { allowed: false };
}

/**
 * Resets every new connection of `server` that `access()` (read per connection, so an
 * UpdateClusterConfig applies to the next connection) does not admit. Installed ahead of the
 * server's own TLS listener.
 */
export function guardEndpointAccess(server: Server, access: () => EndpointAccess, log: Logger): void {
  server.prependListener('connection', (socket: Socket) => {
    const source = socket.remoteAddress ?? '';
    if (admits(access(), source).allowed) return;
    log.debug({ source }, 'connection refused by endpoint access rules');
    socket.resetAndDestroy();
  });
}

/** The dotted IPv4 form of a socket address, or undefined for an IPv6 address that is not loopback/mapped. */
function normalize(addr: string): number | undefined {
  if (addr === '::1') return ipv4('127.0.0.1');
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return ipv4(v4);
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether an IPv4 address (as a number) lies in an IPv4 CIDR; IPv6 CIDRs never match. */
function inCidr(ip: number, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const net = ipv4(base ?? '');
  const bits = Number(bitsText ?? '32');
  if (net === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(net / size);
}
