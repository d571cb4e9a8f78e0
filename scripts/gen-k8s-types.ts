/**
 * Generates `src/apimachinery/schema/types.gen.ts`, our table of the Kubernetes built-in
 * types, from the upstream `generated.proto` files (wire definitions kept outside the repo).
 *
 *   node --import tsx scripts/gen-k8s-types.ts [protoDir] [--check]
 *
 * `protoDir` defaults to /work/shared/research/k8s-proto. `--check` writes nothing and exits
 * 1 when the committed file differs from what would be generated (for CI).
 *
 * Only derived facts are emitted (field names and numbers, types, merge/list markers): no
 * comments or documentation text from the proto files. The parser handles the subset
 * go-to-protobuf writes: `package`, `import`, `option`, (nested) `message`,
 * `optional|repeated <type> <name> = <n>;`, `map<k, v> <name> = <n>;` and `//` comments,
 * whose `+marker=value` lines are attached to the next message or field.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  F_INLINE,
  F_MAP,
  F_OPTIONAL,
  F_REPEATED,
  F_REQUIRED,
  M_ATOMIC,
  M_TYPE_META,
  type FieldRow,
  type MessageRow,
  type SpecialKind,
} from '../src/apimachinery/schema/table-format.js';

/** A `+key=value` comment marker; keys may repeat (`+listMapKey`). */
export type Marker = readonly [key: string, value: string];

/** A proto field as written in the file (type not yet resolved). */
export interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated' | 'map';
  type: string;
  keyType?: string;
  markers: Marker[];
}

/** A proto message; `pkg` is its proto package. */
export interface ProtoMessage {
  fullName: string;
  pkg: string;
  markers: Marker[];
  fields: ProtoField[];
}

const SCALARS = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

const FIELD_RE = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?\s*;$/;
const MAP_RE = /^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;$/;
const MARKER_RE = /^\/\/\s*\+(.+)$/;

/** Parses one generated.proto; throws on any statement outside the supported subset. */
export function parseProto(text: string, file = '<proto>'): ProtoMessage[] {
  const lines = text.split('\n');
  const out: ProtoMessage[] = [];
  const stack: ProtoMessage[] = [];
  let pkg = '';
  let pending: Marker[] = [];
  let inBlock = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const fail = (why: string): never => {
      throw new Error(`${file}:${i + 1}: ${why}: ${line}`);
    };
    if (inBlock || line.startsWith('/*')) {
      inBlock = !line.endsWith('*/');
      return;
    }
    if (line === '') return;
    if (line.startsWith('//')) {
      const m = MARKER_RE.exec(line);
      if (m?.[1]) {
        const eq = m[1].indexOf('=');
        pending.push(eq < 0 ? [m[1].trim(), ''] : [m[1].slice(0, eq).trim(), m[1].slice(eq + 1).trim()]);
      }
      return;
    }
    const markers = pending;
    pending = [];
    const top = stack[stack.length - 1];
    let m: RegExpExecArray | null;
    if (/^(syntax|import|option)\b/.test(line)) return;
    if ((m = /^package\s+([\w.]+)\s*;$/.exec(line))) {
      pkg = m[1] ?? fail('package');
      return;
    }
    if ((m = /^message\s+(\w+)\s*\{$/.exec(line))) {
      if (!pkg) fail('message before package');
      const scope = top ? top.fullName : pkg;
      const msg: ProtoMessage = { fullName: `${scope}.${m[1]}`, pkg, markers, fields: [] };
      out.push(msg);
      stack.push(msg);
      return;
    }
    if (line === '}') {
      if (!stack.pop()) fail('unbalanced }');
      return;
    }
    if (!top) return fail('statement outside a message');
    if ((m = MAP_RE.exec(line))) {
      const [, keyType = '', type = '', name = '', num = ''] = m;
      top.fields.push({ name, number: Number(num), label: 'map', type, keyType, markers });
      return;
    }
    if ((m = FIELD_RE.exec(line))) {
      const [, label = '', type = '', name = '', num = ''] = m;
      if (label === 'required') fail('proto2 required is not used by Kubernetes');
      top.fields.push({ name, number: Number(num), label: label as 'optional' | 'repeated', type, markers });
      return;
    }
    fail('unsupported statement');
  });
  if (stack.length) throw new Error(`${file}: unterminated message ${stack[stack.length - 1]?.fullName}`);
  return out;
}

