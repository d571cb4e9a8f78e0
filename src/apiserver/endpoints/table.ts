/**
 * The Table view (meta.k8s.io/v1) that `kubectl get` prints: Name, the resource's printer columns,
 * Age — as upstream's printers and the TableConvertor of custom resources.
 */
import type { KObject, PrinterColumn, ResourceDef } from '../registry/resource.js';
import type { ApiListBody } from './types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const NAME_COLUMN = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };
const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
  cell: (o, now) => age(o.metadata?.creationTimestamp, now),
};

/** Columns that already say when an object was made; with one of them there is no extra Age. */
const TIME_COLUMNS = new Set(['Age', 'Created At', 'Last Seen']);

/**
 * The resource's columns besides Name. Built-in printers that list no time column get Age at the
 * end, as upstream's do (all but podtemplates': `noAgeColumn`); custom resources show exactly
 * their additionalPrinterColumns.
 */
export function tableColumns(def: ResourceDef): PrinterColumn[] {
  const cols = def.printerColumns ?? [];
  if ('crd' in def || def.noAgeColumn || cols.some((c) => TIME_COLUMNS.has(c.name))) return cols;
  return [...cols, AGE_COLUMN];
}

/** A Name column shown only with -o wide comes last, as in upstream's event printer. */
function nameLast(def: ResourceDef): boolean {
  return (def.nameColumnPriority ?? 0) > 0;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export function tableRow(def: ResourceDef, obj: KObject, now: number, include: IncludeObject): TableRow {
  const cells: unknown[] = tableColumns(def).map((c) => c.cell(obj, now) ?? null);
  const name = obj.metadata?.name ?? '';
  if (nameLast(def)) cells.push(name);
  else cells.unshift(name);
  const row: TableRow = { cells };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return row;
}

export function table(def: ResourceDef, rows: TableRow[], meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: columnDefinitions(def),
    rows,
  };
}

/**
 * The same Table in parts (see ApiListBody): the envelope and column definitions, then one
 * JSON string per row, so a Table of 100k pods is never one string.
 */
export function tableBody(def: ResourceDef, rows: readonly TableRow[], meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }): ApiListBody {
  const empty = JSON.stringify(table(def, [], meta));
  // `rows` is the last field: the envelope ends with `[]}`.
  return { contentType: 'application/json', head: empty.slice(0, -2), items: rows.map((r) => JSON.stringify(r)), tail: ']}' };
}

function columnDefinitions(def: ResourceDef): object[] {
  const name = { ...NAME_COLUMN, priority: def.nameColumnPriority ?? 0 };
  const rest = tableColumns(def).map(({ cell: _c, ...d }) => ({ description: '', format: '', ...d }));
  return nameLast(def) ? [...rest, name] : [name, ...rest];
}

/** As k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age of an object, `<unknown>` without a timestamp (as upstream's translateTimestampSince). */
export function age(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}
