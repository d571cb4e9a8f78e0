/**
 * Address checks of k8s.io/apimachinery/pkg/util/validation and pkg/apis/core/validation that
 * endpoint slices, network policies and ingresses share: IPv4/IPv6 literals, CIDRs, special
 * ranges (ValidateNonSpecialIP) and fully qualified domain names, with upstream's messages.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { invalid, required } from '../core/field-errors.js';

/** IsValidIPv4Address / IsValidIPv6Address. */
export function ipOfFamily(value: string, family: 4 | 6, path: string): FieldError[] {
  const ok = family === 4 ? isIPv4(value) : isIPv6(value);
  return ok ? [] : [invalid(path, value, `must be a valid IPv${family} address`)];
}

/** The bytes of an IPv4 or IPv6 literal (IPv4 as 4 bytes), undefined when it is not one. */
export function ipBytes(value: string): number[] | undefined {
  if (isIPv4(value)) return value.split('.').map(Number);
  if (!isIPv6(value)) return undefined;
  let s = value;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

/** ValidateNonSpecialIP: not unspecified, loopback, link-local or link-local multicast. */
export function nonSpecialIP(value: string, path: string): FieldError[] {
  const b = ipBytes(value);
  if (!b) return [invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = b.length === 4 ? b : b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255 ? b.slice(12) : undefined;
  const unspecified = b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  const llMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (unspecified) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (llMulticast) errs.push(invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** A parsed CIDR: address bytes and prefix length. */
export interface Cidr {
  bytes: number[];
  prefix: number;
}

/** ParseCIDRSloppy: undefined when `value` is not `ip/prefix`. */
export function parseCidr(value: string): Cidr | undefined {
  const [ip, len, extra] = value.split('/');
  if (extra !== undefined || ip === undefined || len === undefined || !/^\d+$/.test(len) || !isIP(ip)) return undefined;
  const bytes = ipBytes(ip)!;
  const prefix = Number(len);
  return prefix <= bytes.length * 8 ? { bytes, prefix } : undefined;
}

/** IsValidCIDR. */
export function validCidr(value: string, path: string): FieldError[] {
  return parseCidr(value) ? [] : [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** True when `inner` lies within `outer` (same family, longer or equal prefix, same leading bits). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.bytes.length !== inner.bytes.length || inner.prefix < outer.prefix) return false;
  for (let bit = 0; bit < outer.prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((outer.bytes[byte]! & mask) !== (inner.bytes[byte]! & mask)) return false;
  }
  return true;
}

/** IsFullyQualifiedDomainName (at least two labels) or, with `segments` 3, IsFullyQualifiedName. */
export function fullyQualified(name: string, path: string, segments = 2): FieldError[] {
  if (!name) return [required(path)];
  const n = name.endsWith('.') && segments === 2 ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length) return [invalid(path, n, sub.join(','))];
  const parts = n.split('.');
  if (parts.length < segments) return [invalid(path, n, `should be a domain with at least ${segments === 2 ? 'two' : 'three'} segments separated by dots`)];
  for (const label of parts) {
    const errs = isDNS1123Label(label);
    if (errs.length) return [invalid(path, label, errs.join(','))];
  }
  return [];
}