/**
 * Resolves a type name written inside `scope` (a message's full name) following proto
 * scoping, innermost first; a name found nowhere is taken to be in `pkg`.
 */
export function resolveType(type: string, scope: string, known: ReadonlySet<string>, pkg = scope): string {
  if (SCALARS.has(type)) return type;
  if (type.startsWith('.')) return type.slice(1);
  for (let s = scope; s; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') {
    if (known.has(`${s}.${type}`)) return `${s}.${type}`;
  }
  return known.has(type) ? type : `${pkg}.${type}`;
}

/** Every generated.proto under `dir`, sorted for a stable output. */
export function findProtoFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...findProtoFiles(p));
    else if (entry === 'generated.proto') out.push(p);
  }
  return out;
}

/** API group of each `k8s.io.api.<pkg>.<version>` package (the real group names). */
const GROUPS: Readonly<Record<string, string>> = {
  core: '',
  admission: 'admission.k8s.io',
  admissionregistration: 'admissionregistration.k8s.io',
  apidiscovery: 'apidiscovery.k8s.io',
  apps: 'apps',
  authentication: 'authentication.k8s.io',
  authorization: 'authorization.k8s.io',
  autoscaling: 'autoscaling',
  batch: 'batch',
  certificates: 'certificates.k8s.io',
  coordination: 'coordination.k8s.io',
  discovery: 'discovery.k8s.io',
  events: 'events.k8s.io',
  flowcontrol: 'flowcontrol.apiserver.k8s.io',
  imagepolicy: 'imagepolicy.k8s.io',
  networking: 'networking.k8s.io',
  node: 'node.k8s.io',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  resource: 'resource.k8s.io',
  scheduling: 'scheduling.k8s.io',
  storage: 'storage.k8s.io',
  storagemigration: 'storagemigration.k8s.io',
};

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Messages whose Go type has its own JSON form (see `SpecialKind`). */
const SPECIAL: Readonly<Record<string, SpecialKind>> = {
  [`${META}.Time`]: 'time',
  [`${META}.MicroTime`]: 'micro-time',
  [`${META}.Duration`]: 'duration',
  [`${META}.FieldsV1`]: 'fields-v1',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'quantity',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'raw-extension',
};

/**
 * Fields whose proto name is not the JSON name: go-to-protobuf takes the name from the Go
 * struct tag's `name=`, which for these differs from the `json:` tag. Checked against the
 * upstream OpenAPI models (see types.test.ts). `DaemonEndpoint.Port` really is `Port` in JSON.
 */
const JSON_NAMES: Readonly<Record<string, string>> = {
  'k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration.Webhooks': 'webhooks',
  'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration.Webhooks': 'webhooks',
  'k8s.io.api.admissionregistration.v1.Validation.Expression': 'expression',
  'k8s.io.api.admissionregistration.v1.Variable.Name': 'name',
  'k8s.io.api.admissionregistration.v1.Variable.Expression': 'expression',
  'k8s.io.api.authentication.v1.BoundObjectReference.uID': 'uid',
  'k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup': 'apiGroup',
};

/** Go fields embedded with `json:",inline"`: their message's fields appear in the parent. */
const INLINE: ReadonlySet<string> = new Set([
  'k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations',
  'k8s.io.api.admissionregistration.v1.RuleWithOperations.rule',
  ...['ConfigMapEnvSource', 'ConfigMapKeySelector', 'ConfigMapProjection', 'ConfigMapVolumeSource',
    'SecretEnvSource', 'SecretKeySelector', 'SecretProjection'].map((m) => `k8s.io.api.core.v1.${m}.localObjectReference`),
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.networking.v1.IngressRule.ingressRuleValue',
  ...['DeviceAllocationConfiguration', 'DeviceClaimConfiguration', 'DeviceClassConfiguration']
    .map((m) => `k8s.io.api.resource.v1.${m}.deviceConfiguration`),
  'k8s.io.apimachinery.pkg.runtime.Unknown.typeMeta',
]);

