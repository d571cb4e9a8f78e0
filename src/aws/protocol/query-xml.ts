/**
 * XML responses of the query protocol and its EC2 dialect, walked by the model as botocore's
 * QueryParser / EC2QueryParser read them:
 * - query: `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`;
 * - EC2: `<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…</requestId>…</OpResponse>`.
 * Members are elements named by `locationName` (or the member name); lists wrap `<member>` (EC2:
 * the model's `<item>`) unless flattened; maps are `<entry><key/><value/></entry>`; timestamps
 * ISO 8601; booleans `true|false`; blobs base64.
 */
import { isFlattened, locationNameOf, shapeOf, type OperationModel, type ServiceModel, type ShapeRef } from '../models/types.js';
import type { AwsHttpResponse } from './http.js';
import { encodeJson } from './json-values.js';
import type { QueryDialect } from './query-input.js';
import { blobOut, formatTimestamp, toDate } from './values.js';

// XML 1.0 cannot carry most control characters, not even as references: they are dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The response namespace: the model's, with EC2's trailing slash as the real service writes it. */
export function xmlNamespace(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace ?? '';
  return model.metadata.protocol === 'ec2' && ns && !ns.endsWith('/') ? ns + '/' : ns;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Appends the XML of `v` as the element `name` (or its flattened repetitions) to `out`. */
function element(model: ServiceModel, ref: ShapeRef, name: string, v: unknown, out: string[]): void {
  if (v === undefined || v === null) return;
  const s = shapeOf(model, ref);
  switch (s.type) {
    case 'structure':
      if (!isObject(v)) return;
      out.push(`<${name}>`);
      members(model, ref, v, out);
      out.push(`</${name}>`);
      return;
    case 'list': {
      if (!Array.isArray(v)) return;
      const itemName = s.member!.locationName;
      if (isFlattened(model, ref)) {
        for (const x of v) element(model, s.member!, itemName ?? name, x, out);
        return;
      }
      if (!v.length) return void out.push(`<${name}/>`);
      out.push(`<${name}>`);
      for (const x of v) element(model, s.member!, itemName ?? 'member', x, out);
      out.push(`</${name}>`);
      return;
    }
    case 'map': {
      if (!isObject(v)) return;
      const k = s.key!.locationName ?? 'key';
      const val = s.value!.locationName ?? 'value';
      const flat = isFlattened(model, ref);
      if (!flat) out.push(`<${name}>`);
      for (const [key, x] of Object.entries(v)) {
        out.push(flat ? `<${name}>` : '<entry>', `<${k}>${escapeXml(key)}</${k}>`);
        element(model, s.value!, val, x, out);
        out.push(flat ? `</${name}>` : '</entry>');
      }
      if (!flat) out.push(`</${name}>`);
      return;
    }
    default: {
      const text = scalarText(s.type, ref.timestampFormat ?? s.timestampFormat, v);
      if (text !== undefined) out.push(`<${name}>${escapeXml(text)}</${name}>`);
    }
  }
}

function members(model: ServiceModel, ref: ShapeRef, v: Record<string, unknown>, out: string[]): void {
  for (const [name, m] of Object.entries(shapeOf(model, ref).members ?? {})) {
    element(model, m, locationNameOf(model, m) ?? name, v[name], out);
  }
}

function scalarText(type: string, format: ShapeRef['timestampFormat'], v: unknown): string | undefined {
  switch (type) {
    case 'timestamp': {
      const d = toDate(v);
      return d && String(formatTimestamp(d, format ?? 'iso8601'));
    }
    case 'blob':
      return blobOut(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return String(v);
  }
}

/** Serializes a handler's output as the dialect's XML document (HTTP 200). */
export function serializeQueryOutput(model: ServiceModel, opName: string, op: OperationModel, output: Record<string, unknown>, requestId: string, dialect: QueryDialect): AwsHttpResponse {
  const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<${opName}Response xmlns="${escapeXml(xmlNamespace(model))}">`];
  if (dialect === 'ec2') {
    out.push(`<requestId>${escapeXml(requestId)}</requestId>`);
    if (op.output) members(model, { shape: op.output }, output, out);
  } else {
    if (op.output) {
      const wrapper = op.resultWrapper ?? `${opName}Result`;
      out.push(`<${wrapper}>`);
      members(model, { shape: op.output }, output, out);
      out.push(`</${wrapper}>`);
    }
    out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`);
  }
  out.push(`</${opName}Response>`);
  return { status: 200, headers: { 'Content-Type': 'text/xml' }, body: out.join('') };
}

/**
 * The JSON form of a query response, which STS answers when asked with `Accept: application/json`
 * (what aws-iam-authenticator sends with an `aws eks get-token` presigned GetCallerIdentity):
 * `{"<Op>Response": {"<Op>Result": {…}, "ResponseMetadata": {"RequestId": …}}}`.
 */
export function serializeQueryJson(model: ServiceModel, opName: string, op: OperationModel, output: Record<string, unknown>, requestId: string): AwsHttpResponse {
  const result = op.output ? encodeJson(model, { shape: op.output }, output) : undefined;
  const body = { [`${opName}Response`]: { ...(result ? { [op.resultWrapper ?? `${opName}Result`]: result } : {}), ResponseMetadata: { RequestId: requestId } } };
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

/** The XML error document of the dialect (status and headers are the caller's). */
export function queryErrorXml(dialect: QueryDialect, e: { code: string; message: string; type: 'Sender' | 'Receiver'; fields?: Record<string, unknown> }, requestId: string, xmlns?: string): string {
  const code = escapeXml(e.code);
  // Extra scalar members of the exception shape ride inside <Error>, where botocore reads modeled fields.
  const extra = Object.entries(e.fields ?? {}).filter(([k, v]) => /^[A-Za-z_][\w.-]*$/.test(k) && v !== null && ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join('');
  const msg = escapeXml(e.message) + '</Message>' + extra;
  if (dialect === 'ec2') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${msg}</Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
  }
  const ns = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${e.type}</Type><Code>${code}</Code><Message>${msg}</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
}
