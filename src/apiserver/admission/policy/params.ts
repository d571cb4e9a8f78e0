/**
 * The parameters a ValidatingAdmissionPolicyBinding hands its policy (generic.CollectParams):
 * none without a paramKind or paramRef (one evaluation with `params` null), the object named by
 * paramRef.name, or every object its selector picks, in the request's namespace (or
 * paramRef.namespace) for a namespaced paramKind; none found with parameterNotFoundAction Deny is
 * a configuration error.
 */
import { matches, selectorFromLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { KObject, ResourceDef } from '../../registry/resource.js';
import { cachedObject, cachedObjects, type ApiAccess } from '../types.js';

/** spec.paramKind. */
export interface ParamKind {
  apiVersion?: string;
  kind?: string;
}

/** spec.paramRef. */
export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: MetaLabelSelector;
  parameterNotFoundAction?: string;
}

/** The served resource of a paramKind (by group, version and kind), or undefined. */
function resolveParamKind(api: ApiAccess, pk: ParamKind): Pick<ResourceDef, 'group' | 'plural' | 'namespaced'> | undefined {
  const [group, version] = (pk.apiVersion ?? '').includes('/') ? (pk.apiVersion!.split('/') as [string, string]) : ['', pk.apiVersion ?? ''];
  const def = api.resources?.find((d) => d.group === group && d.version === version && d.kind === pk.kind);
  if (def) return def;
  // Without the resource table, guess the plural as the lower-cased kind + s and ask the stores.
  const plural = `${(pk.kind ?? '').toLowerCase()}s`;
  const gs = api.storeFor(group, plural);
  return gs && gs.def.kind === pk.kind ? gs.def : undefined;
}

/** The params to evaluate with (null: evaluate once without params), or a configuration error. */
export function collectParams(api: ApiAccess, pk: ParamKind | undefined, ref: ParamRef | undefined, a: AdmissionAttributes): (KObject | null)[] | { error: string } {
  if (!pk || !ref) return [null];
  const def = resolveParamKind(api, pk);
  if (!def) return { error: `paramKind kind \`&ParamKind{APIVersion:${pk.apiVersion ?? ''},Kind:${pk.kind ?? ''},}\` not known` };
  let ns: string | undefined;
  if (def.namespaced) {
    ns = ref.namespace || a.namespace;
    if (!ns) return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  } else if (ref.namespace) {
    return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  }
  let params: KObject[];
  if (ref.name) {
    const obj = cachedObject(api, def.group, def.plural, ns, ref.name);
    params = obj ? [obj] : [];
  } else if (ref.selector) {
    const sel = selectorFromLabelSelector(ref.selector);
    params = cachedObjects(api, def.group, def.plural, ns).filter((o) => matches(sel, o.metadata?.labels ?? {}));
  } else {
    return { error: 'one of name or selector must be provided' };
  }
  if (!params.length && ref.parameterNotFoundAction === 'Deny') return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
  return params;
}
