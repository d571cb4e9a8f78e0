/**
 * flowcontrol.apiserver.k8s.io/v1 flowschemas (+status), as pkg/apis/flowcontrol/validation and
 * v1 defaults: matchingPrecedence defaults to 1000 and lies in 1..10000 (1 only for `exempt`),
 * a priority level is named, each rule has subjects and resource or non-resource rules with
 * their required lists; printFlowSchema's columns (the MissingPL cell reads the Dangling
 * condition the configuration controller writes).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Subject {
  kind?: string;
  user?: { name?: string };
  group?: { name?: string };
  serviceAccount?: { namespace?: string; name?: string };
}

interface PolicyRules {
  subjects?: Subject[];
  resourceRules?: { verbs?: string[]; apiGroups?: string[]; resources?: string[]; clusterScope?: boolean; namespaces?: string[] }[];
  nonResourceRules?: { verbs?: string[]; nonResourceURLs?: string[] }[];
}

/** A FlowSchema as stored. */
export interface FlowSchema extends KObject {
  spec?: { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; distinguisherMethod?: { type?: string }; rules?: PolicyRules[] };
  status?: { conditions?: { type?: string; status?: string }[] };
}

const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const DISTINGUISHERS = ['ByNamespace', 'ByUser'];

function validateSubject(s: Subject, path: string): FieldError[] {
  switch (s.kind) {
    case 'ServiceAccount':
      if (!s.serviceAccount) return [required(`${path}.serviceAccount`, 'serviceAccount is required when subject kind is \'ServiceAccount\'')];
      return [...(s.serviceAccount.name ? [] : [required(`${path}.serviceAccount.name`, "must specify serviceaccount name, '*' for all serviceaccounts")]), ...(s.serviceAccount.namespace ? [] : [required(`${path}.serviceAccount.namespace`)])];
    case 'User':
      if (!s.user) return [required(`${path}.user`, "user is required when subject kind is 'User'")];
      return s.user.name ? [] : [required(`${path}.user.name`, "username must not be empty, '*' for all users")];
    case 'Group':
      if (!s.group) return [required(`${path}.group`, "group is required when subject kind is 'Group'")];
      return s.group.name ? [] : [required(`${path}.group.name`, "group name must not be empty, '*' for all groups")];
    default:
      return [notSupported(`${path}.kind`, s.kind ?? '', SUBJECT_KINDS)];
  }
}

function validateRules(r: PolicyRules, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!r.subjects?.length) errs.push(required(`${path}.subjects`, 'subjects must contain at least one value'));
  (r.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s ?? {}, `${path}.subjects[${i}]`)));
  if (!r.resourceRules?.length && !r.nonResourceRules?.length) errs.push(required(path, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  (r.resourceRules ?? []).forEach((rr, i) => {
    const at = `${path}.resourceRules[${i}]`;
    if (!rr?.verbs?.length) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (!rr?.apiGroups?.length) errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!rr?.resources?.length) errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
    if (!rr?.clusterScope && !rr?.namespaces?.length) errs.push(required(`${at}.namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
  });
  (r.nonResourceRules ?? []).forEach((nr, i) => {
    const at = `${path}.nonResourceRules[${i}]`;
    if (!nr?.verbs?.length) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (!nr?.nonResourceURLs?.length) errs.push(required(`${at}.nonResourceURLs`, 'nonResourceURLs must contain at least one value'));
  });
  return errs;
}

/** The FlowSchema strategy. */
export const flowSchemaStrategy = {
  defaults(fs) {
    const spec = (fs.spec ??= {});
    if (!spec.matchingPrecedence) spec.matchingPrecedence = 1000;
  },
  validate(fs) {
    const spec = fs.spec ?? {};
    const errs: FieldError[] = [];
    const mp = spec.matchingPrecedence ?? 0;
    if (mp <= 0) errs.push(invalid('spec.matchingPrecedence', mp, 'must be a positive value'));
    if (mp > 10000) errs.push(invalid('spec.matchingPrecedence', mp, 'must not be greater than 10000'));
    if (mp === 1 && fs.metadata?.name !== 'exempt') errs.push(invalid('spec.matchingPrecedence', mp, "only the schema named 'exempt' may have matchingPrecedence 1"));
    const dm = spec.distinguisherMethod;
    if (dm && !DISTINGUISHERS.includes(dm.type ?? '')) errs.push(notSupported('spec.distinguisherMethod.type', dm.type ?? '', DISTINGUISHERS));
    const pl = spec.priorityLevelConfiguration?.name ?? '';
    if (!pl) errs.push(required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
    else for (const m of isDNS1123Subdomain(pl)) errs.push(invalid('spec.priorityLevelConfiguration.name', pl, m));
    (spec.rules ?? []).forEach((r, i) => errs.push(...validateRules(r ?? {}, `spec.rules[${i}]`)));
    return errs;
  },
} satisfies ResourceStrategy<FlowSchema>;

const f = (o: KObject) => o as FlowSchema;

/** The `flowschemas` resource. */
export const flowschemas: ResourceDef = {
  group: 'flowcontrol.apiserver.k8s.io',
  version: 'v1',
  kind: 'FlowSchema',
  plural: 'flowschemas',
  singular: 'flowschema',
  namespaced: false,
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('PriorityLevel', (o) => f(o).spec?.priorityLevelConfiguration?.name ?? '', { description: '`name` is the name of the priority level configuration being referenced Required.' }),
    column('MatchingPrecedence', (o) => f(o).spec?.matchingPrecedence ?? 0, { description: '`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default.' }),
    column('DistinguisherMethod', (o) => f(o).spec?.distinguisherMethod?.type ?? '<none>', { description: '`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string.' }),
    ageColumn,
    column('MissingPL', (o) => (f(o).status?.conditions ?? []).find((c) => c?.type === 'Dangling')?.status ?? '?', { description: 'references a broken or non-existent PriorityLevelConfiguration' }),
  ],
  strategy: flowSchemaStrategy as ResourceStrategy,
};
