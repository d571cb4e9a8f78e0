/**
 * IAM entities over the store: accounts, users, access keys, groups, roles, instance profiles and
 * OIDC providers, with IAM's errors. Policies and STS sessions build on this in iam-state.ts.
 *
 * Layout: per account, one Table per type under `/aws/iam/<account>/global/<type>/<lower-cased
 * name>`; access keys, sessions and extra accounts are looked up by key id alone, so they live in
 * account-less tables under `/aws/iam/all-accounts/global/…`.
 */
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../store/types.js';
import { Table, type Stored } from '../state/table.js';
import { AwsError } from '../types.js';
import {
  type AccessKeyRecord, type GroupRecord, type InstanceProfileRecord, type OidcProviderRecord, type RoleRecord, type Tag, type UserRecord,
  checkName, checkPath, deleteConflict, entityAlreadyExists, iamArn, limitExceeded, mergeTags, newAccessKeyId, newSecretAccessKey, newUniqueId, noSuchEntity, parseIamArn, rangeError, validationError,
} from './iam-records.js';
import { parsePolicyDocument } from './policy.js';

/** The account every request without other credentials acts in, and its root key `test`/`test`. */
export const DEFAULT_ACCOUNT = '000000000000';
export const DEFAULT_ROOT_KEY = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface IamStateOptions {
  clock: Clock;
  defaultAccount?: string;
}

type AccessKeyMetadata = Omit<AccessKeyRecord, 'secretAccessKey'>;
const GLOBAL = 'all-accounts';

export class IamEntities {
  readonly defaultAccount: string;
  protected readonly clock: Clock;
  private readonly tables = new Map<string, Table<unknown>>();

  constructor(protected readonly store: Store, opts: IamStateOptions) {
    this.clock = opts.clock;
    this.defaultAccount = opts.defaultAccount ?? DEFAULT_ACCOUNT;
  }

  /** The table of `type` in `account` (or the account-less tables for `all-accounts`). */
  protected table<T>(account: string, type: string): Table<T> {
    const id = `${account}/${type}`;
    let t = this.tables.get(id);
    if (!t) this.tables.set(id, (t = new Table<unknown>(this.store, { service: 'iam', account, region: 'global', type })));
    return t as Table<T>;
  }
  /** Tables looked up by id alone, across accounts (access keys, sessions, accounts). */
  protected globalTable<T>(type: string): Table<T> {
    return this.table<T>(GLOBAL, type);
  }
  protected get keys(): Table<AccessKeyRecord> {
    return this.globalTable('access-keys');
  }
  protected users = (a: string) => this.table<UserRecord>(a, 'users');
  protected groups = (a: string) => this.table<GroupRecord>(a, 'groups');
  protected roles = (a: string) => this.table<RoleRecord>(a, 'roles');
  protected profiles = (a: string) => this.table<InstanceProfileRecord>(a, 'instance-profiles');
  protected oidc = (a: string) => this.table<OidcProviderRecord>(a, 'oidc-providers');

