/**
 * What mutating and validating webhooks share (admission/plugin/webhook/generic and request):
 * the stored configurations' webhooks in order, whether one applies to a request (rules with
 * matchPolicy, namespace and object selectors, matchConditions), the dry-run side-effects check,
 * building the AdmissionReview, calling it (a `service` client config cannot be reached: no pods
 * run), checking the answer (VerifyAdmissionResponse), warnings and audit annotations, and
 * upstream's refusal text (`admission webhook "w" denied the request: …`).
 */
import { randomUUID } from 'node:crypto';
import { badRequest, StatusError, type Status } from '../../../apimachinery/errors.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { Webhook } from '../../registry/admissionregistration/rules.js';
import type { KObject } from '../../registry/resource.js';
import { isExemptResource, namespaceSelectorMatches, objectSelectorMatches, rulesMatch } from '../matching.js';
import { celValue, evaluateConditions } from '../policy/cel.js';
import { admissionRequest } from '../request.js';
import { addAuditAnnotation, addWarning, cachedObjects, type ApiAccess, type PluginContext } from '../types.js';
import { callWebhook, WebhookCallError } from './client.js';

/** One webhook of a Mutating/ValidatingWebhookConfiguration (after the v1 defaults). */
export type { Webhook };

/** A webhook with the configuration it comes from. */
export interface ConfiguredWebhook {
  configuration: string;
  hook: Webhook;
}

/** What a webhook answered, checked. */
export interface WebhookAnswer {
  allowed: boolean;
  patch?: string;
  patchType?: string;
  status?: Partial<Status>;
}

/** The webhooks of every configuration of a kind, configurations by name, webhooks in order. */
export function webhooksOf(api: ApiAccess, plural: 'mutatingwebhookconfigurations' | 'validatingwebhookconfigurations'): ConfiguredWebhook[] {
  const configs = cachedObjects(api, 'admissionregistration.k8s.io', plural).sort((x, y) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1));
  return configs.flatMap((c) => ((c.webhooks as Webhook[] | undefined) ?? []).map((hook) => ({ configuration: c.metadata?.name ?? '', hook })));
}

/**
 * ShouldCallHook: rules, then namespace and object selectors, then matchConditions (an error
 * there is a call failure, so failurePolicy decides).
 */
export function shouldCall(w: Webhook, a: AdmissionAttributes, api: ApiAccess): boolean {
  if (isExemptResource(a)) return false;
  if (!rulesMatch(w.rules, a, w.matchPolicy)) return false;
  if (!namespaceSelectorMatches(w.namespaceSelector, a, api)) return false;
  if (!objectSelectorMatches(w.objectSelector, a)) return false;
  if (!w.matchConditions?.length) return true;
  const r = evaluateConditions(w.matchConditions, {
    object: celValue(a.object ?? null),
    oldObject: celValue(a.oldObject ?? null),
    request: celValue(admissionRequest(a)),
    params: null,
    namespaceObject: null,
    variables: {},
  });
  if ('error' in r) throw new WebhookCallError(w.name ?? '', `failed to evaluate match conditions: ${r.error}`);
  return r.matches;
}

