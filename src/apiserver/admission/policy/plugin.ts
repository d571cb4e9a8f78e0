/**
 * ValidatingAdmissionPolicy (k8s.io/apiserver/pkg/admission/plugin/policy/validating), validate
 * only, over the stored admissionregistration.k8s.io/v1 policies and bindings: a policy whose
 * matchConstraints match is evaluated once per matching binding and param; its matchConditions
 * gate it, its variables are composed in order, each validation that is not true is a failure
 * with messageExpression's text, else message, else `failed expression: <expr>`; evaluation and
 * configuration errors follow failurePolicy. Failures follow the binding's validationActions:
 * Deny refuses with the first one (`<res> "<name>" is forbidden: ValidatingAdmissionPolicy 'p'
 * with binding 'b' denied request: <message>`, code from the validation's reason, 422 Invalid by
 * default), Warn adds a warning, Audit an audit annotation.
 */
import { StatusError, type StatusReason } from '../../../apimachinery/errors.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { KObject } from '../../registry/resource.js';
import type { MatchResources } from '../../registry/admissionregistration/rules.js';
import { isExemptResource, matchResources } from '../matching.js';
import { admissionRequest } from '../request.js';
import { addAuditAnnotation, addWarning, attributeName, cachedObject, cachedObjects, qualifiedResource, type AdmissionPlugin, type PluginFactory } from '../types.js';
import { celValue, evaluate, evaluateConditions } from './cel.js';
import { collectParams, type ParamKind, type ParamRef } from './params.js';

interface Validation {
  expression?: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}
interface Policy extends KObject {
  spec?: {
    paramKind?: ParamKind;
    matchConstraints?: MatchResources;
    validations?: Validation[];
    failurePolicy?: string;
    auditAnnotations?: { key?: string; valueExpression?: string }[];
    matchConditions?: { name?: string; expression?: string }[];
    variables?: { name?: string; expression?: string }[];
  };
}
interface Binding extends KObject {
  spec?: { policyName?: string; paramRef?: ParamRef; matchResources?: MatchResources; validationActions?: string[] };
}

/** A failed validation (or an error under failurePolicy Fail). */
interface Failure {
  message: string;
  reason?: string;
  index: number;
}

const GROUP = 'admissionregistration.k8s.io';
/** celconfig.MaxEvaluatedMessageExpressionSizeBytes. */
const MAX_MESSAGE_BYTES = 5 * 1024;
const REASON_CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };
const byName = (x: KObject, y: KObject) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1);

/** CreateNamespaceObject: the namespace as CEL sees it (no managed fields or owners). */
function namespaceObject(ns: KObject | undefined): unknown {
  if (!ns) return null;
  const m = ns.metadata ?? {};
  const meta = Object.fromEntries(Object.entries(m).filter(([k]) => !['managedFields', 'ownerReferences', 'selfLink'].includes(k)));
  return celValue({ metadata: meta, spec: ns.spec ?? {}, status: ns.status ?? {} });
}

/** The message of a failed validation: messageExpression, else message, else the expression. */
function failureMessage(v: Validation, ctx: Record<string, unknown>): string {
  if (v.messageExpression) {
    const r = evaluate(v.messageExpression, ctx);
    if ('value' in r && typeof r.value === 'string') {
      const m = r.value.trim();
      if (m && !m.includes('\n') && Buffer.byteLength(m) <= MAX_MESSAGE_BYTES) return m;
    }
  }
  if (v.message?.trim()) return v.message.trim();
  return `failed expression: ${(v.expression ?? '').trim()}`;
}

