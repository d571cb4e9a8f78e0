/**
 * IPv4 addresses and CIDR blocks as numbers: parsing, containment, overlap and the n-th address of
 * a block — what VPC and subnet validation and private address allocation need.
 */

/** A parsed IPv4 CIDR block: `base` is the first address, `size` the number of addresses. */
export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

/** The 32-bit value of a dotted-quad address, or undefined when `s` is not one. */
export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** The dotted-quad form of a 32-bit address. */
export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Parses `a.b.c.d/p`. Undefined when the text is not a CIDR block or has host bits set
 * (EC2 refuses `10.0.1.5/24` as "not a valid CIDR block").
 */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return undefined;
  return { base: ip, prefix, size };
}

/** Whether `inner` lies entirely within `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Whether two blocks share an address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Whether the address `ip` is in the block. */
export function cidrHas(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}

/** `ip-10-0-1-23.ec2.internal` in us-east-1, `ip-10-0-1-23.<region>.compute.internal` elsewhere. */
export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** `ec2-3-4-5-6.compute-1.amazonaws.com` in us-east-1, `ec2-….<region>.compute.amazonaws.com` elsewhere. */
export function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}
