/**
 * EC2 resource ids: a type prefix and 17 lowercase hex digits (`vpc-0a1b2c3d4e5f60718`), as EC2
 * has issued since 2018. Random ids for user-created resources; ids derived from a seed for the
 * resources a fresh account already has (default VPC, subnets, …), so that creating them twice —
 * by two requests racing on first use — is idempotent.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new random id `<prefix>-<17 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** The id `<prefix>-<17 hex>` that `seed` always yields. */
export function seededId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

/** A random MAC address with the locally administered bit set, as ENIs show (`0e:…`). */
export function newMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** A random public IPv4 address from ranges EC2 hands out (3.x, 18.x, 34.x, 44.x, 52.x, 54.x). */
export function newPublicIp(): string {
  const firsts = [3, 18, 34, 44, 52, 54];
  const b = randomBytes(4);
  return `${firsts[b[0]! % firsts.length]}.${b[1]}.${b[2]}.${Math.max(1, b[3]! % 255)}`;
}
