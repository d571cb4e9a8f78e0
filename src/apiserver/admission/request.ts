/**
 * admission.k8s.io/v1 AdmissionRequest from admission attributes: what a webhook receives in an
 * AdmissionReview and, without uid/object/oldObject, what CEL sees as `request` in validating
 * admission policies and match conditions (cel.CreateAdmissionRequest).
 */
import type { AdmissionAttributes } from '../auth/types.js';
import type { KObject } from '../registry/resource.js';

const OPTIONS_KIND: Record<string, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' };

/** The kind of what the request carries: the resource's kind, or a subresource's own (Eviction, TokenRequest, Scale). */
export function requestKind(a: AdmissionAttributes): { group: string; version: string; kind: string } {
  const sub = a.subresource ? a.def.subresourceKinds?.[a.subresource] : undefined;
  if (sub) return sub;
  if (a.subresource === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: a.def.group, version: a.def.version, kind: a.def.kind };
}

/**
 * The AdmissionRequest. `uid` and the objects are included for webhooks; CEL's `request` omits
 * them. `options` is the operation's options object (dryRun recorded as upstream sends it).
 */
export function admissionRequest(a: AdmissionAttributes, extra?: { uid: string; object?: KObject; oldObject?: KObject }): Record<string, unknown> {
  const kind = requestKind(a);
  const resource = { group: a.def.group, version: a.def.version, resource: a.def.plural };
  const user: Record<string, unknown> = { username: a.user.name };
  if (a.user.uid) user.uid = a.user.uid;
  if (a.user.groups.length) user.groups = a.user.groups;
  if (a.user.extra && Object.keys(a.user.extra).length) user.extra = a.user.extra;
  const optionsKind = OPTIONS_KIND[a.operation];
  const options = optionsKind ? { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', ...(a.dryRun ? { dryRun: ['All'] } : {}) } : undefined;
  const req: Record<string, unknown> = {};
  if (extra) req.uid = extra.uid;
  Object.assign(req, { kind, resource });
  if (a.subresource) req.subResource = a.subresource;
  Object.assign(req, { requestKind: kind, requestResource: resource });
  if (a.subresource) req.requestSubResource = a.subresource;
  if (a.name) req.name = a.name;
  if (a.namespace) req.namespace = a.namespace;
  req.operation = a.operation;
  req.userInfo = user;
  if (extra) {
    req.object = extra.object ?? null;
    req.oldObject = extra.oldObject ?? null;
  }
  req.dryRun = a.dryRun;
  if (options) req.options = options;
  return req;
}
