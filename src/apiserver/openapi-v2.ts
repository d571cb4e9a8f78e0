/**
 * OpenAPI v2 (`/openapi/v2`, Swagger 2.0 JSON): one document for everything served, derived from
 * the same per-group-version v3 documents (openapi.ts), as kube-apiserver publishes both from
 * one set of definitions. v3-only forms become their v2 spelling as upstream's v2 documents
 * write them: `#/definitions/` references (a described `allOf` of one reference becomes the
 * reference with its description beside it), `IntOrString` as a string of format int-or-string,
 * `Quantity` as a string, request bodies as `in: body` parameters, media types in
 * `consumes`/`produces`.
 *
 * kubectl 1.32 reads v3 (`explain`, apply, field validation) and asks for v2 only against servers
 * without v3; client-go's v2 reader wants the gnostic protobuf form
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), which is not produced here:
 * such a request is answered 406, as a server without that encoding would.
 */
import { notAcceptable } from '../apimachinery/errors.js';
import { openapiDocument } from './openapi.js';
import { groupVersion, type ResourceDef } from './registry/resource.js';

type Json = Record<string, unknown>;

const V3_REF = '#/components/schemas/';
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** A v3 schema in v2 form (a copy). */
export function toV2Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2Schema);
  if (!s || typeof s !== 'object') return s;
  const o = s as Json;
  if (Array.isArray(o.allOf) && o.allOf.length === 1) {
    // v3's `{allOf: [{$ref}], description}` is v2's `{$ref, description}`.
    const { allOf, ...rest } = o;
    return toV2Schema({ ...rest, ...(allOf[0] as Json) });
  }
  if (Array.isArray(o.oneOf)) {
    const { oneOf: _o, ...rest } = o;
    return toV2Schema({ type: 'string', ...rest });
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'nullable') continue;
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith(V3_REF) ? `#/definitions/${v.slice(V3_REF.length)}` : toV2Schema(v);
  }
  return out;
}

function toV2Parameter(p: Json): Json {
  const { schema, ...rest } = p;
  return { ...rest, ...((toV2Schema(schema) as Json | undefined) ?? { type: 'string' }) };
}

function toV2Operation(op: Json): Json {
  const { requestBody, responses, parameters, ...rest } = op;
  const out: Json = { ...rest, schemes: ['https'], produces: PRODUCES };
  const params = ((parameters as Json[] | undefined) ?? []).map(toV2Parameter);
  const body = requestBody as { content?: Record<string, { schema?: unknown }>; required?: boolean } | undefined;
  if (body?.content) {
    const types = Object.keys(body.content);
    out.consumes = types.includes('*/*') ? ['*/*'] : types;
    params.unshift({ name: 'body', in: 'body', required: body.required ?? true, schema: toV2Schema(Object.values(body.content)[0]?.schema ?? { type: 'object' }) });
  }
  if (params.length) out.parameters = params;
  out.responses = Object.fromEntries(
    Object.entries((responses as Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>) ?? {}).map(([code, r]) => {
      const schema = r.content ? Object.values(r.content)[0]?.schema : undefined;
      return [code, { description: r.description ?? '', ...(schema ? { schema: toV2Schema(schema) } : {}) }];
    }),
  );
  return out;
}

/** The Swagger 2.0 document of everything `defs` serves. */
export function openapiV2Document(defs: ResourceDef[]): Json {
  const paths: Json = {};
  const definitions: Json = {};
  for (const gv of new Set(defs.map(groupVersion))) {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    const doc = openapiDocument(defs, group, version) as { paths: Record<string, Json>; components: { schemas: Json } };
    for (const [name, schema] of Object.entries(doc.components.schemas)) definitions[name] ??= toV2Schema(schema);
    for (const [path, item] of Object.entries(doc.paths)) {
      const v2: Json = {};
      for (const [k, v] of Object.entries(item)) v2[k] = k === 'parameters' ? (v as Json[]).map(toV2Parameter) : toV2Operation(v as Json);
      paths[path] = v2;
    }
  }
  const sortedDefs = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    definitions: sortedDefs,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

/** Per server's live resource list: the document and the list it was built from (rebuilt when a resource comes or goes). */
const built = new WeakMap<ResourceDef[], { snapshot: ResourceDef[]; body: string }>();

/**
 * The `/openapi/v2` answer: JSON unless the client accepts only other media types (the
 * protobuf form: 406).
 */
export function openapiV2Response(defs: ResourceDef[], accept: string | undefined): { status: number; headers: Record<string, string>; body: string } {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim()).filter(Boolean);
  if (types.length && !types.some((t) => t === 'application/json' || t === '*/*' || t === 'application/*'))
    throw notAcceptable(`only the following media types are accepted: application/json`);
  let doc = built.get(defs);
  if (!doc || doc.snapshot.length !== defs.length || doc.snapshot.some((d, i) => d !== defs[i])) built.set(defs, (doc = { snapshot: [...defs], body: JSON.stringify(openapiV2Document(defs)) }));
  return { status: 200, headers: { 'content-type': 'application/json', vary: 'Accept' }, body: doc.body };
}
