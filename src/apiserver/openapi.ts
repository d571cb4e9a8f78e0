/**
 * OpenAPI v3 (`/openapi/v3` and one document per group-version), built from the resource table.
 *
 * kubectl decides from these documents whether the server validates fields itself (a PATCH
 * operation for the kind with `x-kubernetes-group-version-kind` and a `fieldValidation`
 * parameter, shared/research/kube-api.md §1.2) and how to compute `apply` patches. Component
 * schemas of built-in kinds come from the type table generated from the upstream protos; a kind
 * without one (a custom resource without a schema) is an open object.
 */
import { createHash } from 'node:crypto';
import { COMMON_ROOTS, definitionName, schemasFor, schemasForGroupVersion } from '../apimachinery/schema/openapi.js';
import { META_V1 as META } from '../apimachinery/schema/types.js';
import { messageFor } from '../apimachinery/schema/types.js';
import { groupVersion, type ResourceDef } from './registry/resource.js';

const SCALE = 'k8s.io.api.autoscaling.v1.Scale';

const QUERY = (name: string, schema: object = { type: 'string' }) => ({ name, in: 'query', schema, uniqueItems: true });
const WRITE_PARAMS = [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation'), QUERY('pretty')];
const LIST_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'].map((n) => QUERY(n));
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** The `/openapi/v3` index: one hashed URL per group-version. */
export function openapiIndex(defs: ResourceDef[], doc: (gv: string) => string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of new Set(defs.map(groupVersion))) {
    const p = gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
    const hash = createHash('sha512').update(doc(gv)).digest('hex').slice(0, 128).toUpperCase();
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

/** The schema name of a kind, e.g. io.k8s.api.apps.v1.Deployment, com.example.stable.v1.CronTab. */
function schemaName(def: ResourceDef): string {
  const message = messageFor({ group: def.group, version: def.version, kind: def.kind });
  if (message) return definitionName(message);
  return `${def.group.split('.').reverse().join('.')}.${def.version}.${def.kind}`;
}

/** The OpenAPI v3 document of one group-version. */
export function openapiDocument(defs: ResourceDef[], group: string, version: string): object {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  const builtin = schemasForGroupVersion(group, version, { extraRoots: mine.some((d) => d.subresources?.scale) ? [SCALE] : [] });
  // Custom resources bring their own schemas, which refer to the apimachinery ones.
  const custom = mine.filter((d) => d.openapiSchemas);
  const components: Record<string, unknown> = { ...builtin, ...(custom.length ? schemasFor([`${META}.ObjectMeta`, ...COMMON_ROOTS]) : {}) };
  for (const d of custom) Object.assign(components, d.openapiSchemas);
  const paths: Record<string, object> = {};
  for (const d of mine) {
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    const name = schemaName(d);
    // Strategic merge is for built-in kinds only (custom resources answer it with 415), and
    // kubectl computes apply patches from this document only when it is offered.
    const smp = builtin[name] !== undefined;
    if (!components[name]) components[name] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-group-version-kind': [gvk] };
    if (!components[`${name}List`]) components[`${name}List`] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${d.kind}List` }] };
    const ref = { $ref: `#/components/schemas/${name}` };
    const body = { content: { '*/*': { schema: ref } }, required: true };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const base = `/${group ? `apis/${group}` : 'api'}/${version}`;
    const nsPart = d.namespaced ? '/namespaces/{namespace}' : '';
    const ext = (action: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk });
    const op = (id: string, action: string, extra: object = {}) => ({ operationId: `${id}${d.kind}`, tags: [group || 'core'], responses: ok, ...ext(action), ...extra });
    const pathParams = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }, ...(d.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : [])];
    const patchBody = { content: Object.fromEntries(PATCH_TYPES.filter((t) => smp || t !== 'application/strategic-merge-patch+json').map((t) => [t, { schema: { type: 'object' } }])), required: true };
    paths[`${base}${nsPart}/${d.plural}`] = {
      get: op('list', 'list', { parameters: LIST_PARAMS }),
      post: op('create', 'post', { parameters: WRITE_PARAMS, requestBody: body }),
      delete: op('deletecollection', 'deletecollection'),
      parameters: d.namespaced ? [pathParams[1]] : [],
    };
    paths[`${base}${nsPart}/${d.plural}/{name}`] = {
      get: op('read', 'get'),
      put: op('replace', 'put', { parameters: WRITE_PARAMS, requestBody: body }),
      patch: op('patch', 'patch', { parameters: [...WRITE_PARAMS, QUERY('force', { type: 'boolean' })], requestBody: patchBody }),
      delete: op('delete', 'delete', { parameters: [QUERY('dryRun'), QUERY('gracePeriodSeconds'), QUERY('propagationPolicy')] }),
      parameters: pathParams,
    };
    if (d.subresources?.status)
      paths[`${base}${nsPart}/${d.plural}/{name}/status`] = {
        get: op('read', 'get', { operationId: `read${d.kind}Status` }),
        put: op('replace', 'put', { operationId: `replace${d.kind}Status`, parameters: WRITE_PARAMS, requestBody: body }),
        patch: op('patch', 'patch', { operationId: `patch${d.kind}Status`, parameters: WRITE_PARAMS, requestBody: patchBody }),
        parameters: pathParams,
      };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'unversioned' }, paths, components: { schemas: components } };
}
