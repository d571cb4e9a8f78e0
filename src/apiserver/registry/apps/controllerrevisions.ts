/**
 * apps/v1 controllerrevisions, as ValidateControllerRevision (data is mandatory, revision is not
 * negative) and ValidateControllerRevisionUpdate (data never changes), with
 * printControllerRevision's CONTROLLER and REVISION columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { immutable, nonNegative, required } from '../core/field-errors.js';
import { column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface ControllerRevision extends KObject {
  data?: unknown;
  revision?: number;
}

/** The controllerRevision strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const controllerRevisionStrategy = {
  validate(cr) {
    const errs: FieldError[] = [];
    if (cr.data == null) errs.push(required('data', 'data is mandatory'));
    errs.push(...nonNegative('revision', cr.revision));
    return errs;
  },
  validateUpdate: (cr, old) => immutable('data', cr.data, old.data, '<data>'),
} satisfies ResourceStrategy<ControllerRevision>;

/** The controller as `kind.group/name` in lower case (formatResourceName), `<none>` without one. */
export function controllerOf(o: KObject): string {
  const ref = o.metadata?.ownerReferences?.find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const gk = group ? `${ref.kind}.${group}` : ref.kind;
  return gk ? `${gk.toLowerCase()}/${ref.name}` : ref.name;
}

/** The `controllerrevisions` resource: table data plus its strategy. */
export const controllerrevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  printerColumns: [
    column('Controller', controllerOf, { description: 'Controller of the object' }),
    column('Revision', (o) => (o as ControllerRevision).revision ?? 0, { description: 'Revision indicates the revision of the state represented by Data.' }),
  ],
  strategy: controllerRevisionStrategy as ResourceStrategy,
};