/** Dry-run requests only go to webhooks without side effects. */
export function checkDryRun(w: Webhook, a: AdmissionAttributes): void {
  if (a.dryRun && w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun') throw badRequest(`admission webhook "${w.name ?? ''}" does not support dry run`);
}

/** ToStatusErr: the webhook's refusal as the client sees it. */
export function rejection(w: Webhook, status: Partial<Status> | undefined): StatusError {
  const s = status ?? {};
  const deniedBy = `admission webhook "${w.name ?? ''}" denied the request`;
  const message = s.message ? `${deniedBy}: ${s.message}` : s.reason ? `${deniedBy}: ${s.reason}` : `${deniedBy} without explanation`;
  const code = typeof s.code === 'number' && s.code >= 400 ? s.code : 400;
  // An empty reason stays empty (kubectl then prints `Error from server: …`), as upstream.
  return new StatusError(code, (s.reason ?? '') as StatusError['reason'], message, s.details);
}

/** The AdmissionReview version the webhook accepts (v1 preferred). */
function reviewVersion(w: Webhook): string {
  const versions = w.admissionReviewVersions ?? ['v1'];
  if (versions.includes('v1')) return 'admission.k8s.io/v1';
  if (versions.includes('v1beta1')) return 'admission.k8s.io/v1beta1';
  throw new WebhookCallError(w.name ?? '', `webhook does not accept known AdmissionReview versions: ${JSON.stringify(versions)}`);
}

/**
 * Calls one webhook with the request as it stands and returns its checked answer; warnings and
 * audit annotations it returns are recorded on `a`. Call failures are WebhookCallError.
 */
export async function invoke(ctx: PluginContext, w: Webhook, a: AdmissionAttributes, mutating: boolean): Promise<WebhookAnswer> {
  const name = w.name ?? '';
  const cc = w.clientConfig ?? {};
  if (!cc.url) {
    const svc = cc.service ?? {};
    throw new WebhookCallError(name, `eksplane cannot reach webhook service ${svc.namespace ?? ''}/${svc.name ?? ''}: services are not served by the simulated data plane; use clientConfig.url`);
  }
  const apiVersion = reviewVersion(w);
  const uid = randomUUID();
  const body = { apiVersion, kind: 'AdmissionReview', request: admissionRequest(a, { uid, object: a.object, oldObject: a.oldObject }) };
  const answer = (await callWebhook({ webhook: name, url: cc.url, caBundle: cc.caBundle, timeoutSeconds: w.timeoutSeconds ?? 10, body, clock: ctx.clock })) as KObject & { response?: Record<string, unknown> };
  const invalid = (why: string) => new WebhookCallError(name, `received invalid webhook response: ${why}`);
  const r = answer?.response;
  if (!r || typeof r !== 'object') throw invalid('webhook response was absent');
  if (r.uid !== uid) throw invalid(`expected response.uid="${uid}", got "${String(r.uid ?? '')}"`);
  if (answer.apiVersion !== apiVersion || answer.kind !== 'AdmissionReview')
    throw invalid(`expected webhook response of ${apiVersion}, Kind=AdmissionReview, got ${String(answer.apiVersion ?? '')}, Kind=${String(answer.kind ?? '')}`);
  const patch = typeof r.patch === 'string' && r.patch ? r.patch : undefined;
  const patchType = typeof r.patchType === 'string' && r.patchType ? r.patchType : undefined;
  if (mutating && patch && !patchType) throw invalid('webhook returned response.patch but not response.patchType');
  if (mutating && !patch && patchType) throw invalid('webhook returned response.patchType but not response.patch');
  if (!mutating && patch) throw invalid('validating webhook may not return response.patch');
  if (!mutating && patchType) throw invalid('validating webhook may not return response.patchType');
  for (const warning of (r.warnings as unknown[] | undefined) ?? []) if (typeof warning === 'string') addWarning(a, warning);
  for (const [k, v] of Object.entries((r.auditAnnotations as Record<string, unknown> | undefined) ?? {})) if (typeof v === 'string') addAuditAnnotation(a, `${name}/${k}`, v);
  return { allowed: r.allowed === true, patch, patchType, status: (r.status as Partial<Status> | undefined) ?? undefined };
}

/**
 * A call failure under the webhook's failurePolicy: Ignore lets the request through (recorded as
 * a failed-open audit annotation), Fail (the default) refuses it with a 500 `Internal error
 * occurred: failed calling webhook "w": …`. Anything else is thrown as it is.
 */
export function onCallFailure(ctx: PluginContext, a: AdmissionAttributes, w: Webhook, err: unknown, annotationKey: string): void {
  if (!(err instanceof WebhookCallError)) throw err;
  if (w.failurePolicy === 'Ignore') {
    ctx.log.warn({ webhook: w.name, err: err.message }, 'failed calling webhook, failing open');
    addAuditAnnotation(a, annotationKey, w.name ?? '');
    return;
  }
  ctx.log.warn({ webhook: w.name, err: err.message }, 'failed calling webhook, failing closed');
  throw new StatusError(500, 'InternalError', `Internal error occurred: ${err.message}`, { causes: [{ message: err.message }] });
}
