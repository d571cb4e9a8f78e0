/**
 * Generates `src/apimachinery/schema/descriptions.gen.json`: the upstream documentation text of
 * every message and field of our type table (types.gen.ts), as kube-apiserver puts it in the
 * `description` of its OpenAPI definitions and `kubectl explain` prints it.
 *
 *   node --import tsx scripts/gen-k8s-descriptions.ts [--check]
 *
 * Sources, both maintained dependencies in package.json, read from their type declarations:
 * - `kubernetes-types` (`<group>/<version>.d.ts`, `meta/v1.d.ts`, ...): JSDoc with upstream's
 *   line breaks kept, and descriptions of message-typed fields too; preferred;
 * - `@kubernetes/client-node` (`dist/gen/models/*.d.ts`, newer API): fills what the first lacks
 *   (fields and types added since). Its class names are the OpenAPI generator's
 *   (`V1PodSpec`, `CoreV1Event` when two groups share a kind name); a class is matched to a
 *   message by `<Group><Version><Kind>` first, then `<Version><Kind>` when all its fields
 *   belong to the message.
 *
 * Output is JSON (read lazily, only when an OpenAPI document is built) with sorted keys, so the
 * generator is deterministic; `--check` exits 1 when the committed file differs (the unit test
 * gen-k8s-descriptions.test.ts does the same check in CI).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from '../src/apimachinery/schema/types.gen.js';

/** Documentation of one declaration: its own text and its members' by JSON name. */
export interface DeclDocs {
  doc: string;
  fields: Record<string, string>;
}

/** What the generated file holds: message → [description, {field: description}]. */
export type DescriptionTable = Record<string, [string, Record<string, string>]>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'src/apimachinery/schema/descriptions.gen.json');
const KT = join(ROOT, 'node_modules/kubernetes-types');
const CN = join(ROOT, 'node_modules/@kubernetes/client-node/dist/gen/models');

const DECL_RE = /^export\s+(?:declare\s+)?(?:interface|class|type)\s+(\w+)/;
const MEMBER_RE = /^\s*(?:readonly\s+)?(?:'([^']+)'|"([^"]+)"|([\w$]+))\??\s*:/;

/** The text of a JSDoc block (`/** ... *\/`, one or several lines), leading `*` stripped. */
function commentText(lines: readonly string[]): string {
  const body = lines.join('\n').replace(/^\s*\/\*\*/, '').replace(/\*\/\s*$/, '');
  const out = body.split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  while (out.length && out[0] === '') out.shift();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n').trim();
}

/**
 * Parses a declaration file into `{declaration name → docs}`: each JSDoc block documents the
 * `export interface|class|type` or member line that follows it. `unescape` undoes the
 * OpenAPI generator's `\"` / `\'` escapes (client-node).
 */
export function parseDeclarations(text: string, unescape = false): Map<string, DeclDocs> {
  const out = new Map<string, DeclDocs>();
  const lines = text.split('\n');
  let current: DeclDocs | undefined;
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*\/\*\*/.test(line)) {
      const block = [line];
      while (!/\*\/\s*$/.test(lines[i] ?? '') && i + 1 < lines.length) block.push(lines[++i] ?? '');
      pending = commentText(block);
      if (unescape) pending = pending.replace(/\\(["'\\])/g, '$1');
      continue;
    }
    const decl = DECL_RE.exec(line);
    if (decl?.[1]) {
      current = { doc: pending ?? '', fields: {} };
      out.set(decl[1], current);
    } else if (current && /^\s{4}\S/.test(line) && !/^\s*(static|constructor)\b/.test(line)) {
      const m = MEMBER_RE.exec(line);
      const name = m && (m[1] ?? m[2] ?? m[3]);
      if (name && pending) current.fields[name] = pending;
    } else if (/^}/.test(line)) current = undefined;
    if (line.trim()) pending = undefined;
  }
  return out;
}