/**
 * Messages carrying `metadata` (ObjectMeta) that are embedded templates, not kinds: their
 * Go types have no TypeMeta, so `apiVersion`/`kind` inside them are unknown fields.
 */
const NOT_KINDS: ReadonlySet<string> = new Set([
  'k8s.io.api.core.v1.PodTemplateSpec',
  'k8s.io.api.core.v1.PersistentVolumeClaimTemplate',
  'k8s.io.api.batch.v1.JobTemplateSpec',
  'k8s.io.api.resource.v1.ResourceClaimTemplateSpec',
]);

/** Messages with Go `TypeMeta` inline but no `metadata` field. */
const TYPE_META_EXTRA: ReadonlySet<string> = new Set([
  'k8s.io.api.admission.v1.AdmissionReview',
  ...['PodLogOptions', 'PodAttachOptions', 'PodExecOptions', 'PodPortForwardOptions', 'PodProxyOptions',
    'NodeProxyOptions', 'ServiceProxyOptions', 'SerializedReference'].map((m) => `k8s.io.api.core.v1.${m}`),
  ...['APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'ApplyOptions', 'CreateOptions',
    'DeleteOptions', 'GetOptions', 'ListOptions', 'PatchOptions', 'TableOptions', 'UpdateOptions'].map((m) => `${META}.${m}`),
]);

/** `type` without the package of `owner` when it lives right in it (see `FieldRow`). */
const relativeType = (type: string, owner: string): string => {
  const pkg = owner.slice(0, owner.lastIndexOf('.') + 1);
  const rest = type.slice(pkg.length);
  return type.startsWith(pkg) && !rest.includes('.') ? rest : type;
};
const has = (markers: readonly Marker[], key: string): boolean => markers.some(([k]) => k === key);
const first = (markers: readonly Marker[], ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const hit = markers.find(([k]) => k === key);
    if (hit) return hit[1];
  }
  return undefined;
};
const all = (markers: readonly Marker[], key: string): string[] => markers.filter(([k]) => k === key).map(([, v]) => v);

/** The generated table, before it is written out. */
export interface Table {
  messages: Record<string, MessageRow>;
  kindIndex: Record<string, string>;
  unresolved: string[];
}

/** Builds the table from parsed messages. */
export function buildTable(msgs: readonly ProtoMessage[]): Table {
  const known = new Set(msgs.map((m) => m.fullName));
  const unresolved = new Set<string>();
  const messages: Record<string, MessageRow> = {};
  const kindIndex: Record<string, string> = {};
  for (const msg of [...msgs].sort((a, b) => (a.fullName < b.fullName ? -1 : 1))) {
    const fields = msg.fields.map((f): FieldRow => {
      const id = `${msg.fullName}.${f.name}`;
      const type = resolveType(f.type, msg.fullName, known, msg.pkg);
      if (!SCALARS.has(type) && !known.has(type)) unresolved.add(type);
      if (f.label === 'map' && f.keyType !== 'string') throw new Error(`${id}: map key ${f.keyType} is not string`);
      const m = f.markers;
      const flags =
        (f.label === 'repeated' ? F_REPEATED : 0) | (f.label === 'map' ? F_MAP : 0) |
        (has(m, 'optional') ? F_OPTIONAL : 0) | (has(m, 'required') ? F_REQUIRED : 0) | (INLINE.has(id) ? F_INLINE : 0);
      const keys = all(m, 'listMapKey');
      const row = [
        JSON_NAMES[id] ?? f.name,
        f.number,
        relativeType(type, msg.fullName),
        flags,
        first(m, 'patchStrategy') ?? 0,
        first(m, 'patchMergeKey') ?? 0,
        first(m, 'listType', 'k8s:listType') ?? 0,
        keys.length ? keys : all(m, 'k8s:listMapKey').length ? all(m, 'k8s:listMapKey') : 0,
        first(m, 'mapType', 'structType') ?? 0,
      ] as unknown[];
      while (row.length > 4 && row[row.length - 1] === 0) row.pop();
      if (row.length === 4 && row[3] === 0) row.pop();
      return row as unknown as FieldRow;
    });
    const md = msg.fields.find((f) => f.name === 'metadata');
    const metadata = md && resolveType(md.type, msg.fullName, known, msg.pkg);
    const typeMeta = TYPE_META_EXTRA.has(msg.fullName) ||
      (!NOT_KINDS.has(msg.fullName) && (metadata === `${META}.ObjectMeta` || metadata === `${META}.ListMeta`));
    const only = msg.fields[0];
    const stringList = has(msg.markers, 'protobuf.nullable') && msg.fields.length === 1 &&
      only?.label === 'repeated' && only.type === 'string' && only.name === 'items';
    const special = SPECIAL[msg.fullName] ?? (stringList ? 'string-list' : 0);
    const flags = (typeMeta ? M_TYPE_META : 0) | (first(msg.markers, 'structType') === 'atomic' ? M_ATOMIC : 0);
    messages[msg.fullName] = [flags, special, fields];
    const pkg = /^k8s\.io\.api\.(\w+)\.(v\d+(?:(?:alpha|beta)\d+)?)\.(\w+)$/.exec(msg.fullName);
    if (typeMeta && pkg) {
      const [, name = '', version = '', kind = ''] = pkg;
      const group = GROUPS[name];
      if (group === undefined) throw new Error(`no API group known for package k8s.io.api.${name}`);
      kindIndex[`${group ? `${group}/` : ''}${version}/${kind}`] = msg.fullName;
    }
  }
  return { messages, kindIndex, unresolved: [...unresolved].sort() };
}

