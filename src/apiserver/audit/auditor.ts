/**
 * Audit events (audit.k8s.io/v1 Event) for the requests of one API server front, as
 * kube-apiserver's WithAudit filter writes them: an `auditID` per request, the stages
 * RequestReceived, ResponseStarted (streams such as watches only) and ResponseComplete unless the
 * policy omits them, the authenticated and impersonated users, source IPs, user agent, the
 * object reference, the response status, the request and response bodies at the Request and
 * RequestResponse levels, and the authorizer's decision and reason as the
 * `authorization.k8s.io/decision` / `authorization.k8s.io/reason` annotations.
 *
 * The decision reaches the event through {@link Auditor.authorizer}, which wraps the authorizer
 * the API server is given; the request's audit context travels with it in AsyncLocalStorage.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Authorizer } from '../auth/types.js';
import { parseRequestInfo } from '../endpoints/request-info.js';
import { isListBody, listBodyText, type ApiRequest, type ApiResponse, type ApiStream } from '../endpoints/types.js';
import { evaluateAuditPolicy, type AuditLevel, type AuditPolicy, type AuditStage } from './policy.js';

/** One audit.k8s.io/v1 Event. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  impersonatedUser?: { username: string; groups?: string[] };
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: { resource: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus?: { metadata: Record<string, never>; status?: string; message?: string; reason?: string; code: number };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** Where events go (a log file, a webhook, a test's array). */
export type AuditSink = (event: AuditEvent) => void;

export interface AuditorOptions {
  clock: Clock;
  /** The policy in force (read per request, so it can change). */
  policy: () => AuditPolicy;
  /** The sink, or undefined while auditing is off (read per request). */
  sink: () => AuditSink | undefined;
}

interface RequestAudit {
  annotations: Record<string, string>;
}

type Handle = (req: ApiRequest) => Promise<ApiResponse>;

export class Auditor {
  private readonly als = new AsyncLocalStorage<RequestAudit>();

  constructor(private readonly opts: AuditorOptions) {}

  /** `inner`, recording each decision in the current request's audit annotations. */
  authorizer(inner: Authorizer): Authorizer {
    return async (attrs) => {
      const d = await inner(attrs);
      const ctx = this.als.getStore();
      if (ctx) {
        ctx.annotations['authorization.k8s.io/decision'] = d.allowed ? 'allow' : 'forbid';
        ctx.annotations['authorization.k8s.io/reason'] = d.reason ?? '';
      }
      return d;
    };
  }

  /** `handle`, audited; `sourceIPs` says where a request came from. */
  handler(handle: Handle, sourceIPs: (req: ApiRequest) => string[]): Handle {
    return async (req) => {
      const sink = this.opts.sink();
      if (!sink) return handle(req);
      const received = this.opts.clock.now();
      const info = parseRequestInfo(req.method, req.path, req.query);
      const decision = evaluateAuditPolicy(this.opts.policy(), {
        user: req.user,
        verb: info.verb,
        isResourceRequest: info.isResource,
        path: req.path,
        apiGroup: info.group,
        resource: info.resource,
        subresource: info.subresource,
        namespace: info.namespace,
        name: info.name,
      });
      if (decision.level === 'None') return handle(req);
      const query = req.query.toString();
      const base: AuditEvent = {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: decision.level,
        auditID: req.headers['audit-id'] ?? randomUUID(),
        stage: 'RequestReceived',
        requestURI: query ? `${req.path}?${query}` : req.path,
        verb: info.verb,
        user: { username: req.user.name, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: req.user.groups, ...(req.user.extra ? { extra: req.user.extra } : {}) },
        ...impersonated(req),
        sourceIPs: sourceIPs(req),
        ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
        ...(info.isResource
          ? { objectRef: { resource: info.resource, namespace: info.namespace, name: info.name, ...(info.group ? { apiGroup: info.group } : {}), apiVersion: info.version, subresource: info.subresource } }
          : {}),
        requestReceivedTimestamp: microTime(received),
        stageTimestamp: microTime(received),
      };
      if (decision.level !== 'Metadata' && req.body?.length) base.requestObject = parseJson(req.body);
      const emit = (stage: AuditStage, extra: Partial<AuditEvent>) => {
        if (!decision.omitStages.has(stage)) sink({ ...base, ...extra, stage, stageTimestamp: microTime(this.opts.clock.now()) });
      };
      emit('RequestReceived', {});
      const ctx: RequestAudit = { annotations: {} };
      let res: ApiResponse;
      try {
        res = await this.als.run(ctx, () => handle(req));
      } catch (err) {
        emit('Panic', { annotations: ctx.annotations, responseStatus: { metadata: {}, status: 'Failure', message: (err as Error).message, code: 500 } });
        throw err;
      }
      const responseStatus = statusOf(res);
      const done = (body?: string | Buffer): Partial<AuditEvent> => {
        const out: Partial<AuditEvent> = { responseStatus, ...(Object.keys(ctx.annotations).length ? { annotations: ctx.annotations } : {}) };
        const obj = body === undefined ? undefined : parseJson(body);
        if (decision.level === 'RequestResponse' && obj !== undefined) out.responseObject = obj;
        // As upstream, a create's objectRef names the object it made (generateName included).
        const name = (obj as { metadata?: { name?: string } } | undefined)?.metadata?.name;
        if (base.objectRef && !base.objectRef.name && info.verb === 'create' && responseStatus.code < 300 && name) out.objectRef = { ...base.objectRef, name };
        return out;
      };
      if (typeof res.body === 'string' || Buffer.isBuffer(res.body)) {
        emit('ResponseComplete', done(res.body));
        return res;
      }
      if (isListBody(res.body)) {
        // A complete collection in parts: joined only when the policy records response bodies.
        emit('ResponseComplete', done(decision.level === 'RequestResponse' ? listBodyText(res.body) : undefined));
        return res;
      }
      emit('ResponseStarted', done());
      const stream: ApiStream = res.body;
      return {
        ...res,
        body: {
          contentType: stream.contentType,
          run: async (write, signal) => {
            try {
              await stream.run(write, signal);
            } finally {
              emit('ResponseComplete', done());
            }
          },
        },
      };
    };
  }
}

/** The impersonated user named by the Impersonate-* headers, as upstream records it. */
function impersonated(req: ApiRequest): Pick<AuditEvent, 'impersonatedUser'> {
  const username = req.headers['impersonate-user'];
  if (!username) return {};
  const groups = req.headers['impersonate-group']?.split(',').map((g) => g.trim()).filter(Boolean);
  return { impersonatedUser: { username, ...(groups?.length ? { groups } : {}) } };
}

function statusOf(res: ApiResponse): NonNullable<AuditEvent['responseStatus']> {
  if (res.status >= 300 && (typeof res.body === 'string' || Buffer.isBuffer(res.body))) {
    const s = parseJson(res.body) as { kind?: string; status?: string; message?: string; reason?: string } | undefined;
    if (s?.kind === 'Status') return { metadata: {}, status: s.status, message: s.message, reason: s.reason, code: res.status };
  }
  return { metadata: {}, code: res.status };
}

function parseJson(body: string | Buffer): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    return undefined;
  }
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