/** One evaluation of a policy with one param: failures, audit annotations, or nothing. */
function evaluatePolicy(policy: Policy, base: Record<string, unknown>, fail: boolean, a: AdmissionAttributes): Failure[] {
  const spec = policy.spec ?? {};
  const ctx: Record<string, unknown> = { ...base, variables: {} };
  const cond = evaluateConditions(spec.matchConditions, ctx);
  if ('error' in cond) return fail ? [{ message: cond.error, index: 0 }] : [];
  if (!cond.matches) return [];
  const vars = ctx.variables as Record<string, unknown>;
  const varErrors = new Map<string, string>();
  for (const v of spec.variables ?? []) {
    const r = evaluate(v.expression ?? '', ctx);
    if ('error' in r) varErrors.set(v.name ?? '', r.error);
    else vars[v.name ?? ''] = r.value;
  }
  const failures: Failure[] = [];
  const run = (expr: string) => {
    for (const [name, err] of varErrors)
      if (new RegExp(`\\bvariables\\.${name}\\b`).test(expr)) return { error: `expression '${expr}' resulted in error: composited variable "${name}" fails to evaluate: ${err}` };
    return evaluate(expr, ctx);
  };
  (spec.validations ?? []).forEach((v, index) => {
    const r = run(v.expression ?? '');
    if ('error' in r) {
      if (fail) failures.push({ message: r.error, index });
    } else if (r.value !== true) failures.push({ message: failureMessage(v, ctx), reason: v.reason ?? 'Invalid', index });
  });
  for (const an of spec.auditAnnotations ?? []) {
    const r = run(an.valueExpression ?? '');
    if ('error' in r) {
      if (fail) failures.push({ message: r.error, index: 0 });
    } else if (typeof r.value === 'string') {
      if (r.value.trim()) addAuditAnnotation(a, `${policy.metadata?.name ?? ''}/${an.key ?? ''}`, r.value.trim().slice(0, 10 * 1024));
    } else if (r.value !== null) {
      if (fail) failures.push({ message: `valueExpression '${an.valueExpression ?? ''}' resulted in unsupported return type: ${typeof r.value}. Return type must be either string or null.`, index: 0 });
    }
  }
  return failures;
}

/** The refusal for a denied decision, worded and coded as upstream's dispatcher. */
function denial(a: AdmissionAttributes, policy: string, binding: string | undefined, f: Failure): StatusError {
  const message = binding
    ? `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${f.message}`
    : `ValidatingAdmissionPolicy '${policy}' denied request: ${f.message}`;
  const reason = (f.reason ?? 'Invalid') as StatusReason;
  const name = attributeName(a);
  return new StatusError(REASON_CODES[reason] ?? 422, reason, `${qualifiedResource(a)} "${name}" is forbidden: ${message}`, {
    name,
    ...(a.def.group ? { group: a.def.group } : {}),
    kind: a.def.plural,
    causes: [{ message }],
  });
}

/** The plugin. */
export const validatingAdmissionPolicyPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'ValidatingAdmissionPolicy',
  validate(a) {
    if (isExemptResource(a)) return;
    const api = ctx.api();
    const policies = (cachedObjects(api, GROUP, 'validatingadmissionpolicies') as Policy[]).sort(byName);
    if (!policies.length) return;
    const bindings = (cachedObjects(api, GROUP, 'validatingadmissionpolicybindings') as Binding[]).sort(byName);
    let denied: StatusError | undefined;
    const deny = (e: StatusError) => void (denied ??= e);
    for (const policy of policies) {
      const pname = policy.metadata?.name ?? '';
      const fail = (policy.spec?.failurePolicy ?? 'Fail') !== 'Ignore';
      if (!matchResources(policy.spec?.matchConstraints, a, api, true)) continue;
      const mine = bindings.filter((b) => b.spec?.policyName === pname);
      if (!mine.length) continue;
      const nsName = a.def.group === '' && a.def.plural === 'namespaces' ? '' : (a.namespace ?? '');
      const base = {
        object: celValue(a.object ?? null),
        oldObject: celValue(a.oldObject ?? null),
        request: celValue(admissionRequest(a)),
        namespaceObject: namespaceObject(nsName ? cachedObject(api, '', 'namespaces', undefined, nsName) : undefined),
      };
      for (const binding of mine) {
        const bname = binding.metadata?.name ?? '';
        if (binding.spec?.matchResources && !matchResources(binding.spec.matchResources, a, api, false)) continue;
        const params = collectParams(api, policy.spec?.paramKind, binding.spec?.paramRef, a);
        if (!Array.isArray(params)) {
          if (fail) deny(denial(a, pname, bname, { message: `failed to configure binding: ${params.error}`, index: 0 }));
          continue;
        }
        const actions = binding.spec?.validationActions ?? [];
        for (const param of params) {
          const failures = evaluatePolicy(policy, { ...base, params: param ? celValue({ ...param }) : null }, fail, a);
          for (const f of failures) {
            if (actions.includes('Deny')) deny(denial(a, pname, bname, f));
            if (actions.includes('Warn')) addWarning(a, `Validation failed for ValidatingAdmissionPolicy '${pname}' with binding '${bname}': ${f.message}`);
            if (actions.includes('Audit'))
              addAuditAnnotation(a, 'validation.policy.admission.k8s.io/validation_failure', JSON.stringify([{ message: f.message, policy: pname, binding: bname, expressionIndex: f.index, validationActions: actions }]));
          }
        }
      }
    }
    if (denied) throw denied;
  },
});
