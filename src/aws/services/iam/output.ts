/**
 * IAM's wire forms of the records of src/aws/identity (User, Role, Policy, PolicyVersion,
 * InstanceProfile, …), its Marker/MaxItems/IsTruncated pagination, and the URL-encoding of policy
 * documents: IAM returns every member of shape `policyDocumentType` as `urlencode(json)`, which
 * botocore's `json_decode_policies` handler (and so the `aws` CLI and boto3) decodes back into a
 * document; the JavaScript SDK hands it over as is (`decodeURIComponent` it).
 * As IAM does, list operations return a subset of each entity: ListUsers and ListRoles omit Tags,
 * PermissionsBoundary and RoleLastUsed; ListPolicies omits Description and Tags.
 */
import type { GroupRecord, InstanceProfileRecord, ManagedPolicyRecord, RoleRecord, Tag, UserRecord } from '../../identity/index.js';
import type { ServiceModel } from '../../models/types.js';
import { AwsError, type Principal } from '../../types.js';

type Out = Record<string, unknown>;

/** The account-wide default for pages (IAM: 100). */
const DEFAULT_MAX_ITEMS = 100;

/** `ValidationError` in IAM's form. */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

/** `NoSuchEntity` in IAM's form. */
export function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', message, 404);
}

/** IAM's answer to a self-addressed call (no UserName) made with role or federated credentials. */
export const MSG_NON_USER = 'Must specify userName when calling with non-User credentials';

/** The user name of a principal that is an IAM user; undefined for root, roles and sessions of them. */
export function callerUserName(p: Principal): string | undefined {
  const m = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(p.arn);
  return m?.[1];
}

/** A policy document as stored: clients may send it URL-encoded, as IAM returns it. */
export function documentIn(v: unknown): string {
  const text = String(v ?? '');
  if (/^\s*%7B/i.test(text)) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * URL-encodes, in place, every `policyDocumentType` member of an output of shape `shapeName`
 * (walking structures and lists through the model), as IAM answers.
 */
export function encodePolicyDocuments(model: ServiceModel, shapeName: string, value: unknown): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === null || typeof value !== 'object') return;
  if (shape.type === 'list' && shape.member && Array.isArray(value)) {
    for (const v of value) encodePolicyDocuments(model, shape.member.shape, v);
    return;
  }
  if (shape.type !== 'structure') return;
  const obj = value as Out;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = obj[name];
    if (v === undefined) continue;
    if (ref.shape === 'policyDocumentType' && typeof v === 'string') obj[name] = encodeURIComponent(v);
    else encodePolicyDocuments(model, ref.shape, v);
  }
}

/**
 * One page of `items` in `keyOf` order: `MaxItems` (1–1000, default 100) from `Marker` (the opaque
 * key of the first item of the page, as the previous page's `Marker` gave it).
 */
export function paginate<T>(items: readonly T[], keyOf: (t: T) => string, input: Out): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (typeof input.Marker === 'string') {
    const after = Buffer.from(input.Marker, 'base64url').toString('utf8');
    if (!after || Buffer.from(after, 'utf8').toString('base64url') !== input.Marker) throw validationError('Invalid Marker.');
    start = sorted.findIndex((t) => keyOf(t) >= after);
    if (start < 0) start = sorted.length;
  }
  const max = typeof input.MaxItems === 'number' ? input.MaxItems : DEFAULT_MAX_ITEMS;
  const page = sorted.slice(start, start + max);
  const next = sorted[start + max];
  return next === undefined ? { page, IsTruncated: false } : { page, IsTruncated: true, Marker: Buffer.from(keyOf(next), 'utf8').toString('base64url') };
}

/** A paginated list output: `{[member]: page, IsTruncated, Marker?}`. */
export function listOutput<T>(member: string, items: readonly T[], keyOf: (t: T) => string, input: Out, map: (t: T) => unknown = (t) => t): Out {
  const { page, IsTruncated, Marker } = paginate(items, keyOf, input);
  return { [member]: page.map(map), IsTruncated, ...(Marker !== undefined ? { Marker } : {}) };
}

const tagsOf = (tags: Tag[]) => (tags.length ? { Tags: tags } : {});
const boundary = (arn: string | undefined) => (arn ? { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn } } : {});
const lower = (s: string) => s.toLowerCase();

/** `User`; `full` (GetUser, CreateUser) adds Tags and PermissionsBoundary. */
export function userOut(u: UserRecord, full = true): Out {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate, ...(full ? { ...boundary(u.permissionsBoundary), ...tagsOf(u.tags) } : {}) };
}
export const userKey = (u: UserRecord) => lower(u.userName);

/** `Role`; `full` (GetRole, CreateRole) adds Tags, PermissionsBoundary and RoleLastUsed. */
export function roleOut(r: RoleRecord, full = true): Out {
  return {
    Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate, AssumeRolePolicyDocument: r.assumeRolePolicyDocument,
    ...(r.description !== undefined ? { Description: r.description } : {}), MaxSessionDuration: r.maxSessionDuration,
    ...(full ? { ...boundary(r.permissionsBoundary), ...tagsOf(r.tags), RoleLastUsed: {} } : {}),
  };
}
export const roleKey = (r: RoleRecord) => lower(r.roleName);

/** `Policy`; `full` (GetPolicy, CreatePolicy) adds Description and Tags. */
export function policyOut(p: ManagedPolicyRecord, attachmentCount: number, full = true): Out {
  return {
    PolicyName: p.policyName, PolicyId: p.policyId, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersionId, AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0, IsAttachable: true, CreateDate: p.createDate, UpdateDate: p.updateDate,
    ...(full ? { ...(p.description !== undefined ? { Description: p.description } : {}), ...tagsOf(p.tags) } : {}),
  };
}

/** `PolicyVersion`; the document only when asked for (GetPolicyVersion; list and create answers omit it). */
export function versionOut(v: ManagedPolicyRecord['versions'][number], withDocument: boolean): Out {
  return { ...(withDocument ? { Document: v.document } : {}), VersionId: v.versionId, IsDefaultVersion: v.isDefaultVersion, CreateDate: v.createDate };
}

/** `InstanceProfile` with its roles (the short Role form, as IAM lists them). */
export function profileOut(p: InstanceProfileRecord, roles: RoleRecord[]): Out {
  return { Path: p.path, InstanceProfileName: p.instanceProfileName, InstanceProfileId: p.instanceProfileId, Arn: p.arn, CreateDate: p.createDate, Roles: roles.map((r) => roleOut(r, false)), ...tagsOf(p.tags) };
}

export function groupKey(g: GroupRecord): string {
  return lower(g.groupName);
}

/** The path of a managed policy ARN (`arn:aws:iam::A:policy/path/Name` → `/path/`). */
export function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy') + ':policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1) || '/';
}
