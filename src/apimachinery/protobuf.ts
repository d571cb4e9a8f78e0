/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies into the JSON form of the
 * object, for the built-in types of the generated table (`schema/types.ts`).
 *
 * kubectl 1.32+ sends protobuf for every typed-clientset write (`create namespace|configmap|...`,
 * `create token`, `auth can-i`, ...) and never falls back to JSON, so the server must read it.
 * The body is the 4 magic bytes `k8s\0` followed by a `runtime.Unknown` message
 * (`1: typeMeta{1: apiVersion, 2: kind}`, `2: raw`, `3: contentEncoding`, `4: contentType`);
 * `raw` is the object's own gogo-protobuf message. The result is the JSON Go's encoding/json
 * would give for the decoded Go struct, with one difference: fields that gogo writes even when
 * zero (non-pointer strings, numbers, bools) stay in the result (`generateName: ""`), as the wire
 * cannot tell them from a pointer field set to its zero value (`replicas: 0`). Consumers must
 * treat `""`/`0`/`false` of non-pointer fields as unset, as Go does. int64 values beyond 2^53
 * lose precision (JSON numbers); a non-repeated field sent twice keeps its last value.
 */
import { badRequest } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { canonicalizeQuantity } from './quantity.js';
import { messageFor, messageInfo, type FieldInfo, type SpecialKind } from './schema/types.js';

/** `k8s\0`, the prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** Nesting limit (messages, maps, lists, embedded objects): built-in types nest about 15 deep. */
const MAX_DEPTH = 64;

/** The result of {@link decodeKubernetesProtobuf}. */
export interface DecodedProtobuf {
  /** `group/version`, or `version` for the core group, as the body names it. */
  apiVersion: string;
  kind: string;
  /** The object in its JSON form, `kind` and `apiVersion` set. */
  object: JsonObject;
}

/**
 * Whether a `Content-Type` header names Kubernetes protobuf (parameters such as
 * `;stream=watch` ignored, case-insensitive).
 */
