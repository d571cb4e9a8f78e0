/**
 * The trimmed botocore service model that `scripts/gen-aws-models.ts` writes into `*.gen.ts`:
 * what the wire layer needs to parse, validate and serialize (protocol metadata, HTTP bindings,
 * shapes with their serialization and constraint traits), without documentation text.
 * Field names are botocore's, so the model reads like the upstream JSON it came from.
 */

/** The four wire protocols eksplane serves (botocore `metadata.protocol`). */
export type ProtocolName = 'rest-json' | 'json' | 'query' | 'ec2';

export interface ModelMetadata {
  protocol: ProtocolName;
  apiVersion: string;
  endpointPrefix: string;
  /** SigV4 service name of the credential scope (defaults to endpointPrefix in botocore). */
  signingName: string;
  serviceId: string;
  /** JSON 1.x: the `X-Amz-Target` prefix (`TrentService` for KMS). */
  targetPrefix?: string;
  jsonVersion?: string;
  /** Query / EC2: the xmlns of responses. */
  xmlNamespace?: string;
  globalEndpoint?: string;
}

export interface OperationModel {
  http: { method: string; requestUri: string; responseCode?: number };
  /** Absent for operations outside the generator's allow-list (and for operations without input). */
  input?: string;
  output?: string;
  /** Query protocol: the element that wraps the output (`ListUsersResult`). */
  resultWrapper?: string;
  errors?: string[];
  /** False when the operation is outside the allow-list: its shapes were not generated. */
  modeled: boolean;
}

/** A reference to a shape from a member, list member, map key or value, with its own traits. */
export interface ShapeRef {
  shape: string;
  locationName?: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  /** EC2 input name (overrides locationName). */
  queryName?: string;
  flattened?: boolean;
  xmlNamespace?: { uri?: string; prefix?: string };
  xmlAttribute?: boolean;
  timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
}

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double'
  | 'boolean' | 'timestamp' | 'blob';

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  /** Traits that botocore also reads at shape level (a member's own trait wins). */
  locationName?: string;
  flattened?: boolean;
  timestampFormat?: ShapeRef['timestampFormat'];
  xmlNamespace?: ShapeRef['xmlNamespace'];
  /** rest protocols: the member that is the whole body. */
  payload?: string;
  document?: boolean;
  union?: boolean;
  exception?: boolean;
  fault?: boolean;
  /** Query protocols: the wire code (when not the shape name) and HTTP status of an error shape. */
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface ServiceModel {
  metadata: ModelMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** The shape a reference points to; throws on a dangling name (a generator bug, not user input). */
export function shapeOf(model: ServiceModel, ref: ShapeRef | string): Shape {
  const name = typeof ref === 'string' ? ref : ref.shape;
  const s = model.shapes[name];
  if (!s) throw new Error(`shape ${name} is not in the ${model.metadata.serviceId} model`);
  return s;
}

/** A reference's serialized name, as botocore resolves it: the member's locationName, then the shape's. */
export function locationNameOf(model: ServiceModel, ref: ShapeRef): string | undefined {
  return ref.locationName ?? shapeOf(model, ref).locationName;
}

/** Whether a list or map is flattened, by the member's trait or the shape's. */
export function isFlattened(model: ServiceModel, ref: ShapeRef): boolean {
  return ref.flattened ?? shapeOf(model, ref).flattened ?? false;
}
