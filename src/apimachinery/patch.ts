/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) and JSON Merge Patch (RFC 7386,
 * `application/merge-patch+json`) with kube-apiserver's error behaviour. Inputs are never
 * mutated; results share no structure with inputs.
 *
 * kube-apiserver applies JSON patches with gopkg.in/evanphx/json-patch.v4, whose deviations from
 * the RFC are reproduced where clients can notice them (see applyJsonPatch).
 */
import { badRequest, StatusError, tooLarge } from './errors.js';
import { deepClone, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** What kube-apiserver answers for any JSON patch that does not apply (a generic 422). */
export const PATCH_REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';
/** maxJSONPatchOperations in kube-apiserver's patch handler. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * A JSON patch that does not apply: 422 Invalid with upstream's generic message and empty
 * details, exactly what the wire shows. `detail` says what failed, for logs and tests only.
 */
export class JsonPatchError extends StatusError {
  constructor(
    readonly detail: string,
    readonly opIndex: number,
  ) {
    super(422, 'Invalid', PATCH_REJECTED_MESSAGE, {});
    this.name = 'JsonPatchError';
  }
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

type Container = JsonObject | JsonValue[];

class OpFailure extends Error {}
const fail = (msg: string): never => {
  throw new OpFailure(msg);
};

/** Splits a JSON pointer; `~1` is `/` and `~0` is `~` (in that order). */
function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) fail(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** strconv.Atoi-style index: an optional sign and digits (leading zeros allowed). */
function parseIndex(token: string, path: string): number {
  if (!/^[+-]?\d+$/.test(token)) fail(`value was not a proper array index: '${token}' (${path})`);
  return Number(token);
}

/** The container holding the last token of `path`, and that token. */
function parentOf(doc: JsonValue, path: string, opName: string): [Container, string] {
  const tokens = pointerTokens(path);
  const last = tokens.pop();
  if (last === undefined) return fail(`${opName} operation does not apply: doc is missing path: "${path}"`);
  let cur: JsonValue | undefined = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = parseIndex(t, path);
      cur = i >= 0 && i < cur.length ? cur[i] : undefined;
    } else if (isJsonObject(cur)) {
      cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    } else {
      cur = undefined;
    }
    if (cur === undefined) break;
  }
  if (!Array.isArray(cur) && !isJsonObject(cur)) return fail(`${opName} operation does not apply: doc is missing path: "${path}"`);
  return [cur, last];
}

/** Resolves an array token for reading/replacing/removing; negative indices count from the end. */
function existingIndex(arr: JsonValue[], token: string, path: string): number {
  let i = parseIndex(token, path);
  if (i < 0) i += arr.length;
  if (i < 0 || i >= arr.length) fail(`Unable to access invalid index: ${token} (${path})`);
  return i;
}

function getValue(doc: JsonValue, path: string, opName: string): JsonValue {
  if (path === '') return doc;
  const [c, key] = parentOf(doc, path, opName);
  if (Array.isArray(c)) return c[existingIndex(c, key, path)]!;
  if (!Object.hasOwn(c, key)) fail(`${opName} operation does not apply: doc is missing key: ${path}`);
  return c[key]!;
}

function addValue(doc: JsonValue, path: string, value: JsonValue, opName: string): void {
  const [c, key] = parentOf(doc, path, opName);
  if (!Array.isArray(c)) {
    c[key] = value;
    return;
  }
  if (key === '-') {
    c.push(value);
    return;
  }
  let i = parseIndex(key, path);
  if (i < 0) i += c.length + 1;
  if (i < 0 || i > c.length) fail(`Unable to access invalid index: ${key} (${path})`);
  c.splice(i, 0, value);
}

function removeValue(doc: JsonValue, path: string, opName: string): JsonValue {
  const [c, key] = parentOf(doc, path, opName);
  if (Array.isArray(c)) return c.splice(existingIndex(c, key, path), 1)[0]!;
  if (!Object.hasOwn(c, key)) fail(`Unable to remove nonexistent key: ${key}: missing value`);
  const old = c[key]!;
  delete c[key];
  return old;
}

