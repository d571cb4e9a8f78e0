/**
 * IAM and STS state: the entities of iam-entities.ts plus managed policies (customer ones stored
 * with their versions, AWS ones as data), attached and inline policies, STS sessions and the
 * lookups the authenticator and authorizer need. The IAM and STS handlers call these methods; every
 * refusal is an AwsError with IAM's code and wording.
 */
import type { Principal } from '../types.js';
import { AwsError } from '../types.js';
import { accessDenied } from './auth-errors.js';
import { IamEntities } from './iam-entities.js';
import {
  type AccessKeyRecord, type AccountRecord, type GroupRecord, type ManagedPolicyRecord, type PolicyHolder, type ResolvedKey, type RoleRecord, type SessionRecord, type StsCredentials, type Tag, type UserRecord,
  checkName, checkPath, deleteConflict, entityAlreadyExists, iamArn, limitExceeded, mergeTags, newAccessKeyId, newSecretAccessKey, newSessionToken, newUniqueId, noSuchEntity, parseIamArn, rangeError, validationError,
} from './iam-records.js';
import { AWS_MANAGED_POLICIES } from './managed-policies.js';
import { type Decision, type EvalContext, type PolicyDocument, evaluate, parsePolicyCached, parsePolicyDocument, trustAllows } from './policy.js';

export { DEFAULT_ACCOUNT, DEFAULT_ROOT_KEY, type IamStateOptions } from './iam-entities.js';

/** Holders of policies: the kind names the table and IAM's wording. */
export type PolicyHolderKind = 'user' | 'role' | 'group';

const QUOTA_NAME: Record<PolicyHolderKind, string> = { user: 'PoliciesPerUser', role: 'PoliciesPerRole', group: 'PoliciesPerGroup' };
const SESSION_NAME = /^[\w+=,.@-]+$/;

/** IAM and STS over the store; see the module comment. */
export class IamState extends IamEntities {
  private policies(a: string) { return this.table<ManagedPolicyRecord>(a, 'policies'); }
  private get sessions() { return this.globalTable<SessionRecord>('sessions'); }

  private holderTable(account: string, kind: PolicyHolderKind) {
    return kind === 'user' ? this.users(account) : kind === 'role' ? this.roles(account) : this.groups(account);
  }
  private holderMissing(kind: PolicyHolderKind, name: string) {
    return kind === 'user' ? this.userMissing(name) : kind === 'role' ? this.roleMissing(name) : this.groupMissing(name);
  }

  // ---- managed policies ----------------------------------------------------------------------

