/**
 * EKS Pod Identity associations as stored, with the operations the add-on area shares: creating
 * an association (checked role, one per namespace and service account) and deleting those an
 * add-on owns.
 *
 * An association lives in the conventional `pod-identity-associations` table under
 * `<cluster>/<associationId>`. Its (namespace, service account) pair is claimed first in a key
 * table (`<cluster>/<namespace>/<serviceAccount>` → id) with compare-and-swap, so two requests
 * for one service account cannot both succeed; a claim whose association is still missing
 * {@link STALE_CLAIM_MS} after it was made (a crash between the two writes) is taken over.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Store } from '../../../../store/types.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import type { EksRuntime } from '../runtime.js';
import { childId, eksArn, KIND, tableOf, type EksTable, type Scope } from '../state.js';

/** An association as stored (the model's PodIdentityAssociation plus the request token). */
export interface AssociationRecord {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  associationArn: string;
  associationId: string;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  /** The add-on that owns it, if any. */
  ownerArn?: string;
  disableSessionTags?: boolean;
  targetRoleArn?: string;
  externalId?: string;
  policy?: string;
  clientRequestToken?: string;
}

/** The texts (sources named as in ../errors.ts). */
export const PIA_MSG = {
  /** ResourceInUseException — real (aws/eks-hybrid#679, eksctl-io/eksctl#7753). */
  exists: (id: string) => `Association already exists: ${id}`,
  /** ResourceNotFoundException — UNVERIFIED. */
  notFound: (id: string) => `No Pod Identity Association found for id: ${id}.`,
  /** InvalidParameterException — real (aws-samples/eks-workshop-v2#882). */
  idLength: 'The parameter associationId should be 19 characters long.',
  /** InvalidParameterException — real (hashicorp/terraform-provider-aws#34717). */
  roleMissing: 'Role provided in the request does not exist',
  /** InvalidParameterException — real (aws/aws-cdk#31522, hashicorp/terraform-provider-aws#41483). */
  badTrust: 'Trust policy of the role provided is invalid. Follow the official documentation to resolve the issue.',
  /** InvalidParameterException — UNVERIFIED (the rule is the model doc's). */
  policyNeedsNoSessionTags: 'disableSessionTags must be set to true when a policy is specified.',
  /** InvalidParameterException — UNVERIFIED (the rule is the model doc's). */
  nothingToUpdate: 'At least one of roleArn, targetRoleArn, disableSessionTags or policy must be specified.',
  /** InvalidRequestException — UNVERIFIED. */
  ownedByAddon: (id: string, owner: string) => `Association ${id} is owned by the add-on ${owner}; change it through UpdateAddon or DeleteAddon.`,
} as const;

/** The service principal an association's role must trust. */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new association id: `a-` and 17 lower-case letters and digits (`a-8mvwvh57cu74mgcst`). */
export function newAssociationId(): string {
  let s = 'a-';
  for (let i = 0; i < 17; i++) s += ID_CHARS[randomInt(ID_CHARS.length)];
  return s;
}

/** The associations table of a scope. */
export function associationTable(store: Store, scope: Scope): EksTable<AssociationRecord> {
  return tableOf<AssociationRecord>(store, scope, KIND.podIdentityAssociations);
}

/** The (namespace, service account) claims of a scope. */
export function claimTable(store: Store, scope: Scope): EksTable<{ associationId: string; at: number }> {
  return tableOf<{ associationId: string; at: number }>(store, scope, 'pod-identity-claims');
}

/** How long a claim without its association counts as an association being created. */
export const STALE_CLAIM_MS = 10_000;

const claimId = (cluster: string, namespace: string, serviceAccount: string) => `${cluster}/${namespace}/${serviceAccount}`;

/** The model's PodIdentityAssociation. */
export function associationView(a: AssociationRecord): Record<string, unknown> {
  const { clientRequestToken: _token, ...shown } = a;
  return shown;
}

/** The model's PodIdentityAssociationSummary. */
export function summaryView(a: AssociationRecord): Record<string, unknown> {
  return { clusterName: a.clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, associationArn: a.associationArn, associationId: a.associationId, ownerArn: a.ownerArn };
}

