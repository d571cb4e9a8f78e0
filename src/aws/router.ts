/**
 * The AWS request pipeline, independent of node:http: classify (service from the SigV4 scope, or
 * the request's form when unsigned) → find the operation (rest-json: method + requestUri; JSON:
 * X-Amz-Target; query/EC2: Action) → authenticate → parse and validate the input against the
 * model → authorize `<iamPrefix>:<Operation>` → handler (or the protocol's 501 `NotImplemented`) →
 * serialize. Anything thrown leaves through `toAwsError` in the protocol's error shape.
 * Every response carries `x-amzn-RequestId` (and `x-amz-request-id` for query and EC2, as AWS does).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';
import { MODELS } from './models/index.js';
import type { OperationModel, ProtocolName, ServiceModel } from './models/types.js';
import { ERRORS, serializeError, toAwsError } from './protocol/errors.js';
import type { AwsHttpRequest, AwsHttpResponse } from './protocol/http.js';
import { jsonTargetOperation, parseJsonInput, serializeJsonOutput } from './protocol/json.js';
import { parseQueryInput, queryParams } from './protocol/query-input.js';
import { serializeQueryJson, serializeQueryOutput } from './protocol/query-xml.js';
import { classifyAwsRequest } from './protocol/request-kind.js';
import { matchRestJson, parseRestJsonInput, serializeRestJsonOutput } from './protocol/rest-json.js';
import { validateInput, validationError, type Violation } from './protocol/validate.js';
import { defineService, type AwsService } from './service.js';
import { AwsError, type AwsContext, type Principal } from './types.js';

/** What authentication sees of a request (the raw path and body, for SigV4). */
export type AuthRequest = Pick<AwsHttpRequest, 'method' | 'path' | 'query' | 'headers' | 'body'>;

/**
 * Verifies a request's signature and names its principal; throws an AwsError to refuse it.
 * `target` is what the router found: the service (also for unsigned requests, whose wording of
 * the failure depends on it) and the operation.
 */
export type Authenticator = (req: AuthRequest, target: { service: string; operation: string }) => Promise<Principal>;

/**
 * Whether `principal` may perform `action` (`eks:CreateCluster`) on `resourceArn` (undefined: `*`).
 * `false` gets the router's generic denial ({@link accessDenied}); an authorizer that knows more
 * (explicit deny or not) throws its own AwsError instead.
 */
export type Authorizer = (principal: Principal, action: string, resourceArn: string | undefined) => Promise<boolean>;

export interface RouterOptions {
  log: Logger;
  clock: Clock;
  store: Store;
  /** Services with handlers; every other served model is answered with 501s. */
  services?: readonly AwsService[];
  /** Default: {@link permissiveAuthenticator}. */
  authenticate?: Authenticator;
  /** Default: allow everything. */
  authorize?: Authorizer;
  /** Region of unsigned requests. */
  defaultRegion?: string;
  /** Request ids (default: random UUIDs). */
  requestId?: () => string;
}

/** Accepts any request as the root user of `account` (LocalStack-like `--permissive` mode). */
export function permissiveAuthenticator(account = '000000000000'): Authenticator {
  return async (req) => {
    const m = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? '')) ?? /^([^/]+)\//.exec(req.query.get('X-Amz-Credential') ?? '');
    return { account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: m?.[1] ?? 'test', unrestricted: true };
  };
}

/** How each service refuses an unauthorized call (code, HTTP status). */
const ACCESS_DENIED: Record<string, [string, number]> = {
  eks: ['AccessDeniedException', 403],
  kms: ['AccessDeniedException', 400],
  ec2: ['UnauthorizedOperation', 403],
};

/** `User: … is not authorized to perform: …`, as IAM-evaluating services word a denial. */
export function accessDenied(service: string, principalArn: string, action: string, resource: string | undefined): AwsError {
  const [code, status] = ACCESS_DENIED[service] ?? ['AccessDenied', 403];
  return new AwsError(code, `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource ?? '*'}`, status);
}

/** Outputs marked by {@link reusableOutput}, with their serialized responses per operation. */
const reusable = new WeakMap<object, Map<OperationModel, AwsHttpResponse | undefined>>();

/**
 * Marks a handler's output as never changing (it is deep-frozen here), so the router serializes
 * it once per operation and answers every later request that returns the same object from that
 * (a memoized DescribeCluster answers the same record version many times). Only rest-json and
 * JSON outputs are reused: query and EC2 bodies carry the request id.
 */
