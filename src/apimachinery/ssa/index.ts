/**
 * Server-side apply and managedFields for the API server: a pure library (no I/O).
 *
 * - {@link serverSideApply} for `PATCH` with `application/apply-patch+yaml`;
 * - {@link recordUpdate} for every other write (create, update, JSON/merge/strategic patches);
 * - {@link builtinApplySchema} / {@link structuralApplySchema} / {@link permissiveApplySchema} say how
 *   each field merges;
 * - {@link FieldSet} is the FieldsV1 field set, {@link fieldsOf} the fields an object sets.
 */
export { applyConflictError, serverSideApply, type ApplyOptions, type ApplyResult } from './apply.js';
export {
  FieldSet,
  comparePathElements,
  fieldElement,
  indexElement,
  keyElement,
  parsePathElement,
  pathString,
  valueElement,
  type FieldPath,
  type PathElement,
} from './fieldpath.js';
export { LAST_APPLIED_ANNOTATION } from './last-applied.js';
export {
  ANCIENT_CHANGES_MANAGER,
  BEFORE_FIRST_APPLY_MANAGER,
  MAX_UPDATE_MANAGERS,
  decodeManagedFields,
  encodeManagedFields,
  type ManagedFieldsEntry,
} from './managed-fields.js';
export {
  builtinApplySchema,
  permissiveApplySchema,
  structuralApplySchema,
  type ApplySchema,
  type ApplyType,
  type DeducedType,
  type ListType,
  type MapType,
  type ScalarType,
} from './schema.js';
export { compare, fieldsOf, type Comparison } from './typed.js';
export { defaultManager, recordUpdate, type UpdateOptions } from './update.js';