/** Proto package → kubernetes-types declaration file (relative to the package). */
function ktFileOf(pkg: string): string | undefined {
  let m = /^k8s\.io\.api\.(\w+)\.(v\w+)$/.exec(pkg);
  if (m) return `${m[1]}/${m[2]}.d.ts`;
  if (pkg === 'k8s.io.apimachinery.pkg.apis.meta.v1') return 'meta/v1.d.ts';
  if (pkg === 'k8s.io.apimachinery.pkg.api.resource') return 'api/resource.d.ts';
  if (pkg === 'k8s.io.apimachinery.pkg.runtime') return 'runtime.d.ts';
  m = /^k8s\.io\.apimachinery\.pkg\.util\.(\w+)$/.exec(pkg);
  return m ? `util/${m[1]}.d.ts` : undefined;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** client-node class names that may hold `message`, most specific first. */
function clientNodeNames(message: string): string[] {
  const m = /^k8s\.io\.(?:api\.(\w+)|apimachinery\.pkg\.apis\.(meta))\.(v\w+)\.(\w+)$/.exec(message);
  if (!m) return [];
  const [, group, meta, version = '', kind = ''] = m;
  return [`${cap(group ?? meta ?? '')}${cap(version)}${kind}`, `${cap(version)}${kind}`];
}

/** Reads a file or gives '' when it does not exist. */
function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** JSON field names of a message as the table holds them (inline fields flattened). */
function jsonFieldsOf(message: string, seen = new Set<string>()): string[] {
  const row = MESSAGES[message];
  if (!row || seen.has(message)) return [];
  seen.add(message);
  // M_TYPE_META (see table-format.ts): the JSON form has apiVersion and kind too.
  const out: string[] = row[0] & 1 ? ['apiVersion', 'kind'] : [];
  for (const f of row[2]) {
    const [json, , type, flags = 0] = f as unknown as [string, number, string, number];
    // F_INLINE (see table-format.ts): the embedded message's fields appear in the parent.
    if (flags & 16) out.push(...jsonFieldsOf(type.includes('.') ? type : `${message.slice(0, message.lastIndexOf('.'))}.${type}`, seen));
    else out.push(json);
  }
  return out;
}

/** Builds the table for `messages` from the two declaration sources. */
export function buildDescriptions(
  messages: readonly string[],
  kt: (file: string) => string = (f) => readOr(join(KT, f)),
  cn: (name: string) => string = (n) => readOr(join(CN, `${n}.d.ts`)),
): DescriptionTable {
  const ktCache = new Map<string, Map<string, DeclDocs>>();
  const ktDocs = (file: string) => {
    let d = ktCache.get(file);
    if (!d) ktCache.set(file, (d = parseDeclarations(kt(file))));
    return d;
  };
  const out: DescriptionTable = {};
  for (const message of [...messages].sort()) {
    const pkg = message.slice(0, message.lastIndexOf('.'));
    const name = message.slice(pkg.length + 1);
    const file = ktFileOf(pkg);
    const primary = file ? ktDocs(file).get(name) : undefined;
    const fields = new Set(jsonFieldsOf(message));
    let secondary: DeclDocs | undefined;
    for (const [i, cls] of clientNodeNames(message).entries()) {
      const d = parseDeclarations(cn(cls), true).get(cls);
      if (d && (i === 0 || Object.keys(d.fields).every((f) => fields.has(f)))) {
        secondary = d;
        break;
      }
    }
    const doc = primary?.doc || secondary?.doc || '';
    const docs: Record<string, string> = {};
    for (const f of [...fields].sort()) {
      const text = primary?.fields[f] || secondary?.fields[f];
      if (text) docs[f] = text;
    }
    if (doc || Object.keys(docs).length) out[message] = [doc, docs];
  }
  return out;
}

const MARKER = 'Generated by scripts/gen-k8s-descriptions.ts from the type declarations of kubernetes-types and @kubernetes/client-node. Do not edit.';

/** The file's text: the marker, then one message per line, sorted. */
export function renderDescriptions(table: DescriptionTable): string {
  const lines = Object.keys(table).sort().map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(table[k])}`);
  return `{\n  "//": ${JSON.stringify(MARKER)},\n  "messages": {\n${lines.map((l) => `  ${l}`).join(',\n')}\n  }\n}\n`;
}

/** The generated text for the current table and installed dependencies. */
export function generate(): string {
  if (!readdirSync(CN).length) throw new Error(`no client-node models under ${CN}`);
  return renderDescriptions(buildDescriptions(Object.keys(MESSAGES)));
}

/** Where the generated file lives. */
export const DESCRIPTIONS_FILE = OUT;

function main(argv: readonly string[]): number {
  const text = generate();
  if (argv.includes('--check')) {
    if (readOr(OUT) === text) return 0;
    process.stderr.write(`${OUT} is out of date: run node --import tsx scripts/gen-k8s-descriptions.ts\n`);
    return 1;
  }
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}: ${text.length} bytes\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