/** A role for EKS Pod Identity: exists and trusts pods.eks.amazonaws.com. */
export async function checkPodRole(rt: EksRuntime, scope: Scope, roleArn: string, f: EksErrorFields): Promise<void> {
  if (!ROLE_ARN.test(roleArn)) throw eksError('InvalidParameterException', MSG.invalidRoleArn(roleArn), f);
  if (!(await rt.iam.getRole(scope.account, roleArn))) throw eksError('InvalidParameterException', PIA_MSG.roleMissing, f);
  if (!(await rt.iam.roleTrusts(scope.account, roleArn, POD_IDENTITY_PRINCIPAL))) throw eksError('InvalidParameterException', PIA_MSG.badTrust, f);
}

/** What an association is created from. */
export interface NewAssociation {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  tags?: Record<string, string>;
  ownerArn?: string;
  disableSessionTags?: boolean;
  targetRoleArn?: string;
  policy?: string;
  clientRequestToken?: string;
}

/**
 * Creates an association after checking its role; ResourceInUseException `Association already
 * exists: <id>` when the service account already has one.
 */
export async function createAssociation(rt: EksRuntime, scope: Scope, a: NewAssociation, f: EksErrorFields): Promise<AssociationRecord> {
  await checkPodRole(rt, scope, a.roleArn, f);
  if (a.policy !== undefined && a.disableSessionTags !== true) throw eksError('InvalidParameterException', PIA_MSG.policyNeedsNoSessionTags, f);
  const associations = associationTable(rt.store, scope);
  const claims = claimTable(rt.store, scope);
  const cid = claimId(a.clusterName, a.namespace, a.serviceAccount);
  const associationId = newAssociationId();
  const now = rt.clock.now();
  for (;;) {
    if (await claims.create(cid, { associationId, at: now })) break;
    const held = await claims.get(cid);
    if (!held) continue;
    const live = (await associations.get(childId(a.clusterName, held.value.associationId))) !== undefined || now - held.value.at < STALE_CLAIM_MS;
    if (live) throw eksError('ResourceInUseException', PIA_MSG.exists(held.value.associationId), f);
    if (await claims.update(cid, { associationId, at: now }, held.revision)) break;
  }
  const rec: AssociationRecord = {
    clusterName: a.clusterName,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    roleArn: a.roleArn,
    associationArn: eksArn(scope, `podidentityassociation/${a.clusterName}/${associationId}`),
    associationId,
    tags: a.tags ?? {},
    createdAt: now,
    modifiedAt: now,
    ownerArn: a.ownerArn,
    disableSessionTags: a.disableSessionTags ?? false,
    targetRoleArn: a.targetRoleArn,
    externalId: a.targetRoleArn ? randomUUID() : undefined,
    policy: a.policy,
    clientRequestToken: a.clientRequestToken,
  };
  await associations.create(childId(a.clusterName, associationId), rec);
  return rec;
}

/** Deletes an association and its claim (both may be gone already). */
export async function deleteAssociation(store: Store, scope: Scope, a: AssociationRecord): Promise<void> {
  await associationTable(store, scope).delete(childId(a.clusterName, a.associationId));
  const claims = claimTable(store, scope);
  const cid = claimId(a.clusterName, a.namespace, a.serviceAccount);
  const held = await claims.get(cid);
  if (held?.value.associationId === a.associationId) await claims.delete(cid, held.revision);
}

/** Every association of a cluster. */
export async function associationsOf(store: Store, scope: Scope, clusterName: string): Promise<AssociationRecord[]> {
  return (await associationTable(store, scope).listUnder(`${clusterName}/`)).map((r) => r.value);
}

/** Deletes the associations an add-on owns. */
export async function deleteOwnedBy(store: Store, scope: Scope, clusterName: string, ownerArn: string): Promise<void> {
  for (const a of await associationsOf(store, scope, clusterName)) if (a.ownerArn === ownerArn) await deleteAssociation(store, scope, a);
}
