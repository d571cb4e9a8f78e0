/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook over the stored
 * admissionregistration.k8s.io/v1 configurations. Mutating webhooks run one after another in
 * the mutating phase, each seeing the previous ones' changes; an answer's JSONPatch is applied to
 * the object in place; webhooks with reinvocationPolicy IfNeeded run once more when a later
 * webhook changed the object after them. Validating webhooks run in parallel in the validating
 * phase; the first refusal (in configuration order) wins. Call failures follow failurePolicy.
 */
import { internalError, StatusError } from '../../../apimachinery/errors.js';
import { deepEqual, type JsonValue } from '../../../apimachinery/json.js';
import { applyJsonPatch } from '../../../apimachinery/patch.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { KObject } from '../../registry/resource.js';
import { addAuditAnnotation, type AdmissionPlugin, type PluginContext, type PluginFactory } from '../types.js';
import { WebhookCallError } from './client.js';
import { checkDryRun, invoke, onCallFailure, rejection, shouldCall, webhooksOf, type ConfiguredWebhook } from './dispatch.js';

/** Replaces the contents of `target` with `next`, keeping the object identity the caller holds. */
function replaceInPlace(target: KObject, next: KObject): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, next);
}

/** Calls one mutating webhook and applies its patch; true when the object changed. */
async function mutateOnce(ctx: PluginContext, cw: ConfiguredWebhook, a: AdmissionAttributes, round: number, index: number): Promise<boolean> {
  const w = cw.hook;
  let answer;
  try {
    answer = await invoke(ctx, w, a, true);
  } catch (err) {
    onCallFailure(ctx, a, w, err, `failed-open.mutation.webhook.admission.k8s.io/round_${round}_index_${index}`);
    return false;
  }
  if (!answer.allowed) throw rejection(w, answer.status);
  if (!answer.patch) return false;
  if (answer.patchType !== 'JSONPatch') {
    onCallFailure(ctx, a, w, new WebhookCallError(w.name ?? '', `unsupported patch type "${answer.patchType}"`), `failed-open.mutation.webhook.admission.k8s.io/round_${round}_index_${index}`);
    return false;
  }
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(answer.patch, 'base64').toString('utf8'));
  } catch (e) {
    throw internalError((e as Error).message);
  }
  if (!Array.isArray(ops) || ops.length === 0) return false;
  if (!a.object) throw internalError(`admission webhook "${w.name ?? ''}" attempted to modify the object, which is not supported for this operation`);
  let patched: KObject;
  try {
    patched = applyJsonPatch(structuredClone(a.object) as JsonValue, ops) as KObject;
  } catch (e) {
    throw internalError(e instanceof StatusError ? e.message : String(e));
  }
  const changed = !deepEqual(patched, a.object);
  if (changed) replaceInPlace(a.object, patched);
  addAuditAnnotation(a, `mutation.webhook.admission.k8s.io/round_${round}_index_${index}`, JSON.stringify({ configuration: cw.configuration, webhook: w.name ?? '', mutated: changed }));
  return changed;
}

/** The MutatingAdmissionWebhook plugin. */
export const mutatingWebhookPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'MutatingAdmissionWebhook',
  async mutate(a) {
    const hooks = webhooksOf(ctx.api(), 'mutatingwebhookconfigurations');
    if (!hooks.length) return;
    const called: number[] = [];
    let lastChange = -1;
    for (const [i, cw] of hooks.entries()) {
      if (!callable(ctx, cw, a, 0, i)) continue;
      called.push(i);
      if (await mutateOnce(ctx, cw, a, 0, i)) lastChange = i;
    }
    // reinvocationPolicy IfNeeded: once more when a later webhook changed the object.
    for (const i of called) {
      const cw = hooks[i]!;
      if (cw.hook.reinvocationPolicy !== 'IfNeeded' || i >= lastChange) continue;
      if (!callable(ctx, cw, a, 1, i)) continue;
      await mutateOnce(ctx, cw, a, 1, i);
    }
  },
});

/** Whether to call a webhook (a match-condition failure is handled under its failurePolicy). */
function callable(ctx: PluginContext, cw: ConfiguredWebhook, a: AdmissionAttributes, round: number, index: number): boolean {
  let yes: boolean;
  try {
    yes = shouldCall(cw.hook, a, ctx.api());
  } catch (err) {
    onCallFailure(ctx, a, cw.hook, err, `failed-open.mutation.webhook.admission.k8s.io/round_${round}_index_${index}`);
    return false;
  }
  if (yes) checkDryRun(cw.hook, a);
  return yes;
}

/** The ValidatingAdmissionWebhook plugin. */
export const validatingWebhookPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'ValidatingAdmissionWebhook',
  async validate(a) {
    const hooks = webhooksOf(ctx.api(), 'validatingwebhookconfigurations');
    if (!hooks.length) return;
    const results = await Promise.all(
      hooks.map(async (cw, i): Promise<StatusError | undefined> => {
        const w = cw.hook;
        const key = `failed-open.validating.webhook.admission.k8s.io/round_0_index_${i}`;
        try {
          let call: boolean;
          try {
            call = shouldCall(w, a, ctx.api());
          } catch (err) {
            onCallFailure(ctx, a, w, err, key);
            return undefined;
          }
          if (!call) return undefined;
          checkDryRun(w, a);
          try {
            const answer = await invoke(ctx, w, a, false);
            return answer.allowed ? undefined : rejection(w, answer.status);
          } catch (err) {
            onCallFailure(ctx, a, w, err, key);
            return undefined;
          }
        } catch (err) {
          if (err instanceof StatusError) return err;
          throw err;
        }
      }),
    );
    const first = results.find((r) => r);
    if (first) throw first;
  },
});