  private policyMissing = (arn: string) => () => noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);

  async createPolicy(account: string, input: { policyName: string; policyDocument: string; path?: string; description?: string; tags?: Tag[] }): Promise<ManagedPolicyRecord> {
    const name = checkName(input.policyName, 'policyName', 128);
    const path = checkPath(input.path);
    parsePolicyDocument(input.policyDocument ?? '');
    const now = this.nowIso();
    const p: ManagedPolicyRecord = {
      policyName: name, policyId: newUniqueId('ANPA'), arn: iamArn(account, 'policy', path, name), path, createDate: now, updateDate: now, defaultVersionId: 'v1',
      versions: [{ versionId: 'v1', document: input.policyDocument, isDefaultVersion: true, createDate: now }], nextVersion: 2, tags: input.tags ?? [],
      ...(input.description !== undefined ? { description: input.description } : {}),
    };
    return this.createOrConflict(this.policies(account), name, p, () => entityAlreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`));
  }

  /** A customer or AWS managed policy by ARN. */
  async getPolicy(arn: string): Promise<ManagedPolicyRecord> {
    const managed = AWS_MANAGED_POLICIES.get(arn);
    if (managed) return managed;
    const p = parseIamArn(arn);
    const rec = p && p.type === 'policy' && p.account !== 'aws' ? (await this.policies(p.account).get(p.name.toLowerCase()))?.value : undefined;
    if (!rec || rec.arn !== arn) throw this.policyMissing(arn)();
    return rec;
  }

  /** The document of a policy's default version. */
  async policyDocument(arn: string): Promise<string> {
    const p = await this.getPolicy(arn);
    return p.versions.find((v) => v.versionId === p.defaultVersionId)!.document;
  }

  private async attachmentCounts(account: string): Promise<Map<string, { users: string[]; roles: string[]; groups: string[] }>> {
    const out = new Map<string, { users: string[]; roles: string[]; groups: string[] }>();
    const add = (arns: string[], key: 'users' | 'roles' | 'groups', name: string) => {
      for (const a of arns) {
        let e = out.get(a);
        if (!e) out.set(a, (e = { users: [], roles: [], groups: [] }));
        e[key].push(name);
      }
    };
    for (const u of await this.listUsers(account)) add(u.attachedPolicies, 'users', u.userName);
    for (const r of await this.listRoles(account)) add(r.attachedPolicies, 'roles', r.roleName);
    for (const g of await this.listGroups(account)) add(g.attachedPolicies, 'groups', g.groupName);
    return out;
  }

  /** Who has a managed policy attached (ListEntitiesForPolicy). */
  async policyEntities(account: string, arn: string): Promise<{ users: string[]; roles: string[]; groups: string[] }> {
    await this.getPolicy(arn);
    return (await this.attachmentCounts(account)).get(arn) ?? { users: [], roles: [], groups: [] };
  }

  /** ListPolicies: scope All (default), AWS or Local; with their attachment counts in `account`. */
  async listPolicies(account: string, opts: { scope?: 'All' | 'AWS' | 'Local'; onlyAttached?: boolean; pathPrefix?: string } = {}): Promise<(ManagedPolicyRecord & { attachmentCount: number })[]> {
    const scope = opts.scope ?? 'All';
    const all = [...(scope !== 'Local' ? AWS_MANAGED_POLICIES.values() : []), ...(scope !== 'AWS' ? (await this.policies(account).list()).map((x) => x.value) : [])];
    const counts = await this.attachmentCounts(account);
    return all
      .map((p) => {
        const e = counts.get(p.arn);
        return { ...p, attachmentCount: e ? e.users.length + e.roles.length + e.groups.length : 0 };
      })
      .filter((p) => p.path.startsWith(opts.pathPrefix ?? '/') && (!opts.onlyAttached || p.attachmentCount > 0));
  }

  private async changePolicy(arn: string, change: (p: ManagedPolicyRecord) => ManagedPolicyRecord): Promise<ManagedPolicyRecord> {
    const p = parseIamArn(arn);
    if (AWS_MANAGED_POLICIES.has(arn)) throw new AwsError('AccessDenied', `Cannot modify AWS managed policy ${arn}.`, 403);
    if (!p || p.type !== 'policy' || p.account === 'aws') throw this.policyMissing(arn)();
    const out = await this.policies(p.account).modify(p.name.toLowerCase(), (cur) => {
      if (cur.arn !== arn) throw this.policyMissing(arn)();
      return change(cur);
    });
    if (!out) throw this.policyMissing(arn)();
    return out;
  }

  async deletePolicy(account: string, arn: string): Promise<void> {
    const p = await this.getPolicy(arn);
    if (AWS_MANAGED_POLICIES.has(arn)) throw new AwsError('AccessDenied', `Cannot delete AWS managed policy ${arn}.`, 403);
    const e = (await this.attachmentCounts(account)).get(arn);
    if (e && e.users.length + e.roles.length + e.groups.length) throw deleteConflict('Cannot delete a policy attached to entities.');
    if (p.versions.length > 1) throw deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    await this.policies(parseIamArn(arn)!.account).delete(p.policyName.toLowerCase());
  }

  /** A new version (v2, v3, …), at most five kept (LimitExceeded), optionally the default. */
  async createPolicyVersion(arn: string, document: string, setAsDefault = false): Promise<ManagedPolicyRecord['versions'][number]> {
    parsePolicyDocument(document ?? '');
    const now = this.nowIso();
    const p = await this.changePolicy(arn, (p) => {
      if (p.versions.length >= 5) throw limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
      const versionId = `v${p.nextVersion}`;
      const versions = p.versions.map((v) => (setAsDefault ? { ...v, isDefaultVersion: false } : v));
      versions.push({ versionId, document, isDefaultVersion: setAsDefault, createDate: now });
      return { ...p, versions, nextVersion: p.nextVersion + 1, updateDate: now, defaultVersionId: setAsDefault ? versionId : p.defaultVersionId };
    });
    return p.versions[p.versions.length - 1]!;
  }

  async getPolicyVersion(arn: string, versionId: string): Promise<ManagedPolicyRecord['versions'][number]> {
    const v = (await this.getPolicy(arn)).versions.find((x) => x.versionId === versionId);
    if (!v) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    return v;
  }

  async listPolicyVersions(arn: string): Promise<ManagedPolicyRecord['versions']> {
    return (await this.getPolicy(arn)).versions;
  }

  async deletePolicyVersion(arn: string, versionId: string): Promise<void> {
    await this.changePolicy(arn, (p) => {
      const v = p.versions.find((x) => x.versionId === versionId);
      if (!v) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
      if (v.isDefaultVersion) throw deleteConflict('Cannot delete the default version of a policy.');
      return { ...p, versions: p.versions.filter((x) => x.versionId !== versionId) };
    });
  }

  async setDefaultPolicyVersion(arn: string, versionId: string): Promise<void> {
    await this.changePolicy(arn, (p) => {
      if (!p.versions.some((x) => x.versionId === versionId)) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
      return { ...p, defaultVersionId: versionId, versions: p.versions.map((v) => ({ ...v, isDefaultVersion: v.versionId === versionId })) };
    });
  }

  async tagPolicy(arn: string, tags: Tag[]): Promise<void> {
    await this.changePolicy(arn, (p) => ({ ...p, tags: mergeTags(p.tags, tags) }));
  }

  async untagPolicy(arn: string, keys: string[]): Promise<void> {
    await this.changePolicy(arn, (p) => ({ ...p, tags: p.tags.filter((t) => !keys.includes(t.Key)) }));
  }

  // ---- attached and inline policies ----------------------------------------------------------

  /** AttachUserPolicy / AttachRolePolicy / AttachGroupPolicy: at most 10 per holder. */
  async attachPolicy(account: string, kind: PolicyHolderKind, name: string, policyArn: string): Promise<void> {
    await this.getPolicy(policyArn);
    await this.change<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name), (h) => {
      if (h.attachedPolicies.includes(policyArn)) return h;
      if (h.attachedPolicies.length >= 10) throw limitExceeded(`Cannot exceed quota for ${QUOTA_NAME[kind]}: 10`);
      return { ...h, attachedPolicies: [...h.attachedPolicies, policyArn] };
    });
  }

  async detachPolicy(account: string, kind: PolicyHolderKind, name: string, policyArn: string): Promise<void> {
    await this.change<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name), (h) => {
      if (!h.attachedPolicies.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} was not found.`);
      return { ...h, attachedPolicies: h.attachedPolicies.filter((a) => a !== policyArn) };
    });
  }

  async listAttachedPolicies(account: string, kind: PolicyHolderKind, name: string): Promise<{ policyName: string; policyArn: string }[]> {
    const h = (await this.mustGet<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name))).value;
    return h.attachedPolicies.map((arn) => ({ policyArn: arn, policyName: arn.slice(arn.lastIndexOf('/') + 1) }));
  }

  attachUserPolicy(account: string, userName: string, policyArn: string) { return this.attachPolicy(account, 'user', userName, policyArn); }
  detachUserPolicy(account: string, userName: string, policyArn: string) { return this.detachPolicy(account, 'user', userName, policyArn); }
  attachRolePolicy(account: string, roleName: string, policyArn: string) { return this.attachPolicy(account, 'role', roleName, policyArn); }
  detachRolePolicy(account: string, roleName: string, policyArn: string) { return this.detachPolicy(account, 'role', roleName, policyArn); }
  attachGroupPolicy(account: string, groupName: string, policyArn: string) { return this.attachPolicy(account, 'group', groupName, policyArn); }
  detachGroupPolicy(account: string, groupName: string, policyArn: string) { return this.detachPolicy(account, 'group', groupName, policyArn); }

  /** PutUserPolicy / PutRolePolicy / PutGroupPolicy (creates or replaces). */
  async putInlinePolicy(account: string, kind: PolicyHolderKind, name: string, policyName: string, document: string): Promise<void> {
    checkName(policyName, 'policyName', 128);
    parsePolicyDocument(document ?? '');
    await this.change<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name), (h) => ({ ...h, inlinePolicies: { ...h.inlinePolicies, [policyName]: document } }));
  }

  async getInlinePolicy(account: string, kind: PolicyHolderKind, name: string, policyName: string): Promise<string> {
    const h = (await this.mustGet<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name))).value;
    const doc = h.inlinePolicies[policyName];
    if (doc === undefined) throw noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
    return doc;
  }

  async deleteInlinePolicy(account: string, kind: PolicyHolderKind, name: string, policyName: string): Promise<void> {
    await this.change<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name), (h) => {
      if (!(policyName in h.inlinePolicies)) throw noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
      const { [policyName]: _gone, ...rest } = h.inlinePolicies;
      return { ...h, inlinePolicies: rest };
    });
  }

  async listInlinePolicies(account: string, kind: PolicyHolderKind, name: string): Promise<string[]> {
    const h = (await this.mustGet<PolicyHolder>(this.holderTable(account, kind), name, this.holderMissing(kind, name))).value;
    return Object.keys(h.inlinePolicies).sort();
  }

  // ---- evaluation inputs ---------------------------------------------------------------------

  private async holderDocs(h: PolicyHolder): Promise<PolicyDocument[]> {
    const docs: PolicyDocument[] = [];
    for (const arn of h.attachedPolicies) {
      const text = await this.policyDocument(arn).catch(() => undefined);
      if (text !== undefined) docs.push(parsePolicyCached(text));
    }
    for (const text of Object.values(h.inlinePolicies)) docs.push(parsePolicyCached(text));
    return docs;
  }

  /**
   * The identity policies that apply to a principal: a user's (attached, inline, and its groups'),
   * or for an assumed-role session its role's, plus the session policy when one was passed.
   */
  async identityPolicies(principal: Principal): Promise<{ identity: PolicyDocument[]; session?: PolicyDocument }> {
    if (principal.roleArn) {
      const role = await this.getRoleByArn(principal.roleArn);
      const sess = principal.accessKeyId.startsWith('ASIA') ? (await this.sessions.get(principal.accessKeyId))?.value : undefined;
      return { identity: role ? await this.holderDocs(role) : [], ...(sess?.sessionPolicy ? { session: parsePolicyCached(sess.sessionPolicy) } : {}) };
    }
    const p = parseIamArn(principal.arn);
    if (!p || p.type !== 'user') return { identity: [] };
    const user = (await this.users(p.account).get(p.name.toLowerCase()))?.value;
    if (!user) return { identity: [] };
    const docs = await this.holderDocs(user);
    for (const g of user.groups) {
      const group = (await this.groups(p.account).get(g.toLowerCase()))?.value;
      if (group) docs.push(...(await this.holderDocs(group)));
    }
    return { identity: docs };
  }

  /** Global condition keys of a principal (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalAccount). */
  static requestContext(principal: Principal): EvalContext {
    const p = parseIamArn(principal.arn);
    return {
      'aws:userid': principal.userId, 'aws:PrincipalArn': principal.roleArn ?? principal.arn, 'aws:PrincipalAccount': principal.account,
      ...(p?.type === 'user' ? { 'aws:username': p.name } : {}),
    };
  }

  /** The decision for `principal` doing `action` on `resource`: root and --permissive principals are always allowed. */
  async decide(principal: Principal, action: string, resource = '*', context: EvalContext = {}): Promise<Decision> {
    if (principal.unrestricted) return 'Allow';
    const { identity, session } = await this.identityPolicies(principal);
    const ctx = { ...IamState.requestContext(principal), ...context };
    const d = evaluate(identity, action, resource, ctx);
    if (d !== 'Allow' || !session) return d;
    return evaluate([session], action, resource, ctx);
  }

  // ---- accounts ------------------------------------------------------------------------------

  /** Creates another account with a root access key; returns the account and the key's secret. */
  async createAccount(accountId: string): Promise<{ account: AccountRecord; rootKey: AccessKeyRecord }> {
    if (!/^\d{12}$/.test(accountId)) throw validationError(`Invalid account id: ${accountId}`);
    const rootKey: AccessKeyRecord = { accessKeyId: newAccessKeyId('AKIA'), secretAccessKey: newSecretAccessKey(), account: accountId, userName: '', status: 'Active', createDate: this.nowIso() };
    const account: AccountRecord = { accountId, rootAccessKeyId: rootKey.accessKeyId, createDate: rootKey.createDate };
    if (accountId === this.defaultAccount || !(await this.globalTable<AccountRecord>('accounts').create(accountId, account))) throw entityAlreadyExists(`Account ${accountId} already exists.`);
    await this.keys.create(rootKey.accessKeyId, rootKey);
    return { account, rootKey };
  }

  // ---- STS -----------------------------------------------------------------------------------

  private rootPrincipal(account: string, accessKeyId: string): Principal {
    return { account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId, unrestricted: true };
  }

  /** The secret and principal behind an access key id; undefined when unknown or Inactive. */
  async resolveAccessKey(accessKeyId: string): Promise<ResolvedKey | undefined> {
    if (accessKeyId === 'test') return { secret: 'test', principal: this.rootPrincipal(this.defaultAccount, accessKeyId) };
    if (accessKeyId.startsWith('ASIA')) {
      const s = (await this.sessions.get(accessKeyId))?.value;
      if (!s) return undefined;
      const principal: Principal = { account: s.account, arn: s.arn, userId: s.userId, accessKeyId, unrestricted: !!s.root, ...(s.roleArn ? { roleArn: s.roleArn } : {}) };
      return { secret: s.secretAccessKey, principal, sessionToken: s.sessionToken, expiration: s.expiration };
    }
    const k = (await this.keys.get(accessKeyId))?.value;
    if (!k || k.status !== 'Active') return undefined;
    if (!k.userName) return { secret: k.secretAccessKey, principal: this.rootPrincipal(k.account, accessKeyId) };
    const user = (await this.users(k.account).get(k.userName.toLowerCase()))?.value;
    if (!user) return undefined;
    return { secret: k.secretAccessKey, principal: { account: k.account, arn: user.arn, userId: user.userId, accessKeyId, unrestricted: false } };
  }

  /** GetCallerIdentity's answer. */
  getCallerIdentity(principal: Principal): { UserId: string; Account: string; Arn: string } {
    return { UserId: principal.userId, Account: principal.account, Arn: principal.arn };
  }

  /** Whether a role exists and its trust policy lets a service principal (e.g. `eks.amazonaws.com`) assume it. */
  async roleTrusts(roleArn: string, servicePrincipal: string): Promise<boolean> {
    const role = await this.getRoleByArn(roleArn);
    return !!role && trustAllows(parsePolicyDocument(role.assumeRolePolicyDocument, 'trust'), { service: servicePrincipal });
  }

  private async issue(base: Omit<SessionRecord, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>, seconds: number): Promise<StsCredentials> {
    const rec: SessionRecord = { ...base, accessKeyId: newAccessKeyId('ASIA'), secretAccessKey: newSecretAccessKey(), sessionToken: newSessionToken(), expiration: Math.floor(this.clock.now() / 1000) * 1000 + seconds * 1000 };
    await this.sessions.create(rec.accessKeyId, rec);
    return { accessKeyId: rec.accessKeyId, secretAccessKey: rec.secretAccessKey, sessionToken: rec.sessionToken, expiration: new Date(rec.expiration).toISOString().replace('.000Z', 'Z') };
  }

  /**
   * STS AssumeRole: checks the session name and duration (ValidationError), that the role exists and
   * trusts the caller (AccessDenied, worded as STS does, without revealing which), and — when the
   * trust policy names only the caller's account — that the caller's own policies allow
   * sts:AssumeRole. Role chaining is limited to one hour. The root user may assume roles here
   * (AWS refuses that; an emulator driven by `test`/`test` needs it).
   */
  async assumeRole(principal: Principal, roleArn: string, sessionName: string, durationSeconds = 3600, opts: { policy?: string; externalId?: string } = {}): Promise<{ credentials: StsCredentials; assumedRoleUser: { assumedRoleId: string; arn: string } }> {
    if (!sessionName || sessionName.length < 2) throw validationError(`1 validation error detected: Value '${sessionName ?? ''}' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2`);
    if (sessionName.length > 64) throw validationError(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
    if (!SESSION_NAME.test(sessionName)) throw validationError(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    const bad = rangeError('durationSeconds', durationSeconds, 900, 43200);
    if (bad) throw bad;
    if (opts.policy !== undefined) parsePolicyDocument(opts.policy);
    const denied = () => accessDenied(principal.arn, 'sts:AssumeRole', roleArn, false);
    const role: RoleRecord | undefined = await this.getRoleByArn(roleArn);
    if (!role) throw denied();
    const trust = parsePolicyDocument(role.assumeRolePolicyDocument, 'trust');
    const caller = { aws: [principal.arn, ...(principal.roleArn ? [principal.roleArn] : [])] };
    const ctx: EvalContext = { ...IamState.requestContext(principal), ...(opts.externalId !== undefined ? { 'sts:ExternalId': opts.externalId } : {}), 'sts:RoleSessionName': sessionName };
    if (!trustAllows(trust, caller, 'sts:AssumeRole', ctx)) throw denied();
    const own = await this.decide(principal, 'sts:AssumeRole', role.arn);
    if (own === 'ExplicitDeny' || (own !== 'Allow' && !trustAllows(trust, caller, 'sts:AssumeRole', ctx, true))) throw denied();
    if (principal.roleArn && durationSeconds > 3600) throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    if (durationSeconds > role.maxSessionDuration) throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const account = parseIamArn(role.arn)!.account;
    const arn = `arn:aws:sts::${account}:assumed-role/${role.roleName}/${sessionName}`;
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    const credentials = await this.issue({ account, arn, userId: assumedRoleId, roleArn: role.arn, sessionName, ...(opts.policy !== undefined ? { sessionPolicy: opts.policy } : {}) }, durationSeconds);
    return { credentials, assumedRoleUser: { assumedRoleId, arn } };
  }

  /** STS GetSessionToken: temporary credentials acting as the same user (or root), not callable with session credentials. */
  async getSessionToken(principal: Principal, durationSeconds?: number): Promise<StsCredentials> {
    if (principal.roleArn || principal.accessKeyId.startsWith('ASIA')) throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
    const root = principal.arn.endsWith(':root');
    const seconds = durationSeconds ?? (root ? 3600 : 43200);
    const bad = rangeError('durationSeconds', seconds, 900, root ? 3600 : 129600);
    if (bad) throw bad;
    return this.issue({ account: principal.account, arn: principal.arn, userId: principal.userId, ...(root ? { root: true } : {}) }, seconds);
  }

  /** Deletes sessions expired for longer than `graceMs` (until then they answer ExpiredToken, not InvalidClientTokenId). */
  async purgeExpiredSessions(graceMs = 24 * 3600 * 1000): Promise<number> {
    let n = 0;
    for (const s of await this.sessions.list()) {
      if (s.value.expiration + graceMs < this.clock.now() && (await this.sessions.delete(s.id, s.revision))) n++;
    }
    return n;
  }
}

export type { GroupRecord, ManagedPolicyRecord, ResolvedKey, RoleRecord, SessionRecord, StsCredentials, UserRecord };
