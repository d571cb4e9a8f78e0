/**
 * Pieces shared by the printer columns of built-in resources, as the helpers of upstream's
 * pkg/printers/internalversion/printers.go: the Age column in its upstream position, the wide
 * Containers/Images/Selector columns of workloads, label and selector formatting, booleans.
 */
import { formatLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { age } from '../../endpoints/table.js';
import type { KObject, PrinterColumn } from '../resource.js';
import type { Container } from './pod-types.js';

const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The Age column, for resources whose upstream printer puts wide columns after it. */
export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  priority: 0,
  description: AGE_DESCRIPTION,
  cell: (o, now) => age(o.metadata?.creationTimestamp, now),
};

/** A string column from a getter (priority 0 unless given). */
export function column(name: string, cell: (o: KObject, now: number) => unknown, opts: Partial<Omit<PrinterColumn, 'name' | 'cell'>> = {}): PrinterColumn {
  return { name, type: 'string', priority: 0, ...opts, cell };
}

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(containers: Container[] | undefined): [names: string, images: string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** The wide Containers and Images columns of a workload whose containers `get` finds. */
export function containerColumns(get: (o: KObject) => Container[] | undefined): PrinterColumn[] {
  return [
    column('Containers', (o) => containerCells(get(o))[0], { priority: 1, description: 'Names of each container in the template.' }),
    column('Images', (o) => containerCells(get(o))[1], { priority: 1, description: 'Images referenced by each container in the template.' }),
  ];
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(m: Record<string, string> | null | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when it is empty, `<error>` when invalid. */
export function formatSelector(sel: MetaLabelSelector | null | undefined): string {
  try {
    return formatLabelSelector(sel) || '<none>';
  } catch {
    return '<error>';
  }
}

/** printBoolPtr: `True`, `False`, or `<unset>`. */
export function printBoolPtr(v: boolean | null | undefined): string {
  if (v == null) return '<unset>';
  return v ? 'True' : 'False';
}
