/**
 * Test helpers for strategies: run the hooks in the generic store's order on a copy of an object
 * and read back the objects and the field errors as upstream prints them.
 */
import { fieldErrorText } from '../../../apimachinery/errors.js';
import type { KObject, ResourceDef } from '../resource.js';

/** A fixed instant for printer cells and creation timestamps. */
export const NOW = Date.parse('2025-01-01T12:00:00Z');

/** What a create would store (prepareForCreate then defaults), with the metadata the store sets first. */
export function created<T extends KObject>(def: ResourceDef, obj: T): T {
  const o = structuredClone(obj);
  const meta = (o.metadata ??= {});
  meta.uid ??= '00000000-0000-0000-0000-000000000001';
  meta.creationTimestamp ??= new Date(NOW - 60_000).toISOString().replace('.000', '');
  if (def.subresources?.status && !def.strategy.keepStatusOnCreate) delete o.status;
  def.strategy.prepareForCreate?.(o, { now: NOW });
  def.strategy.defaults?.(o);
  return o;
}

/** The field errors of creating `obj`, as `path: message` texts. */
export function createErrors(def: ResourceDef, obj: KObject): string[] {
  return (def.strategy.validate?.(created(def, obj)) ?? []).map(fieldErrorText);
}

/** The field errors of updating `old` (as stored) to `next`, as texts (validate and validateUpdate). */
export function updateErrors(def: ResourceDef, old: KObject, next: KObject): string[] {
  const o = structuredClone(next);
  if (def.subresources?.status) o.status = structuredClone(old.status);
  def.strategy.prepareForUpdate?.(o, old, { now: NOW });
  def.strategy.defaults?.(o);
  const errs = [...(def.strategy.validate?.(o) ?? []), ...(def.strategy.validateUpdate?.(o, old) ?? [])];
  return errs.map(fieldErrorText);
}

/** The cells of one row (without Name), keyed by column name. */
export function cells(def: ResourceDef, obj: KObject, now = NOW): Record<string, unknown> {
  return Object.fromEntries((def.printerColumns ?? []).map((c) => [c.name, c.cell(obj, now)]));
}
