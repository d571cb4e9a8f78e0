/**
 * admissionregistration.k8s.io/v1 validatingadmissionpolicies (+status) and
 * validatingadmissionpolicybindings, stored and validated here (evaluating CEL belongs to the
 * admission chain): SetDefaults_ValidatingAdmissionPolicySpec (failurePolicy Fail), match
 * resources defaults, paramRef's parameterNotFoundAction Deny; ValidateValidatingAdmissionPolicy's
 * structure (match constraints with resource rules, at least one validation or audit annotation,
 * expressions present, known reasons) and the binding's policy name, param reference and
 * validation actions. Printers as printValidatingAdmissionPolicy(Binding).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { formatLabelSelector, validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { isDNS1035Label } from '../../../apimachinery/validation.js';
import { dns1123Subdomain, duplicate, forbidden, GoLiteral, invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { defaultMatchResources, FAILURE_POLICIES, validateMatchConditions, validateMatchResources, type MatchResources } from './rules.js';

interface Policy extends KObject {
  spec?: {
    paramKind?: { apiVersion?: string; kind?: string };
    matchConstraints?: MatchResources;
    validations?: { expression?: string; message?: string; reason?: string; messageExpression?: string }[];
    failurePolicy?: string;
    auditAnnotations?: { key?: string; valueExpression?: string }[];
    matchConditions?: { name?: string; expression?: string }[];
    variables?: { name?: string; expression?: string }[];
  };
}

interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: MetaLabelSelector;
  parameterNotFoundAction?: string;
}

interface Binding extends KObject {
  spec?: { policyName?: string; paramRef?: ParamRef; matchResources?: MatchResources; validationActions?: string[] };
}

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const ACTIONS = ['Audit', 'Deny', 'Warn'];
const NOT_FOUND_ACTIONS = ['Allow', 'Deny'];

/** The ValidatingAdmissionPolicy strategy. */
export const policyStrategy = {
  defaults(p) {
    const spec = (p.spec ??= {});
    spec.failurePolicy ??= 'Fail';
    if (spec.matchConstraints) defaultMatchResources(spec.matchConstraints);
  },
  validate(p) {
    const spec = p.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.paramKind) {
      if (!spec.paramKind.apiVersion) errs.push(required('spec.paramKind.apiVersion'));
      if (!spec.paramKind.kind) errs.push(required('spec.paramKind.kind'));
      else if (isDNS1035Label(spec.paramKind.kind.toLowerCase()).length) errs.push(invalid('spec.paramKind.kind', spec.paramKind.kind, 'kind must be valid'));
    }
    if (!spec.matchConstraints) errs.push(required('spec.matchConstraints'));
    else {
      errs.push(...validateMatchResources(spec.matchConstraints, 'spec.matchConstraints'));
      if (!spec.matchConstraints.resourceRules?.length) errs.push(required('spec.matchConstraints.resourceRules'));
    }
    if (!spec.validations?.length && !spec.auditAnnotations?.length) errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    (spec.validations ?? []).forEach((v, i) => {
      const at = `spec.validations[${i}]`;
      if (!v?.expression?.trim()) errs.push(required(`${at}.expression`, 'expression is not specified'));
      if (v?.message && /[\r\n]/.test(v.message)) errs.push(invalid(`${at}.message`, v.message, 'message must not contain line breaks'));
      if (v?.reason != null && !REASONS.includes(v.reason)) errs.push(notSupported(`${at}.reason`, v.reason, REASONS));
    });
    (spec.auditAnnotations ?? []).forEach((a, i) => {
      if (!a?.valueExpression) errs.push(required(`spec.auditAnnotations[${i}].valueExpression`, 'valueExpression is not specified'));
    });
    if (spec.failurePolicy != null && !FAILURE_POLICIES.includes(spec.failurePolicy)) errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, FAILURE_POLICIES));
    errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
    return errs;
  },
} satisfies ResourceStrategy<Policy>;