  /** Seconds-precision ISO time from the injected clock, as IAM stamps entities. */
  protected nowIso(): string {
    return new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  protected async mustGet<T>(t: Table<T>, name: string, notFound: () => AwsError): Promise<Stored<T>> {
    const cur = await t.get(name.toLowerCase());
    if (!cur) throw notFound();
    return cur;
  }

  /** Read-modify-write with CAS retries; `change` may throw an AwsError to refuse. */
  protected async change<T>(t: Table<T>, name: string, notFound: () => AwsError, change: (v: T) => T): Promise<T> {
    const out = await t.modify(name.toLowerCase(), change);
    if (!out) throw notFound();
    return out;
  }

  protected async createOrConflict<T>(t: Table<T>, name: string, value: T, exists: () => AwsError): Promise<T> {
    if (!(await t.create(name.toLowerCase(), value))) throw exists();
    return value;
  }

  protected static underPath<T extends { path: string }>(items: { value: T }[], pathPrefix = '/'): T[] {
    return items.map((i) => i.value).filter((v) => v.path.startsWith(pathPrefix));
  }

  // ---- users ---------------------------------------------------------------------------------

  protected userMissing = (name: string) => () => noSuchEntity(`The user with name ${name} cannot be found.`);

  async createUser(account: string, input: { userName: string; path?: string; tags?: Tag[]; permissionsBoundary?: string }): Promise<UserRecord> {
    const name = checkName(input.userName, 'userName', 64);
    const path = checkPath(input.path);
    const user: UserRecord = {
      userName: name, userId: newUniqueId('AIDA'), arn: iamArn(account, 'user', path, name), path, createDate: this.nowIso(),
      tags: input.tags ?? [], groups: [], accessKeyIds: [], attachedPolicies: [], inlinePolicies: {},
      ...(input.permissionsBoundary ? { permissionsBoundary: input.permissionsBoundary } : {}),
    };
    return this.createOrConflict(this.users(account), name, user, () => entityAlreadyExists(`User with name ${name} already exists.`));
  }

  async getUser(account: string, userName: string): Promise<UserRecord> {
    return (await this.mustGet(this.users(account), userName, this.userMissing(userName))).value;
  }

  async listUsers(account: string, pathPrefix?: string): Promise<UserRecord[]> {
    return IamEntities.underPath(await this.users(account).list(), pathPrefix);
  }

  /** Deletes a user that has no access keys, policies or group memberships left (DeleteConflict otherwise). */
  async deleteUser(account: string, userName: string): Promise<void> {
    const cur = await this.mustGet(this.users(account), userName, this.userMissing(userName));
    const u = cur.value;
    if (u.accessKeyIds.length) throw deleteConflict('Cannot delete entity, must delete access keys first.');
    if (u.attachedPolicies.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (Object.keys(u.inlinePolicies).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (u.groups.length) throw deleteConflict('Cannot delete entity, must remove user from all groups first.');
    if (!(await this.users(account).delete(userName.toLowerCase(), cur.revision))) return this.deleteUser(account, userName);
  }

  async tagUser(account: string, userName: string, tags: Tag[]): Promise<void> {
    await this.change(this.users(account), userName, this.userMissing(userName), (u) => ({ ...u, tags: mergeTags(u.tags, tags) }));
  }

  async untagUser(account: string, userName: string, keys: string[]): Promise<void> {
    await this.change(this.users(account), userName, this.userMissing(userName), (u) => ({ ...u, tags: u.tags.filter((t) => !keys.includes(t.Key)) }));
  }

  // ---- access keys ---------------------------------------------------------------------------

  protected keyMissing = (id: string) => () => noSuchEntity(`The Access Key with id ${id} cannot be found.`);

  /** A new Active key (AKIA…, 40-character secret) for the user; at most two per user (LimitExceeded). */
  async createAccessKey(account: string, userName: string): Promise<AccessKeyRecord> {
    const key: AccessKeyRecord = { accessKeyId: newAccessKeyId('AKIA'), secretAccessKey: newSecretAccessKey(), account, userName: '', status: 'Active', createDate: this.nowIso() };
    const u = await this.change(this.users(account), userName, this.userMissing(userName), (u) => {
      if (u.accessKeyIds.length >= 2) throw limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2');
      return { ...u, accessKeyIds: [...u.accessKeyIds, key.accessKeyId] };
    });
    key.userName = u.userName;
    await this.keys.create(key.accessKeyId, key);
    return key;
  }

  async listAccessKeys(account: string, userName: string): Promise<AccessKeyMetadata[]> {
    const u = await this.getUser(account, userName);
    const out: AccessKeyMetadata[] = [];
    for (const id of u.accessKeyIds) {
      const k = (await this.keys.get(id))?.value;
      if (k) out.push({ accessKeyId: k.accessKeyId, account: k.account, userName: k.userName, status: k.status, createDate: k.createDate });
    }
    return out;
  }

  private async userKey(account: string, userName: string, id: string): Promise<Stored<AccessKeyRecord>> {
    const k = await this.keys.get(id);
    if (!k || k.value.account !== account || k.value.userName.toLowerCase() !== userName.toLowerCase()) throw this.keyMissing(id)();
    return k;
  }

  async updateAccessKey(account: string, userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive') throw validationError(`1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
    await this.userKey(account, userName, accessKeyId);
    await this.keys.modify(accessKeyId, (k) => ({ ...k, status }));
  }

  async deleteAccessKey(account: string, userName: string, accessKeyId: string): Promise<void> {
    await this.userKey(account, userName, accessKeyId);
    await this.keys.delete(accessKeyId);
    await this.users(account).modify(userName.toLowerCase(), (u) => ({ ...u, accessKeyIds: u.accessKeyIds.filter((x) => x !== accessKeyId) }));
  }

  // ---- groups --------------------------------------------------------------------------------

  protected groupMissing = (name: string) => () => noSuchEntity(`The group with name ${name} cannot be found.`);

  async createGroup(account: string, input: { groupName: string; path?: string }): Promise<GroupRecord> {
    const name = checkName(input.groupName, 'groupName', 128);
    const path = checkPath(input.path);
    const g: GroupRecord = { groupName: name, groupId: newUniqueId('AGPA'), arn: iamArn(account, 'group', path, name), path, createDate: this.nowIso(), attachedPolicies: [], inlinePolicies: {} };
    return this.createOrConflict(this.groups(account), name, g, () => entityAlreadyExists(`Group with name ${name} already exists.`));
  }

  /** The group and its members. */
  async getGroup(account: string, groupName: string): Promise<{ group: GroupRecord; users: UserRecord[] }> {
    const group = (await this.mustGet(this.groups(account), groupName, this.groupMissing(groupName))).value;
    const users = (await this.listUsers(account)).filter((u) => u.groups.includes(group.groupName));
    return { group, users };
  }

  async listGroups(account: string, pathPrefix?: string): Promise<GroupRecord[]> {
    return IamEntities.underPath(await this.groups(account).list(), pathPrefix);
  }

  async deleteGroup(account: string, groupName: string): Promise<void> {
    const { group, users } = await this.getGroup(account, groupName);
    if (users.length) throw deleteConflict('Cannot delete entity, must remove users from group first.');
    if (group.attachedPolicies.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (Object.keys(group.inlinePolicies).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    await this.groups(account).delete(groupName.toLowerCase());
  }

  async addUserToGroup(account: string, groupName: string, userName: string): Promise<void> {
    const { group } = await this.getGroup(account, groupName);
    await this.change(this.users(account), userName, this.userMissing(userName), (u) => {
      if (u.groups.includes(group.groupName)) return u;
      if (u.groups.length >= 10) throw limitExceeded('Cannot exceed quota for GroupsPerUser: 10');
      return { ...u, groups: [...u.groups, group.groupName] };
    });
  }

  async removeUserFromGroup(account: string, groupName: string, userName: string): Promise<void> {
    const { group } = await this.getGroup(account, groupName);
    await this.change(this.users(account), userName, this.userMissing(userName), (u) => {
      if (!u.groups.includes(group.groupName)) throw noSuchEntity(`User ${u.userName} does not belong to group ${group.groupName}.`);
      return { ...u, groups: u.groups.filter((g) => g !== group.groupName) };
    });
  }

  async listGroupsForUser(account: string, userName: string): Promise<GroupRecord[]> {
    const u = await this.getUser(account, userName);
    const out: GroupRecord[] = [];
    for (const g of u.groups) {
      const rec = (await this.groups(account).get(g.toLowerCase()))?.value;
      if (rec) out.push(rec);
    }
    return out;
  }

  // ---- roles ---------------------------------------------------------------------------------

  protected roleMissing = (name: string) => () => noSuchEntity(`The role with name ${name} cannot be found.`);

  private static checkMaxSession(v: number | undefined): number {
    const bad = rangeError('maxSessionDuration', v ?? 3600, 3600, 43200);
    if (bad) throw bad;
    return v ?? 3600;
  }

  /** A role with a trust policy (validated as one: MalformedPolicyDocument). */
  async createRole(account: string, input: { roleName: string; assumeRolePolicyDocument: string; path?: string; description?: string; maxSessionDuration?: number; tags?: Tag[]; permissionsBoundary?: string }): Promise<RoleRecord> {
    const name = checkName(input.roleName, 'roleName', 64);
    const path = checkPath(input.path);
    parsePolicyDocument(input.assumeRolePolicyDocument ?? '', 'trust');
    const role: RoleRecord = {
      roleName: name, roleId: newUniqueId('AROA'), arn: iamArn(account, 'role', path, name), path, createDate: this.nowIso(),
      assumeRolePolicyDocument: input.assumeRolePolicyDocument, maxSessionDuration: IamEntities.checkMaxSession(input.maxSessionDuration),
      tags: input.tags ?? [], attachedPolicies: [], inlinePolicies: {},
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.permissionsBoundary ? { permissionsBoundary: input.permissionsBoundary } : {}),
    };
    return this.createOrConflict(this.roles(account), name, role, () => entityAlreadyExists(`Role with name ${name} already exists.`));
  }

  async getRole(account: string, roleName: string): Promise<RoleRecord> {
    return (await this.mustGet(this.roles(account), roleName, this.roleMissing(roleName))).value;
  }

  /** The role an ARN names (any account, path ignored as IAM resolves by name); undefined when absent. */
  async getRoleByArn(roleArn: string): Promise<RoleRecord | undefined> {
    const p = parseIamArn(roleArn);
    if (!p || p.type !== 'role') return undefined;
    return (await this.roles(p.account).get(p.name.toLowerCase()))?.value;
  }

  async listRoles(account: string, pathPrefix?: string): Promise<RoleRecord[]> {
    return IamEntities.underPath(await this.roles(account).list(), pathPrefix);
  }

  async updateRole(account: string, roleName: string, input: { description?: string; maxSessionDuration?: number }): Promise<RoleRecord> {
    const max = input.maxSessionDuration === undefined ? undefined : IamEntities.checkMaxSession(input.maxSessionDuration);
    return this.change(this.roles(account), roleName, this.roleMissing(roleName), (r) => ({
      ...r, ...(input.description !== undefined ? { description: input.description } : {}), ...(max !== undefined ? { maxSessionDuration: max } : {}),
    }));
  }

  async updateAssumeRolePolicy(account: string, roleName: string, document: string): Promise<void> {
    parsePolicyDocument(document ?? '', 'trust');
    await this.change(this.roles(account), roleName, this.roleMissing(roleName), (r) => ({ ...r, assumeRolePolicyDocument: document }));
  }

  async deleteRole(account: string, roleName: string): Promise<void> {
    const r = await this.getRole(account, roleName);
    if ((await this.listInstanceProfilesForRole(account, roleName)).length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    if (r.attachedPolicies.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (Object.keys(r.inlinePolicies).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    await this.roles(account).delete(roleName.toLowerCase());
  }

  async tagRole(account: string, roleName: string, tags: Tag[]): Promise<void> {
    await this.change(this.roles(account), roleName, this.roleMissing(roleName), (r) => ({ ...r, tags: mergeTags(r.tags, tags) }));
  }

  async untagRole(account: string, roleName: string, keys: string[]): Promise<void> {
    await this.change(this.roles(account), roleName, this.roleMissing(roleName), (r) => ({ ...r, tags: r.tags.filter((t) => !keys.includes(t.Key)) }));
  }

  // ---- instance profiles ---------------------------------------------------------------------

  protected profileMissing = (name: string) => () => noSuchEntity(`Instance Profile ${name} cannot be found.`);

  async createInstanceProfile(account: string, input: { instanceProfileName: string; path?: string; tags?: Tag[] }): Promise<InstanceProfileRecord> {
    const name = checkName(input.instanceProfileName, 'instanceProfileName', 128);
    const path = checkPath(input.path);
    const p: InstanceProfileRecord = { instanceProfileName: name, instanceProfileId: newUniqueId('AIPA'), arn: iamArn(account, 'instance-profile', path, name), path, createDate: this.nowIso(), roles: [], tags: input.tags ?? [] };
    return this.createOrConflict(this.profiles(account), name, p, () => entityAlreadyExists(`Instance Profile ${name} already exists.`));
  }

  async getInstanceProfile(account: string, name: string): Promise<InstanceProfileRecord> {
    return (await this.mustGet(this.profiles(account), name, this.profileMissing(name))).value;
  }

  async listInstanceProfiles(account: string, pathPrefix?: string): Promise<InstanceProfileRecord[]> {
    return IamEntities.underPath(await this.profiles(account).list(), pathPrefix);
  }

  async listInstanceProfilesForRole(account: string, roleName: string): Promise<InstanceProfileRecord[]> {
    const lower = roleName.toLowerCase();
    return (await this.listInstanceProfiles(account)).filter((p) => p.roles.some((r) => r.toLowerCase() === lower));
  }

  async deleteInstanceProfile(account: string, name: string): Promise<void> {
    const p = await this.getInstanceProfile(account, name);
    if (p.roles.length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    await this.profiles(account).delete(name.toLowerCase());
  }

  async addRoleToInstanceProfile(account: string, name: string, roleName: string): Promise<void> {
    const role = await this.getRole(account, roleName);
    await this.change(this.profiles(account), name, this.profileMissing(name), (p) => {
      if (p.roles.length >= 1) throw limitExceeded('Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
      return { ...p, roles: [role.roleName] };
    });
  }

  async removeRoleFromInstanceProfile(account: string, name: string, roleName: string): Promise<void> {
    await this.change(this.profiles(account), name, this.profileMissing(name), (p) => {
      if (!p.roles.some((r) => r.toLowerCase() === roleName.toLowerCase())) throw this.roleMissing(roleName)();
      return { ...p, roles: p.roles.filter((r) => r.toLowerCase() !== roleName.toLowerCase()) };
    });
  }

  // ---- OIDC providers ------------------------------------------------------------------------

  protected oidcMissing = (arn: string) => () => noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);

  private static oidcKey(arn: string): { account: string; id: string } | undefined {
    const m = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
    return m ? { account: m[1]!, id: encodeURIComponent(m[2]!.toLowerCase()) } : undefined;
  }

  /** Registers an issuer (e.g. an EKS cluster's `https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
  async createOpenIdConnectProvider(account: string, input: { url: string; clientIdList?: string[]; thumbprintList?: string[]; tags?: Tag[] }): Promise<OidcProviderRecord> {
    let host: string;
    try {
      const u = new URL(input.url);
      if (u.protocol !== 'https:') throw new Error();
      host = (u.host + u.pathname).replace(/\/$/, '');
    } catch {
      throw validationError('Invalid Open ID Connect Provider URL');
    }
    const arn = `arn:aws:iam::${account}:oidc-provider/${host}`;
    const rec: OidcProviderRecord = { arn, url: input.url, clientIdList: input.clientIdList ?? [], thumbprintList: input.thumbprintList ?? [], createDate: this.nowIso(), tags: input.tags ?? [] };
    if (!(await this.oidc(account).create(IamEntities.oidcKey(arn)!.id, rec))) throw entityAlreadyExists(`Provider with url ${input.url} already exists.`);
    return rec;
  }

  async getOpenIdConnectProvider(arn: string): Promise<OidcProviderRecord> {
    const k = IamEntities.oidcKey(arn);
    const rec = k && (await this.oidc(k.account).get(k.id))?.value;
    if (!rec) throw this.oidcMissing(arn)();
    return rec;
  }

  async listOpenIdConnectProviders(account: string): Promise<OidcProviderRecord[]> {
    return (await this.oidc(account).list()).map((x) => x.value);
  }

  async updateOpenIdConnectProviderThumbprint(arn: string, thumbprintList: string[]): Promise<void> {
    const k = IamEntities.oidcKey(arn);
    if (!k || !(await this.oidc(k.account).modify(k.id, (p) => ({ ...p, thumbprintList })))) throw this.oidcMissing(arn)();
  }

  /** Deleting an absent provider is NoSuchEntity, as IAM answers. */
  async deleteOpenIdConnectProvider(arn: string): Promise<void> {
    const k = IamEntities.oidcKey(arn);
    if (!k || !(await this.oidc(k.account).delete(k.id))) throw this.oidcMissing(arn)();
  }
}
