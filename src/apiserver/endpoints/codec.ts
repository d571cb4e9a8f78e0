/**
 * Request bodies in and response representations out: JSON, YAML and Kubernetes protobuf bodies
 * (kubectl ≥1.32 sends protobuf for `create <kind>`, `auth can-i`, `create token`), the 3 MiB limit, and Accept negotiation between plain JSON and
 * the Table view that `kubectl get` asks for.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest, notAcceptable, tooLarge, unsupportedMediaType } from '../../apimachinery/errors.js';
import { decodeKubernetesProtobuf, isProtobufMediaType } from '../../apimachinery/protobuf.js';
import { omitEmpty } from '../../apimachinery/protobuf-omit-empty.js';
import { messageFor } from '../../apimachinery/schema/types.js';
import type { KObject } from '../registry/resource.js';

/** kube-apiserver's limit on a request body (--max-request-bytes default for resources). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Parses a body as JSON or YAML; anything else is 415. Empty bodies give `undefined`. */
export function decodeBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (body && body.length > MAX_BODY_BYTES) throw tooLarge();
  if (!body || body.length === 0) return undefined;
  const type = mediaType(contentType);
  const text = body.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json') || type === '*/*' || type === '') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding JSON: ${(e as Error).message}`);
    }
  }
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml' || type === 'application/x-yaml') {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw unsupportedMediaType(type);
}

/**
 * Parses a body that must be one object. A protobuf body is decoded with the kind it names
 * (`expected` fills in what the envelope leaves out) and cleaned of the zero values gogo writes.
 */
export function decodeObject(body: Buffer | undefined, contentType: string | undefined, expected?: { apiVersion: string; kind: string }): KObject {
  if (body && body.length > MAX_BODY_BYTES) throw tooLarge();
  if (body && body.length && isProtobufMediaType(contentType ?? '')) {
    const d = decodeKubernetesProtobuf(body, expected);
    const [group, version] = d.apiVersion.includes('/') ? (d.apiVersion.split('/') as [string, string]) : ['', d.apiVersion];
    const message = messageFor({ group, version, kind: d.kind });
    return (message ? omitEmpty(message, d.object) : d.object) as KObject;
  }
  const v = decodeBody(body, contentType);
  if (v === undefined) throw badRequest('the body of the request was empty');
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(v).slice(0, 100)}'`);
  return v as KObject;
}

export type Representation = 'json' | 'table' | 'partial-metadata';

/**
 * Which representation the Accept header asks for, in its order of preference. kubectl get asks
 * for `application/json;as=Table;v=v1;g=meta.k8s.io, …, application/json`.
 */
export function negotiate(accept: string | undefined): Representation {
  if (!accept) return 'json';
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    const t = (type ?? '').toLowerCase();
    if (t !== 'application/json' && t !== '*/*' && t !== 'application/*') continue;
    if (p.as === undefined) return 'json';
    if (p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
      if (p.as === 'Table') return 'table';
      if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return 'partial-metadata';
    }
  }
  // Only protobuf or unknown media types were offered and nothing else fits.
  if (/application\/(json|\*)|\*\/\*/.test(accept) === false && !/vnd\.kubernetes\.protobuf/.test(accept))
    throw notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  return 'json';
}
