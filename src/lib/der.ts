/**
 * Just enough ASN.1 DER (ITU-T X.690) to write and read X.509 certificates: definite-length
 * TLVs, minimal INTEGERs, OIDs, times, and a reader that walks a TLV's children. Writing a
 * certificate with these and `node:crypto` signing costs well under a millisecond, where a general
 * ASN.1 library spends tens of milliseconds per certificate.
 */

/** Universal and context-specific tags used by X.509. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

/** One TLV: `tag` then the DER length of `content`, then `content`. */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let len: number[];
  if (n < 0x80) len = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = [0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

/** SEQUENCE of the given encodings. */
export const seq = (...items: Uint8Array[]): Buffer => tlv(Tag.SEQUENCE, ...items);

/** A non-negative INTEGER from big-endian bytes, minimally encoded (a 0x00 pad only before a high bit). */
export function uint(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return tlv(Tag.INTEGER, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed.length ? trimmed : Buffer.from([0]));
}

/** An OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const group: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift(0x80 | (v & 0x7f));
    out.push(...group);
  }
  return tlv(Tag.OID, Buffer.from(out));
}

/** BIT STRING with no unused bits (signatures, public keys). */
export const bitString = (bytes: Uint8Array): Buffer => tlv(Tag.BIT_STRING, Buffer.from([0]), bytes);

/** A named-bit BIT STRING (keyUsage) with the given bit positions set, trailing zero bits dropped as DER requires. */
export function namedBits(bits: number[]): Buffer {
  const last = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return tlv(Tag.BIT_STRING, Buffer.from([7 - (last & 7)]), bytes);
}

/** X.509 Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), seconds precision. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(Tag.UTC_TIME, Buffer.from(digits.slice(2), 'latin1')) : tlv(Tag.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}

/** A TLV read from DER: its tag, the whole encoding and its content. */
export interface Node {
  tag: number;
  raw: Buffer;
  content: Buffer;
}

/** Reads the TLV at `offset` of `buf`; throws on a truncated or indefinite-length encoding. */
export function read(buf: Buffer, offset = 0): Node {
  const tag = buf[offset];
  let lenByte = buf[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new Error('DER: truncated');
  let pos = offset + 2;
  let len = lenByte;
  if (lenByte & 0x80) {
    const count = lenByte & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (buf[pos++] ?? NaN);
  }
  if (!Number.isFinite(len) || pos + len > buf.length) throw new Error('DER: truncated');
  return { tag, raw: buf.subarray(offset, pos + len), content: buf.subarray(pos, pos + len) };
}

/** The TLVs inside a constructed node, in order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < node.content.length; ) {
    const child = read(node.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}
