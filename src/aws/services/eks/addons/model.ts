/**
 * The stored add-on, its view, its texts, and the check of `configurationValues` (JSON or YAML,
 * validated against the version's schema). Stored in the conventional `addons` table under
 * `<cluster>/<addonName>` (../state.ts), so the tag operations find it.
 */
import { parse as parseYaml } from 'yaml';
import type { Store } from '../../../../store/types.js';
import { eksError, type EksErrorFields } from '../errors.js';
import { KIND, tableOf, type EksTable, type Lifecycle, type Scope } from '../state.js';
import { validateJsonSchema, type JsonSchema } from './json-schema.js';

/** The model's AddonStatus. */
export type AddonStatus = 'CREATING' | 'ACTIVE' | 'CREATE_FAILED' | 'UPDATING' | 'DELETING' | 'DELETE_FAILED' | 'DEGRADED' | 'UPDATE_FAILED';

/** An add-on as stored. */
export interface AddonRecord {
  addonName: string;
  clusterName: string;
  status: AddonStatus;
  addonVersion: string;
  health: { issues: { code: string; message: string; resourceIds: string[] }[] };
  addonArn: string;
  createdAt: number;
  modifiedAt: number;
  serviceAccountRoleArn?: string;
  tags: Record<string, string>;
  publisher: string;
  owner: string;
  configurationValues?: string;
  /** ARNs of the Pod Identity associations the add-on owns. */
  podIdentityAssociations: string[];
  namespaceConfig?: { namespace: string };
  /** Internal: how conflicts with self-managed objects were to be resolved (no such objects here). */
  resolveConflicts?: string;
  /** Internal: DeleteAddon's `preserve` (the software stays on the cluster). */
  preserve?: boolean;
  clientRequestToken?: string;
  lifecycle?: Lifecycle;
  activeUpdateId?: string;
  lastAppliedUpdateId?: string;
}

/** The `addons` table of a scope. */
export function addonTable(store: Store, scope: Scope): EksTable<AddonRecord> {
  return tableOf<AddonRecord>(store, scope, KIND.addons);
}

/** The model's `Addon`. */
export function addonView(a: AddonRecord): Record<string, unknown> {
  return {
    addonName: a.addonName,
    clusterName: a.clusterName,
    status: a.status,
    addonVersion: a.addonVersion,
    health: a.health,
    addonArn: a.addonArn,
    createdAt: a.createdAt,
    modifiedAt: a.modifiedAt,
    serviceAccountRoleArn: a.serviceAccountRoleArn,
    tags: a.tags,
    publisher: a.publisher,
    owner: a.owner,
    configurationValues: a.configurationValues,
    podIdentityAssociations: a.podIdentityAssociations.length ? a.podIdentityAssociations : undefined,
    namespaceConfig: a.namespaceConfig,
  };
}

/** The texts (sources named as in ../errors.ts). */
export const ADDON_MSG = {
  /** ResourceInUseException — real (crossplane-contrib/provider-aws#1310, aws/eks-hybrid#316). */
  exists: 'Addon already exists.',
  /** ResourceNotFoundException — real (EKS user guide, removing an add-on). */
  notFound: (addon: string, cluster: string) => `No addon: ${addon} found in cluster: ${cluster}`,
  /** InvalidParameterException — real (aws/containers-roadmap#1429). */
  unsupportedAddon: 'Addon specified is not supported',
  /** InvalidParameterException — real (hashicorp/terraform-provider-aws#32238 and others). */
  unsupportedVersion: 'Addon version specified is not supported',
  /** InvalidParameterException — real prefix and wording (hashicorp/terraform-provider-aws via aws/containers-roadmap#2216; cookpad/terraform-aws-eks#331). */
  schemaFailed: (errors: string[]) => `ConfigurationValue provided in request is not supported: Json schema validation failed with error: [${errors.join(', ')}]`,
  /** InvalidParameterException — UNVERIFIED, with the real prefix. */
  unparsable: 'ConfigurationValue provided in request is not supported: the value is neither valid JSON nor valid YAML',
  /** ResourceNotFoundException — UNVERIFIED. */
  noSchema: (addon: string, version: string) => `No configuration schema found for addon ${addon} with version ${version}`,
  /** InvalidParameterException — UNVERIFIED. */
  serviceAccountNotSupported: (sa: string, addon: string) => `Service account ${sa} is not supported by addon ${addon} for EKS Pod Identity`,
  /** ResourceInUseException — UNVERIFIED, worded after the cluster's update-in-progress text. */
  updateInProgress: (addon: string, cluster: string, updateId: string) => `Cannot update addon ${addon} because cluster ${cluster} currently has update ${updateId} in progress for it`,
  /** InvalidRequestException — UNVERIFIED. */
  notUpdatable: (addon: string, status: string) => `Addon ${addon} cannot be updated while it is in status ${status}`,
  /** InvalidParameterException — UNVERIFIED. */
  noChange: 'At least one of addonVersion, serviceAccountRoleArn, resolveConflicts, configurationValues or podIdentityAssociations must be specified.',
} as const;

/**
 * Parses `configurationValues` (JSON, or YAML as the CLI accepts) and validates it against the
 * schema; an empty string means "no configuration". Throws InvalidParameterException.
 */
export function checkConfiguration(text: string | undefined, schema: JsonSchema, f: EksErrorFields): void {
  if (text === undefined || text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = parseYaml(text);
    } catch {
      throw eksError('InvalidParameterException', ADDON_MSG.unparsable, f);
    }
  }
  const errors = validateJsonSchema(schema, value);
  if (errors.length) throw eksError('InvalidParameterException', ADDON_MSG.schemaFailed(errors), f);
}