function validateParamRef(pr: ParamRef | undefined): FieldError[] {
  if (!pr) return [];
  const errs: FieldError[] = [];
  if (pr.name) {
    errs.push(...dns1123Subdomain(pr.name, 'spec.paramRef.name'));
    if (pr.selector) errs.push(forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
  }
  if (pr.selector) errs.push(...validateLabelSelector(pr.selector, 'spec.paramRef.selector'));
  if (!pr.name && !pr.selector) errs.push(required('spec.paramRef', 'one of name or selector must be specified'));
  if (!pr.parameterNotFoundAction) errs.push(required('spec.paramRef.parameterNotFoundAction'));
  else if (!NOT_FOUND_ACTIONS.includes(pr.parameterNotFoundAction)) errs.push(notSupported('spec.paramRef.parameterNotFoundAction', pr.parameterNotFoundAction, NOT_FOUND_ACTIONS));
  return errs;
}

/** The ValidatingAdmissionPolicyBinding strategy. */
export const bindingStrategy = {
  defaults(b) {
    const spec = (b.spec ??= {});
    if (spec.paramRef) spec.paramRef.parameterNotFoundAction ??= 'Deny';
    if (spec.matchResources) defaultMatchResources(spec.matchResources);
  },
  validate(b) {
    const spec = b.spec ?? {};
    const errs: FieldError[] = [];
    if (!spec.policyName) errs.push(required('spec.policyName'));
    else errs.push(...dns1123Subdomain(spec.policyName, 'spec.policyName'));
    errs.push(...validateParamRef(spec.paramRef), ...validateMatchResources(spec.matchResources, 'spec.matchResouces'));
    const actions = spec.validationActions ?? [];
    const seen = new Set<string>();
    actions.forEach((a, i) => {
      if (!ACTIONS.includes(a)) errs.push(notSupported(`spec.validationActions[${i}]`, a, ACTIONS));
      if (seen.has(a)) errs.push(duplicate(`spec.validationActions[${i}]`, a));
      seen.add(a);
    });
    if (seen.has('Deny') && seen.has('Warn'))
      errs.push(invalid('spec.validationActions', new GoLiteral(`[]admissionregistration.ValidationAction{${actions.map((a) => JSON.stringify(a)).join(', ')}}`), 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
    if (!seen.size) errs.push(required('spec.validationActions', 'at least one validation action is required'));
    return errs;
  },
} satisfies ResourceStrategy<Binding>;

function paramRefCell(b: Binding): string {
  const pr = b.spec?.paramRef;
  if (!pr) return '<unset>';
  if (pr.name) return pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
  if (pr.selector) {
    try {
      return formatLabelSelector(pr.selector);
    } catch {
      return '<error>';
    }
  }
  return '<unset>';
}

/** The `validatingadmissionpolicies` resource. */
export const validatingadmissionpolicies: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('Validations', (o) => (o as Policy).spec?.validations?.length ?? 0, { type: 'integer', description: 'Validations indicates the number of validation rules in a ValidatingAdmissionPolicy' }),
    column('ParamKind', (o) => {
      const pk = (o as Policy).spec?.paramKind;
      return pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>';
    }, { description: 'ParamKind specifies the kind of resources used to parameterize this policy' }),
    ageColumn,
  ],
  strategy: policyStrategy as ResourceStrategy,
};

/** The `validatingadmissionpolicybindings` resource. */
export const validatingadmissionpolicybindings: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  namespaced: false,
  categories: ['api-extensions'],
  generation: true,
  printerColumns: [
    column('PolicyName', (o) => (o as Binding).spec?.policyName ?? '', { description: 'PolicyName indicates the policy definition which the policy binding binded to' }),
    column('ParamRef', (o) => paramRefCell(o as Binding), { description: 'ParamRef indicates the param resource which sets the configration param' }),
    ageColumn,
  ],
  strategy: bindingStrategy as ResourceStrategy,
};
