/**
 * Field ownership on every write, as kube-apiserver's field manager: server-side apply merges
 * and checks conflicts; every other write records what the writer changed under its manager
 * name (`fieldManager`, else derived from the User-Agent).
 */
import type { JsonObject } from '../../apimachinery/json.js';
import { builtinApplySchema, defaultManager, FieldSet, permissiveApplySchema, recordUpdate, serverSideApply, structuralApplySchema, type ApplySchema } from '../../apimachinery/ssa/index.js';
import type { CustomResourceDef } from '../registry/apiextensions/custom-resources.js';
import { groupVersion, type KObject, type ResourceDef } from '../registry/resource.js';
import type { ApiRequest } from './types.js';

export interface FieldManager {
  manager: string;
  /** Sets `updated.metadata.managedFields` for a create (`old` absent) or a non-apply write. */
  record(old: KObject | undefined, updated: KObject, subresource?: string): void;
  /** Server-side apply of `applied` onto `live` (absent: create); throws the 409 on conflicts. */
  apply(live: KObject | undefined, applied: KObject, force: boolean, subresource?: string): KObject;
}

const schemas = new WeakMap<ResourceDef, ApplySchema>();

function schemaOf(def: ResourceDef): ApplySchema {
  let s = schemas.get(def);
  if (!s) {
    if ('crd' in def) {
      const structural = (def as CustomResourceDef).crd.structural;
      s = structural ? structuralApplySchema(structural) : permissiveApplySchema();
    } else s = builtinApplySchema({ group: def.group, version: def.version, kind: def.kind });
    schemas.set(def, s);
  }
  return s;
}

/** The fields a write to the main resource or to /status may not own (the strategy resets them). */
function ignored(def: ResourceDef, subresource: string | undefined): FieldSet | undefined {
  if (subresource === 'status') return FieldSet.fromFieldNames([['spec'], ['metadata', 'labels'], ['metadata', 'annotations']]);
  if (!subresource && def.subresources?.status) return FieldSet.fromFieldNames([['status']]);
  return undefined;
}

export function fieldManager(def: ResourceDef, req: ApiRequest, now: number): FieldManager {
  const manager = req.query.get('fieldManager') || defaultManager(req.headers['user-agent'] as string | undefined);
  const schema = schemaOf(def);
  const apiVersion = groupVersion(def);
  return {
    manager,
    record(old, updated, subresource) {
      const mf = recordUpdate({ schema, old: old as JsonObject | undefined, updated: updated as JsonObject, manager, now: new Date(now), apiVersion, subresource, ignoredFields: ignored(def, subresource) });
      const meta = (updated.metadata ??= {});
      if (mf) meta.managedFields = mf;
      else delete meta.managedFields;
    },
    apply(live, applied, force, subresource) {
      const r = serverSideApply({ schema, live: live as JsonObject | undefined, applied: applied as JsonObject, manager, force, now: new Date(now), apiVersion, kind: def.kind, subresource, ignoredFields: ignored(def, subresource) });
      return r.object as KObject;
    },
  };
}
