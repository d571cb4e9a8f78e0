/**
 * The stored shapes of IAM and STS state, their identifiers, and IAM's errors as IAM words them
 * (texts from the real API as moto and SDK issue reports quote them). One JSON document per entity
 * (src/aws/state/table.ts); names are unique case-insensitively, so ids are lower-cased names.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { AwsError, type Principal } from '../types.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** What users, groups and roles share: managed policy ARNs attached, inline policies by name. */
export interface PolicyHolder {
  attachedPolicies: string[];
  /** Inline policy name → document JSON. */
  inlinePolicies: Record<string, string>;
}

export interface UserRecord extends PolicyHolder {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: string;
  tags: Tag[];
  groups: string[];
  accessKeyIds: string[];
  permissionsBoundary?: string;
}

export interface GroupRecord extends PolicyHolder {
  groupName: string;
  groupId: string;
  arn: string;
  path: string;
  createDate: string;
}

export interface RoleRecord extends PolicyHolder {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: string;
  /** The trust policy, as given (JSON). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  permissionsBoundary?: string;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createDate: string;
}

/** A managed policy: customer ones are stored, AWS ones are data (managed-policies.ts). */
export interface ManagedPolicyRecord {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: PolicyVersionRecord[];
  nextVersion: number;
  tags: Tag[];
}

export interface InstanceProfileRecord {
  instanceProfileName: string;
  instanceProfileId: string;
  arn: string;
  path: string;
  createDate: string;
  /** Role names (at most one, as AWS allows). */
  roles: string[];
  tags: Tag[];
}

export interface OidcProviderRecord {
  arn: string;
  /** The issuer URL as given (https://…). */
  url: string;
  clientIdList: string[];
  thumbprintList: string[];
  createDate: string;
  tags: Tag[];
}

/** A long-term access key of an IAM user (global table: key ids are unique across accounts). */
export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  /** The owning user; empty for an account's root key. */
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** Temporary credentials from AssumeRole or GetSessionToken (global table, by ASIA… key id). */
export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  account: string;
  /** The principal the credentials act as. */
  arn: string;
  userId: string;
  roleArn?: string;
  sessionName?: string;
  /** A session policy (AssumeRole `Policy`) that further limits the role's permissions. */
  sessionPolicy?: string;
  /** GetSessionToken of the root user. */
  root?: boolean;
}

/** What the authenticator needs to check a signature made with an access key id. */
export interface ResolvedKey {
  secret: string;
  principal: Principal;
  sessionToken?: string;
  /** Epoch ms (temporary credentials). */
  expiration?: number;
}

/** Temporary credentials as STS returns them. */
export interface StsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiration: string;
}

/** An account beside the default one; its root key is an {@link AccessKeyRecord} with no user. */
export interface AccountRecord {
  accountId: string;
  rootAccessKeyId: string;
  createDate: string;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** IAM unique ids: AIDA (user), AROA (role), AGPA (group), ANPA (policy), AIPA (instance profile) + 17. */
export function newUniqueId(prefix: 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AIPA'): string {
  return prefix + pick(UPPER_ALNUM, 17);
}

/** AKIA (long-term) or ASIA (temporary) + 16 upper-case alphanumerics: 20 characters, as AWS. */
export function newAccessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  return prefix + pick(UPPER_ALNUM, 16);
}

/** A 40-character secret access key. */
export function newSecretAccessKey(): string {
  return pick(SECRET_CHARS, 40);
}

/** An opaque session token (looked up, never parsed). */
export function newSessionToken(): string {
  return 'IQoJb3JpZ2luX2VjE' + randomBytes(240).toString('base64');
}

export function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', message, 404);
}
export function entityAlreadyExists(message: string): AwsError {
  return new AwsError('EntityAlreadyExists', message, 409);
}
export function deleteConflict(message: string): AwsError {
  return new AwsError('DeleteConflict', message, 409);
}
export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceeded', message, 409);
}
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

/** The ValidationError of a number outside [min, max], worded as the AWS query APIs word it. */
export function rangeError(member: string, value: number, min: number, max: number): AwsError | undefined {
  if (!Number.isInteger(value) || value < min) return validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (value > max) return validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return undefined;
}

const NAME_RE = /^[\w+=,.@-]+$/;

/** IAM's name check (users, roles, groups, policies, profiles): `[\w+=,.@-]+` up to `max` characters. */
export function checkName(value: string | undefined, member: string, max: number): string {
  if (value === undefined || value === '') throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (value.length > max) throw validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  if (!NAME_RE.test(value)) throw validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  return value;
}

/** IAM paths: `/` or `/segments/`, printable ASCII, up to 512 characters. */
export function checkPath(path: string | undefined): string {
  const p = path ?? '/';
  if (p.length > 512 || !/^(\/|\/[\u0021-\u007E]+\/)$/.test(p)) {
    throw validationError(`1 validation error detected: Value '${p}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`);
  }
  return p;
}

/** `arn:aws:iam::A:<kind><path><name>`. */
export function iamArn(account: string, kind: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:${kind}${path}${name}`;
}

/** Splits an IAM ARN into account, resource type and the name after the last `/`. */
export function parseIamArn(arn: string): { account: string; type: string; name: string; path: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):([a-z-]+)(\/(?:.*\/)?)([^/]+)$/.exec(arn);
  return m ? { account: m[1]!, type: m[2]!, path: m[3]!, name: m[4]! } : undefined;
}

/** Adds or replaces tags by key (TagUser, TagRole, …). */
export function mergeTags(existing: Tag[], add: Tag[]): Tag[] {
  const out = existing.filter((t) => !add.some((a) => a.Key === t.Key));
  return [...out, ...add];
}