export function isProtobufMediaType(contentType: string | undefined | null): boolean {
  if (!contentType) return false;
  return contentType.split(';', 1)[0]!.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/**
 * Decodes a Kubernetes protobuf body (`k8s\0` + `runtime.Unknown`) of a built-in kind into its
 * JSON form. `defaults` fill a missing `apiVersion`/`kind`, as kube-apiserver fills them from
 * the request path.
 *
 * @throws StatusError 400 BadRequest when the magic is missing, the kind is not a built-in one,
 *   or the wire data is truncated or malformed (never hangs: every length is bounded by the body).
 */
export function decodeKubernetesProtobuf(body: Uint8Array, defaults?: { apiVersion?: string; kind?: string }): DecodedProtobuf {
  return decodeEnvelope(body, defaults, 0);
}

function decodeEnvelope(body: Uint8Array, defaults: { apiVersion?: string; kind?: string } | undefined, depth: number): DecodedProtobuf {
  if (body.length === 0) throw badRequest('empty protobuf body');
  if (body.length < 4 || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  if (body.length === 4) throw badRequest('empty protobuf body after the k8s prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array | undefined;
  let encoding = '';
  for (const f of wireFields(body.subarray(4))) {
    if (f.num === 1 && expectWire(f, 2, 'Unknown.typeMeta')) {
      for (const t of wireFields(f.bytes)) {
        if (t.num === 1 && expectWire(t, 2, 'TypeMeta.apiVersion')) apiVersion = utf8(t.bytes);
        if (t.num === 2 && expectWire(t, 2, 'TypeMeta.kind')) kind = utf8(t.bytes);
      }
    } else if (f.num === 2 && expectWire(f, 2, 'Unknown.raw')) raw = f.bytes;
    else if (f.num === 3 && expectWire(f, 2, 'Unknown.contentEncoding')) encoding = utf8(f.bytes);
  }
  apiVersion ||= defaults?.apiVersion ?? '';
  kind ||= defaults?.kind ?? '';
  if (!kind) throw badRequest('Object \'Kind\' is missing in the protobuf body');
  if (!apiVersion) throw badRequest(`Object 'apiVersion' is missing in the protobuf body of kind "${kind}"`);
  if (encoding) throw badRequest(`unsupported protobuf content encoding "${encoding}"`);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const message = messageFor({ group, version, kind });
  if (!message) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in protobuf; use application/json`);
  const decoded = decodeMessage(message, raw ?? new Uint8Array(0), depth + 1);
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw badRequest(`kind "${kind}" of "${apiVersion}" does not decode to an object`);
  }
  return { apiVersion, kind, object: { kind, apiVersion, ...decoded } };
}

// ---- wire format -------------------------------------------------------------------------

/** One field as found on the wire. `varint` for wire type 0; `bytes` for 1 (8), 2 and 5 (4). */
interface WireField {
  num: number;
  wire: 0 | 1 | 2 | 5;
  varint: bigint;
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', '6', '7'];

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos + i];
    if (b === undefined) throw badRequest('invalid protobuf body: truncated varint');
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [BigInt.asUintN(64, value), pos + i + 1];
  }
  throw badRequest('invalid protobuf body: varint longer than 10 bytes');
}

/** The fields of one message, in wire order. Throws on truncation, groups and bad tags. */
function* wireFields(buf: Uint8Array): Generator<WireField> {
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (num < 1 || num > 0x1fffffff) throw badRequest(`invalid protobuf body: illegal field number ${num}`);
    pos = afterTag;
    if (wire === 0) {
      const [varint, next] = readVarint(buf, pos);
      pos = next;
      yield { num, wire, varint, bytes: EMPTY };
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > buf.length) throw badRequest(`invalid protobuf body: truncated fixed-size field ${num}`);
      yield { num, wire, varint: 0n, bytes: buf.subarray(pos, pos + size) };
      pos += size;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, pos);
      if (len > BigInt(buf.length - start)) throw badRequest(`invalid protobuf body: length of field ${num} runs past the end of its message`);
      pos = start + Number(len);
      yield { num, wire, varint: 0n, bytes: buf.subarray(start, pos) };
    } else {
      throw badRequest(`invalid protobuf body: unsupported wire type ${WIRE_NAMES[wire]} for field ${num}`);
    }
  }
}

function expectWire(f: WireField, wire: number, what: string): true {
  if (f.wire !== wire) throw badRequest(`invalid protobuf body: ${what} has wire type ${WIRE_NAMES[f.wire]}, expected ${WIRE_NAMES[wire]}`);
  return true;
}

const utf8Decoder = new TextDecoder('utf-8');
function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

// ---- scalars -----------------------------------------------------------------------------

/** Wire type of each proto scalar; anything else (a message) is length-delimited. */
const SCALAR_WIRE: Readonly<Record<string, 0 | 1 | 2 | 5>> = {
  string: 2, bytes: 2, bool: 0, enum: 0, int32: 0, int64: 0, uint32: 0, uint64: 0, sint32: 0, sint64: 0,
  double: 1, fixed64: 1, sfixed64: 1, float: 5, fixed32: 5, sfixed32: 5,
};

/** A scalar in its JSON form: int64 as a JSON number, bytes as base64. */
function decodeScalar(type: string, f: WireField, what: string): JsonValue {
  expectWire(f, SCALAR_WIRE[type] ?? 2, what);
  const v = f.varint;
  switch (type) {
    case 'string': return utf8(f.bytes);
    case 'bytes': return Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).toString('base64');
    case 'bool': return v !== 0n;
    case 'int32': case 'enum': return Number(BigInt.asIntN(32, v));
    case 'uint32': return Number(BigInt.asUintN(32, v));
    case 'int64': return Number(BigInt.asIntN(64, v));
    case 'uint64': return Number(v);
    case 'sint32': case 'sint64': return Number((v >> 1n) ^ -(v & 1n));
  }
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  switch (type) {
    case 'double': return finite(view.getFloat64(0, true), what);
    case 'float': return finite(view.getFloat32(0, true), what);
    case 'fixed32': return view.getUint32(0, true);
    case 'sfixed32': return view.getInt32(0, true);
    case 'fixed64': return Number(view.getBigUint64(0, true));
    case 'sfixed64': return Number(view.getBigInt64(0, true));
  }
  throw badRequest(`cannot decode protobuf scalar type ${type} of ${what}`);
}

function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw badRequest(`invalid protobuf body: ${what} is not a finite number (JSON has no NaN or Infinity)`);
  return n;
}

/** The elements of a packed repeated scalar field (wire type 2 for a numeric type). */
function unpack(type: string, bytes: Uint8Array, what: string): JsonValue[] {
  const wire = SCALAR_WIRE[type];
  const out: JsonValue[] = [];
  for (let pos = 0; pos < bytes.length;) {
    if (wire === 0) {
      const [varint, next] = readVarint(bytes, pos);
      out.push(decodeScalar(type, { num: 0, wire: 0, varint, bytes: EMPTY }, what));
      pos = next;
    } else {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > bytes.length) throw badRequest(`invalid protobuf body: truncated packed ${what}`);
      out.push(decodeScalar(type, { num: 0, wire: wire as 1 | 5, varint: 0n, bytes: bytes.subarray(pos, pos + size) }, what));
      pos += size;
    }
  }
  return out;
}

// ---- messages ----------------------------------------------------------------------------

const byNumberCache = new Map<string, ReadonlyMap<number, FieldInfo>>();

function fieldsByNumber(message: string): ReadonlyMap<number, FieldInfo> | undefined {
  const hit = byNumberCache.get(message);
  if (hit) return hit;
  const info = messageInfo(message);
  if (!info) return undefined;
  const map = new Map(info.fields.map((f) => [f.number, f]));
  byNumberCache.set(message, map);
  return map;
}

/** A value of `type` (scalar or message) from one wire field. */
function decodeValue(type: string, f: WireField, depth: number, what: string): JsonValue {
  if (type in SCALAR_WIRE) return decodeScalar(type, f, what);
  expectWire(f, 2, what);
  return decodeMessage(type, f.bytes, depth + 1);
}

/** The JSON form of a message, with inlined (Go-embedded) fields flattened into it. */
function decodeMessage(message: string, buf: Uint8Array, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw badRequest(`invalid protobuf body: nesting deeper than ${MAX_DEPTH} levels`);
  const info = messageInfo(message);
  const fields = fieldsByNumber(message);
  if (!info || !fields) throw badRequest(`cannot decode protobuf message ${message}: not a served type`);
  if (info.special) return decodeSpecial(info.special, buf, depth, message);
  const out: JsonObject = {};
  const inlined: JsonObject[] = [];
  for (const f of wireFields(buf)) {
    const field = fields.get(f.num);
    if (!field) continue; // unknown field: skipped, as gogo does
    const what = `${message}.${field.json}`;
    if (field.inline) {
      const inner = decodeValue(field.type, f, depth, what);
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) inlined.push(inner);
    } else if (field.map) {
      expectWire(f, 2, what);
      let key = '';
      let value: JsonValue | undefined;
      for (const e of wireFields(f.bytes)) {
        if (e.num === 1) key = String(decodeScalar('string', e, `${what} key`));
        else if (e.num === 2) value = decodeValue(field.type, e, depth + 1, `${what}[${key}]`);
      }
      const map = isObject(out[field.json]) ? (out[field.json] as JsonObject) : (out[field.json] = {});
      map[key] = value ?? zeroValue(field.type, depth + 1);
    } else if (field.repeated) {
      const list = Array.isArray(out[field.json]) ? (out[field.json] as JsonValue[]) : (out[field.json] = []);
      if (field.scalar && f.wire === 2 && SCALAR_WIRE[field.type] !== 2) list.push(...unpack(field.type, f.bytes, what));
      else list.push(decodeValue(field.type, f, depth + 1, what));
    } else {
      out[field.json] = decodeValue(field.type, f, depth, what);
    }
  }
  // Go's encoding/json: a field of the outer struct hides a same-named one of an embedded struct.
  for (const inner of inlined) {
    for (const [k, v] of Object.entries(inner)) {
      if (!(k in out) && !info.fields.some((f) => !f.inline && f.json === k)) out[k] = v;
    }
  }
  return out;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a map entry without a value holds: the type's zero value. */
function zeroValue(type: string, depth: number): JsonValue {
  if (!(type in SCALAR_WIRE)) return decodeMessage(type, EMPTY, depth);
  return type === 'string' || type === 'bytes' ? '' : type === 'bool' ? false : 0;
}

// ---- special types -----------------------------------------------------------------------

/** Types whose JSON is not an object of their proto fields (Go custom JSON marshallers). */
function decodeSpecial(kind: SpecialKind, buf: Uint8Array, depth: number, message: string): JsonValue {
  const last = new Map<number, WireField>();
  const items: string[] = [];
  for (const f of wireFields(buf)) {
    last.set(f.num, f);
    if (kind === 'string-list' && f.num === 1) items.push(String(decodeScalar('string', f, `${message}.items`)));
  }
  const int = (num: number): bigint => {
    const f = last.get(num);
    return f ? (expectWire(f, 0, `${message} field ${num}`), BigInt.asIntN(64, f.varint)) : 0n;
  };
  const bytes = (num: number): Uint8Array | undefined => {
    const f = last.get(num);
    return f && expectWire(f, 2, `${message} field ${num}`) ? f.bytes : undefined;
  };
  switch (kind) {
    case 'string-list':
      return items;
    case 'time':
    case 'micro-time': {
      // metav1.Time: an empty message is the zero time, which marshals to JSON null.
      if (buf.length === 0) return null;
      const nanos = BigInt.asIntN(32, int(2));
      return kind === 'time' ? rfc3339(int(1) * 1_000_000n, false) : rfc3339(int(1) * 1_000_000n + nanos / 1000n, true);
    }
    case 'duration':
      return goDuration(int(1));
    case 'int-or-string': {
      const type = int(1);
      if (type === 0n) return Number(BigInt.asIntN(32, int(2)));
      const str = bytes(3);
      if (type === 1n) return str ? utf8(str) : '';
      throw badRequest(`invalid protobuf body: IntOrString has impossible type ${type}`);
    }
    case 'quantity': {
      const raw = bytes(1);
      if (!raw) return '0';
      try {
        return canonicalizeQuantity(utf8(raw));
      } catch (err) {
        throw badRequest(`invalid quantity in protobuf body: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    case 'raw-extension':
    case 'fields-v1': {
      const raw = bytes(1);
      if (!raw || raw.length === 0) return null;
      if (kind === 'raw-extension' && PROTOBUF_MAGIC.every((b, i) => raw[i] === b)) return decodeEnvelope(raw, undefined, depth + 1).object;
      try {
        return JSON.parse(utf8(raw)) as JsonValue;
      } catch {
        throw badRequest(`invalid protobuf body: ${message} does not hold JSON`);
      }
    }
  }
}

/** RFC 3339 in UTC from microseconds since the epoch: seconds precision, or 6 digits with `micro`. */
function rfc3339(micros: bigint, micro: boolean): string {
  let secs = micros / 1_000_000n;
  let frac = micros % 1_000_000n;
  if (frac < 0n) {
    frac += 1_000_000n;
    secs -= 1n;
  }
  // Years 0000 to 9999, the range RFC 3339 can write.
  if (secs < -62_167_219_200n || secs > 253_402_300_799n) throw badRequest(`invalid protobuf body: time ${secs}s is outside years 0-9999`);
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${frac.toString().padStart(6, '0')}Z` : `${base}Z`;
}

/** Go's time.Duration.String(): `1h2m3.5s`, `1m0s`, `1.5ms`, `0s`. */
export function goDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  let u = nanos < 0n ? -nanos : nanos;
  const fraction = (v: bigint, digits: number): [string, bigint] => {
    let text = '';
    for (let i = 0; i < digits; i++, v /= 10n) if (text || v % 10n !== 0n) text = `${v % 10n}${text}`;
    return [text ? `.${text}` : '', v];
  };
  let s: string;
  if (u < 1_000_000_000n) {
    const [digits, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, '\u00b5s'] : [6, 'ms'];
    const [frac, whole] = fraction(u, digits);
    s = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fraction(u, 9);
    u = secs;
    s = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return nanos < 0n ? `-${s}` : s;
}
