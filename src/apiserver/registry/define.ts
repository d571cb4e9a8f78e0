/** A shorthand for declaring resources in the table: names derived the usual way, the rest given. */
import type { ResourceDef } from './resource.js';

type Spec = Omit<ResourceDef, 'singular' | 'plural' | 'strategy'> & Partial<Pick<ResourceDef, 'singular' | 'plural' | 'strategy'>>;

export function defineResource(spec: Spec): ResourceDef {
  const singular = spec.singular ?? spec.kind.toLowerCase();
  return { ...spec, singular, plural: spec.plural ?? `${singular}s`, strategy: spec.strategy ?? {} };
}

/** Reads a dotted path from an object (for field selectors and printer cells). */
export function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** A field getter for selectableFields: the value as a string, '' when absent. */
export const field = (path: string) => (obj: unknown) => {
  const v = at(obj, path);
  return v === undefined || v === null ? '' : String(v);
};
