/**
 * admissionregistration.k8s.io/v1 validatingwebhookconfigurations and
 * mutatingwebhookconfigurations, stored and validated here (calling the webhooks is the admission
 * chain's job): SetDefaults_ValidatingWebhook / _MutatingWebhook (failurePolicy Fail,
 * matchPolicy Equivalent, match-all selectors, timeout 10s, reinvocation Never, service port 443,
 * rule scope `*`), and ValidateValidatingWebhookConfiguration's v1 rules: unique fully qualified
 * names, rules, client config, sideEffects None or NoneOnDryRun, a recognized admission review
 * version, timeout 1-30s. printers.go shows the number of webhooks.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector } from '../../../apimachinery/labels.js';
import { invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import { fullyQualified } from '../discovery/addresses.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { defaultRule, FAILURE_POLICIES, MATCH_POLICIES, validateClientConfig, validateMatchConditions, validateReviewVersions, validateRule, type Webhook } from './rules.js';

interface WebhookConfiguration extends KObject {
  webhooks?: Webhook[];
}

const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const REINVOCATION = ['IfNeeded', 'Never'];

function strategy(mutating: boolean): ResourceStrategy<WebhookConfiguration> {
  return {
    defaults(cfg) {
      for (const h of cfg.webhooks ?? []) {
        if (!h) continue;
        h.failurePolicy ??= 'Fail';
        h.matchPolicy ??= 'Equivalent';
        h.namespaceSelector ??= {};
        h.objectSelector ??= {};
        h.timeoutSeconds ??= 10;
        if (mutating) h.reinvocationPolicy ??= 'Never';
        if (h.clientConfig?.service) h.clientConfig.service.port ??= 443;
        for (const r of h.rules ?? []) defaultRule(r);
      }
    },
    validate(cfg) {
      const errs: FieldError[] = [];
      const names = new Set<string>();
      (cfg.webhooks ?? []).forEach((hook, i) => {
        const h = hook ?? {};
        const at = `webhooks[${i}]`;
        errs.push(...fullyQualified(h.name ?? '', `${at}.name`, 3));
        (h.rules ?? []).forEach((r, j) => errs.push(...validateRule(r ?? {}, `${at}.rules[${j}]`)));
        if (h.failurePolicy != null && !FAILURE_POLICIES.includes(h.failurePolicy)) errs.push(notSupported(`${at}.failurePolicy`, h.failurePolicy, FAILURE_POLICIES));
        if (h.matchPolicy != null && !MATCH_POLICIES.includes(h.matchPolicy)) errs.push(notSupported(`${at}.matchPolicy`, h.matchPolicy, MATCH_POLICIES));
        if (h.sideEffects == null) errs.push(required(`${at}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(', ')}`));
        else if (!SIDE_EFFECTS.includes(h.sideEffects)) errs.push(notSupported(`${at}.sideEffects`, h.sideEffects, SIDE_EFFECTS));
        const t = h.timeoutSeconds;
        if (t != null && (t < 1 || t > 30)) errs.push(invalid(`${at}.timeoutSeconds`, t, 'the timeout value must be between 1 and 30 seconds'));
        errs.push(...validateLabelSelector(h.namespaceSelector, `${at}.namespaceSelector`), ...validateLabelSelector(h.objectSelector, `${at}.objectSelector`));
        if (mutating && h.reinvocationPolicy != null && !REINVOCATION.includes(h.reinvocationPolicy)) errs.push(notSupported(`${at}.reinvocationPolicy`, h.reinvocationPolicy, REINVOCATION));
        errs.push(...validateClientConfig(h.clientConfig, `${at}.clientConfig`), ...validateMatchConditions(h.matchConditions, `${at}.matchConditions`));
        errs.push(...validateReviewVersions(h.admissionReviewVersions, `${at}.admissionReviewVersions`));
        if (h.name) {
          if (names.has(h.name)) errs.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: h.name, detail: '' });
          names.add(h.name);
        }
      });
      return errs;
    },
  };
}

const webhooksColumn = column('Webhooks', (o) => (o as WebhookConfiguration).webhooks?.length ?? 0, { type: 'integer', description: 'Webhooks indicates the number of webhooks' });

/** The `validatingwebhookconfigurations` resource. */
export const validatingwebhookconfigurations: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  printerColumns: [webhooksColumn, ageColumn],
  strategy: strategy(false) as ResourceStrategy,
};

/** The `mutatingwebhookconfigurations` resource. */
export const mutatingwebhookconfigurations: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  printerColumns: [webhooksColumn, ageColumn],
  strategy: strategy(true) as ResourceStrategy,
};