/** Throws when a hand table above names a message or field the full proto set lacks. */
export function checkHandTables(msgs: readonly ProtoMessage[]): void {
  const known = new Set(msgs.map((m) => m.fullName));
  const fieldIds = new Set(msgs.flatMap((m) => m.fields.map((f) => `${m.fullName}.${f.name}`)));
  for (const id of [...INLINE, ...Object.keys(JSON_NAMES)]) {
    if (!fieldIds.has(id)) throw new Error(`hand table names a field the protos lack: ${id}`);
  }
  for (const id of [...NOT_KINDS, ...TYPE_META_EXTRA, ...Object.keys(SPECIAL)]) {
    if (!known.has(id)) throw new Error(`hand table names a message the protos lack: ${id}`);
  }
}

const HEADER = '// Generated by scripts/gen-k8s-types.ts from the Kubernetes generated.proto files. Do not edit.\n';

/** Renders the table as the TypeScript module `types.gen.ts` (one message per line). */
export function render(table: Table): string {
  const lines = [
    HEADER,
    "import type { MessageRow } from './table-format.js';",
    '',
    '/** Every built-in message: fully qualified proto name → [flags, special, fields]. */',
    'export const MESSAGES: Readonly<Record<string, MessageRow>> = {',
    ...Object.entries(table.messages).map(([name, row]) => `  ${JSON.stringify(name)}: ${JSON.stringify(row)},`),
    '};',
    '',
    "/** Top-level kinds: `group/version/Kind` (`version/Kind` for the core group) → message. */",
    'export const KIND_INDEX: Readonly<Record<string, string>> = {',
    ...Object.keys(table.kindIndex).sort().map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(table.kindIndex[k])},`),
    '};',
    '',
  ];
  return lines.join('\n');
}

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../src/apimachinery/schema/types.gen.ts');

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const dir = argv.find((a) => !a.startsWith('--')) ?? '/work/shared/research/k8s-proto';
  const files = findProtoFiles(dir);
  if (!files.length) throw new Error(`no generated.proto under ${dir}`);
  const msgs = files.flatMap((f) => parseProto(readFileSync(f, 'utf8'), f));
  checkHandTables(msgs);
  const table = buildTable(msgs);
  const text = render(table);
  for (const t of table.unresolved) process.stderr.write(`warning: unresolved message type ${t}\n`);
  if (check) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {}
    if (current === text) return 0;
    process.stderr.write(`${OUT} is out of date: run node --import tsx scripts/gen-k8s-types.ts\n`);
    return 1;
  }
  writeFileSync(OUT, text);
  const n = Object.keys(table.messages).length;
  process.stdout.write(`wrote ${OUT}: ${n} messages, ${Object.keys(table.kindIndex).length} kinds, ${text.length} bytes\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