export function reusableOutput<T extends Record<string, unknown>>(output: T): T {
  reusable.set(deepFreeze(output), new Map());
  return output;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The router: one function from a buffered request to a response. */
export interface AwsRouter {
  handle(req: AwsHttpRequest): Promise<AwsHttpResponse>;
  /** Registered services by signing name (including the handler-less ones). */
  readonly services: ReadonlyMap<string, AwsService>;
}

export function createAwsRouter(opts: RouterOptions): AwsRouter {
  const services = new Map<string, AwsService>();
  for (const name of Object.keys(MODELS)) services.set(name, defineService({ name }));
  for (const s of opts.services ?? []) services.set(s.name, s);
  const models = Object.fromEntries([...services].map(([k, s]) => [k, s.model]));
  const authenticate = opts.authenticate ?? permissiveAuthenticator();
  const authorize = opts.authorize ?? (async () => true);
  const newId = opts.requestId ?? randomUUID;

  async function handle(req: AwsHttpRequest): Promise<AwsHttpResponse> {
    const requestId = newId();
    const debug = opts.log.isLevelEnabled('debug');
    const started = debug ? performance.now() : 0;
    const kind = classifyAwsRequest(req, models);
    const service = kind.service ? services.get(kind.service) : undefined;
    const protocol: ProtocolName = service?.model.metadata.protocol ?? kind.looksLike;
    let opName: string | undefined;
    let res: AwsHttpResponse;
    try {
      if (!service) throw new AwsError('UnknownService', ERRORS.unknownService(kind.service ?? 'unknown', [...services.keys()]), 400);
      const found = findOperation(service.model, req);
      opName = found.name;
      const principal = await authenticate(req, { service: service.name, operation: found.name });
      const input = found.op.modeled ? parseInput(service.model, found.op, req, found.labels) : {};
      const region = kind.region ?? opts.defaultRegion ?? 'us-east-1';
      const ctx: AwsContext = { account: principal.account, region, principal, requestId, clock: opts.clock, store: opts.store, log: opts.log };
      const action = `${service.iamPrefix}:${found.name}`;
      const arn = service.resources?.[found.name]?.(input, ctx);
      if (!principal.unrestricted && !(await authorize(principal, action, arn))) throw accessDenied(service.name, principal.arn, action, arn);
      const handler = service.handlers[found.name];
      if (!handler) throw new AwsError('NotImplemented', ERRORS.notImplemented(found.name, service.name), 501);
      const output = await handler(input, ctx);
      res = serializeOnce(service.model, found.name, found.op, output, requestId, req);
    } catch (err) {
      res = serializeError(protocol, toAwsError(err, protocol, opts.log), requestId, service?.model);
    }
    res.headers['x-amzn-RequestId'] = requestId;
    if (protocol === 'query' || protocol === 'ec2') res.headers['x-amz-request-id'] = requestId;
    if (debug) opts.log.debug({ service: kind.service, op: opName, status: res.status, ms: Math.round((performance.now() - started) * 100) / 100 }, 'aws request');
    return res;
  }

  return { handle, services };
}

interface FoundOperation {
  name: string;
  op: OperationModel;
  labels: Record<string, string>;
}

function findOperation(model: ServiceModel, req: AwsHttpRequest): FoundOperation {
  const protocol = model.metadata.protocol;
  if (protocol === 'rest-json') {
    const m = matchRestJson(model, req);
    if (!m) throw new AwsError('UnknownOperationException', ERRORS.unknownOperation(`${req.method} ${req.path}`), 404);
    return { name: m.op, op: model.operations[m.op]!, labels: m.labels };
  }
  if (protocol === 'json') {
    const name = jsonTargetOperation(model, req);
    const op = name ? model.operations[name] : undefined;
    if (!name || !op) throw new AwsError('UnknownOperationException', ERRORS.unknownOperation(String(req.headers['x-amz-target'] ?? '(no X-Amz-Target)')), 400);
    return { name, op, labels: {} };
  }
  const action = queryParams(req).get('Action');
  if (!action) throw new AwsError('MissingAction', ERRORS.missingAction, 400);
  const op = model.operations[action];
  if (!op) throw new AwsError('InvalidAction', ERRORS.invalidAction(action), 400);
  return { name: action, op, labels: {} };
}

/** Decodes and validates the input of a modeled operation; throws the protocol's validation error. */
function parseInput(model: ServiceModel, op: OperationModel, req: AwsHttpRequest, labels: Record<string, string>): Record<string, unknown> {
  const issues: Violation[] = [];
  const protocol = model.metadata.protocol;
  let input: Record<string, unknown>;
  if (protocol === 'rest-json') input = parseRestJsonInput(model, op, req, labels, issues);
  else if (protocol === 'json') input = parseJsonInput(model, op, req, issues);
  else input = op.input ? parseQueryInput(model, op.input, queryParams(req), protocol, issues) : {};
  if (op.input) issues.push(...validateInput(model, op.input, input));
  if (issues.length) throw validationError(protocol, issues);
  return input;
}

/** {@link serializeOutput}, reusing the response of a {@link reusableOutput} already serialized for this operation. */
function serializeOnce(model: ServiceModel, name: string, op: OperationModel, output: Record<string, unknown>, requestId: string, req: AwsHttpRequest): AwsHttpResponse {
  const byOp = reusable.get(output);
  const protocol = model.metadata.protocol;
  if (!byOp || (protocol !== 'rest-json' && protocol !== 'json')) return serializeOutput(model, name, op, output, requestId, req);
  let res = byOp.get(op);
  if (!res) byOp.set(op, (res = serializeOutput(model, name, op, output, requestId, req)));
  return { status: res.status, headers: { ...res.headers }, body: res.body };
}

/** Whether a query client asked for JSON (`Accept: application/json`, as STS honours). */
function wantsJson(req: AwsHttpRequest): boolean {
  return /\bapplication\/json\b/.test(String(req.headers.accept ?? ''));
}

function serializeOutput(model: ServiceModel, name: string, op: OperationModel, output: Record<string, unknown>, requestId: string, req: AwsHttpRequest): AwsHttpResponse {
  switch (model.metadata.protocol) {
    case 'rest-json':
      return serializeRestJsonOutput(model, op, output);
    case 'json':
      return serializeJsonOutput(model, op, output);
    case 'query':
      return wantsJson(req) ? serializeQueryJson(model, name, op, output, requestId) : serializeQueryOutput(model, name, op, output, requestId, 'query');
    case 'ec2':
      return serializeQueryOutput(model, name, op, output, requestId, 'ec2');
  }
}