/** The operation's value; an absent value is null, as json-patch v4 treats it. */
function valueOf(op: Record<string, unknown>): JsonValue {
  return op.value === undefined ? null : deepClone(op.value as JsonValue);
}

function stringField(op: Record<string, unknown>, name: 'path' | 'from'): string {
  const v = op[name];
  if (typeof v !== 'string') fail(`operation missing ${name} field`);
  return v as string;
}

/**
 * Applies RFC 6902 operations to a copy of `doc` and returns it. Matching kube-apiserver:
 * - `ops` that is not an array of objects → 400 BadRequest with Go's decoding message;
 * - more than 10000 operations → 413;
 * - any operation that does not apply (unknown op, missing path/member/index, failed test) →
 *   JsonPatchError, a 422 whose wire message does not say which;
 * - evanphx/json-patch v4 leniencies: an array index may have a sign or leading zeros, negative
 *   indices count from the end, an absent `value` is null (add/replace store null, and `test`
 *   passes when the member is missing or null); the root path "" only works for `test`.
 */
export function applyJsonPatch(doc: JsonValue, ops: unknown): JsonValue {
  if (ops === null) return deepClone(doc);
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isJsonObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let result = deepClone(doc);
  ops.forEach((raw: Record<string, unknown> | null, i) => {
    const op = raw ?? {};
    try {
      result = applyOne(result, op);
    } catch (e) {
      if (e instanceof OpFailure) throw new JsonPatchError(e.message, i);
      throw e;
    }
  });
  return result;
}

function applyOne(doc: JsonValue, op: Record<string, unknown>): JsonValue {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add':
      addValue(doc, stringField(op, 'path'), valueOf(op), 'add');
      return doc;
    case 'remove':
      removeValue(doc, stringField(op, 'path'), 'remove');
      return doc;
    case 'replace': {
      const path = stringField(op, 'path');
      const value = valueOf(op);
      const [c, key] = parentOf(doc, path, 'replace');
      if (Array.isArray(c)) c[existingIndex(c, key, path)] = value;
      else if (Object.hasOwn(c, key)) c[key] = value;
      else fail(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      return doc;
    }
    case 'move': {
      const from = stringField(op, 'from');
      const path = stringField(op, 'path');
      const value = removeValue(doc, from, 'move');
      addValue(doc, path, value, 'move');
      return doc;
    }
    case 'copy': {
      const value = deepClone(getValue(doc, stringField(op, 'from'), 'copy'));
      addValue(doc, stringField(op, 'path'), value, 'copy');
      return doc;
    }
    case 'test': {
      const path = stringField(op, 'path');
      const expected = Object.hasOwn(op, 'value') ? (op.value as JsonValue) : null;
      let actual: JsonValue | undefined;
      if (path === '') actual = doc;
      else {
        const [c, key] = parentOf(doc, path, 'test');
        if (Array.isArray(c)) actual = c[existingIndex(c, key, path)];
        else actual = Object.hasOwn(c, key) ? c[key] : undefined;
      }
      if ((actual ?? null) === null ? expected !== null : !deepEqual(actual, expected)) {
        fail(`testing value ${path} failed: test failed`);
      }
      return doc;
    }
    default:
      return fail(`Unexpected kind: ${kind}`);
  }
}

function goJsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * Applies an RFC 7386 merge patch and returns the result: an object patch merges member by
 * member (null deletes, objects recurse, anything else replaces), any other patch replaces the
 * document. Lists are replaced whole, which is why kubectl uses strategic merge for built-ins.
 */
export function applyMergePatch(doc: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return deepClone(patch);
  const out: JsonObject = isJsonObject(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v);
  }
  // Members the patch did not touch are still shared with `doc`; copy them.
  for (const k of Object.keys(out)) if (!Object.hasOwn(patch, k)) out[k] = deepClone(out[k]!);
  return out;
}
