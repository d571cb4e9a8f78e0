/**
 * KMS keys and aliases over the store, per account and region
 * (`/aws/kms/<account>/<region>/keys/<uuid>` and `/aws/kms/<account>/<region>/aliases/<name>`),
 * with KMS's lifecycle: Enabled ⇄ Disabled, either → PendingDeletion (7–30 days) → deleted, or back
 * to Disabled by CancelKeyDeletion. Deletion needs no timer: a key whose DeletionDate has passed on
 * the injected clock is purged (with its aliases) the next time anything reads it, so a restart loses
 * nothing. Identifiers resolve as KMS resolves them: key id, key ARN, alias name, alias ARN.
 * Keys of other accounts or regions are not reachable by ARN here (KMS would allow that when the key
 * policy does; eksplane evaluates no key policies).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/types.js';
import { Table, type Stored } from '../../state/table.js';
import { AwsError } from '../../types.js';
import { MasterKey, materialAad } from './crypto.js';
import { alreadyExists, disabled, invalidMarker, invalidState, malformedPolicy, MSG, notAuthorized, notFound, tagError, unsupported, validation } from './errors.js';
import { type AliasRecord, defaultKeyPolicy, HMAC_SPECS, type KeyRecord, type KeyState, type KmsTag } from './records.js';

export interface KmsStateOptions {
  store: Store;
  clock: Clock;
  /**
   * The data dir's master secret (32 bytes, see ./master-key.ts). Without one a random secret is
   * made for this instance: fine for tests and memory stores, fatal for keys stored across restarts.
   */
  masterKey?: Uint8Array;
}

/** Key states an operation accepts. */
export type Allowed = readonly KeyState[];
export const ANY_STATE: Allowed = ['Enabled', 'Disabled', 'PendingDeletion'];
export const NOT_PENDING: Allowed = ['Enabled', 'Disabled'];
export const USABLE: Allowed = ['Enabled'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARN = /^arn:aws:kms:([^:]+):([^:]+):(key|alias)\/(.+)$/;
const DAY = 86_400_000;

type ParsedId = { kind: 'key'; keyId: string; arn: string } | { kind: 'alias'; name: string; arn: string };

/** Refuses a key whose state the operation does not accept, with KMS's error for that state. */
export function checkState(k: KeyRecord, allowed: Allowed): void {
  if (allowed.includes(k.keyState)) return;
  if (k.keyState === 'Disabled') throw disabled(MSG.disabled(k.arn));
  throw invalidState(MSG.pendingDeletion(k.arn));
}

/** Validates an alias name for CreateAlias / UpdateAlias / DeleteAlias. */
export function checkAliasName(name: string, forWrite: boolean): void {
  if (!name.startsWith('alias/')) throw validation(MSG.aliasPrefix);
  if (forWrite && name.startsWith('alias/aws/')) throw notAuthorized();
  if (name.includes(':')) throw validation(MSG.aliasChars(name));
}

/** One page of `items` (sorted by `idOf`), KMS style: Limit (default 100), Marker, Truncated. */
export function pageOf<T>(items: T[], idOf: (t: T) => string, marker: string | undefined, limit: number | undefined): { page: T[]; next?: string } {
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    if (!after || Buffer.from(after, 'utf8').toString('base64url') !== marker) throw invalidMarker('The marker is not valid.');
    start = items.findIndex((t) => idOf(t) >= after);
    if (start < 0) start = items.length;
  }
  const n = limit ?? 100;
  const page = items.slice(start, start + n);
  const nextItem = items[start + n];
  return nextItem === undefined ? { page } : { page, next: Buffer.from(idOf(nextItem), 'utf8').toString('base64url') };
}

/** KMS state over the store; see the module comment. */
export class KmsState {
  readonly clock: Clock;
  private readonly store: Store;
  private readonly master: MasterKey;
  private readonly tables = new Map<string, Table<unknown>>();

  constructor(opts: KmsStateOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.master = new MasterKey(opts.masterKey ?? randomBytes(32));
  }

  private table<T>(account: string, region: string, type: 'keys' | 'aliases'): Table<T> {
    const id = `${account}/${region}/${type}`;
    let t = this.tables.get(id);
    if (!t) this.tables.set(id, (t = new Table<unknown>(this.store, { service: 'kms', account, region, type })));
    return t as Table<T>;
  }
  private keys = (a: string, r: string) => this.table<KeyRecord>(a, r, 'keys');
  private aliases = (a: string, r: string) => this.table<AliasRecord>(a, r, 'aliases');

  keyArn(account: string, region: string, keyId: string): string {
    return `arn:aws:kms:${region}:${account}:key/${keyId}`;
  }
  aliasArn(account: string, region: string, name: string): string {
    return `arn:aws:kms:${region}:${account}:${name}`;
  }

  // ---- keys ----------------------------------------------------------------------------------

  /** CreateKey: symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) or HMAC (GENERATE_VERIFY_MAC) keys. */
  async createKey(account: string, region: string, input: { description?: string; keyUsage?: string; keySpec?: string; policy?: string; tags?: KmsTag[]; origin?: string; multiRegion?: boolean }): Promise<KeyRecord> {
    const spec = input.keySpec ?? 'SYMMETRIC_DEFAULT';
    const hmac = HMAC_SPECS[spec];
    if (spec !== 'SYMMETRIC_DEFAULT' && !hmac) throw unsupported(MSG.unsupportedSpec(spec));
    const usage = input.keyUsage ?? (hmac ? 'GENERATE_VERIFY_MAC' : 'ENCRYPT_DECRYPT');
    if (usage !== (hmac ? 'GENERATE_VERIFY_MAC' : 'ENCRYPT_DECRYPT')) throw validation(MSG.usageSpecMismatch(usage, spec));
    if (input.origin !== undefined && input.origin !== 'AWS_KMS') throw unsupported(MSG.unsupportedOrigin(input.origin));
    if (input.multiRegion) throw unsupported(MSG.unsupportedMultiRegion);
    if (input.policy !== undefined) KmsState.checkPolicy(input.policy);
    KmsState.checkTags(input.tags ?? []);
    const keyId = randomUUID();
    const arn = this.keyArn(account, region, keyId);
    const now = this.clock.now();
    const rec: KeyRecord = {
      keyId, arn, account, region, creationDate: now, description: input.description ?? '', keyUsage: usage as KeyRecord['keyUsage'], keySpec: spec,
      keyState: 'Enabled', policy: input.policy ?? defaultKeyPolicy(account), tags: input.tags ?? [], rotation: { enabled: false, periodDays: 365 },
      material: [{ version: 1, wrapped: this.master.wrap(randomBytes(hmac?.bytes ?? 32), materialAad(arn, 1)), createdAt: now }],
    };
    await this.keys(account, region).create(keyId, rec);
    return rec;
  }

  /** The unwrapped material of one generation of a key (undefined when that generation is unknown). */
  material(k: KeyRecord, version: number): Buffer | undefined {
    const m = k.material.find((x) => x.version === version);
    return m && this.master.unwrap(m.wrapped, materialAad(k.arn, m.version));
  }

  private parseId(account: string, region: string, id: string): ParsedId {
    const m = ARN.exec(id);
    if (m) {
      if (m[3] === 'alias') return { kind: 'alias', name: `alias/${m[4]!}`, arn: id };
      if (!UUID.test(m[4]!)) throw notFound(MSG.invalidKeyId(m[4]!));
      if (m[1] !== region || m[2] !== account) throw notFound(MSG.keyMissing(id));
      return { kind: 'key', keyId: m[4]!.toLowerCase(), arn: id };
    }
    if (id.startsWith('alias/')) return { kind: 'alias', name: id, arn: this.aliasArn(account, region, id) };
    if (!UUID.test(id)) throw notFound(MSG.invalidKeyId(id));
    return { kind: 'key', keyId: id.toLowerCase(), arn: this.keyArn(account, region, id.toLowerCase()) };
  }

  /** A key by UUID, purging it (and its aliases) when its deletion date has passed. */
  private async live(account: string, region: string, keyId: string): Promise<Stored<KeyRecord> | undefined> {
    const cur = await this.keys(account, region).get(keyId);
    if (!cur || cur.value.keyState !== 'PendingDeletion' || (cur.value.deletionDate ?? Infinity) > this.clock.now()) return cur;
    if (await this.keys(account, region).delete(keyId, cur.revision)) {
      for (const a of await this.aliases(account, region).list()) if (a.value.targetKeyId === keyId) await this.aliases(account, region).delete(a.id, a.revision);
    }
    return undefined;
  }

  private async aliasRecord(account: string, region: string, name: string, aliasArn: string): Promise<Stored<AliasRecord>> {
    const arnOk = aliasArn === this.aliasArn(account, region, name);
    const a = arnOk ? await this.aliases(account, region).get(encodeURIComponent(name)) : undefined;
    if (!a || !(await this.live(account, region, a.value.targetKeyId))) throw notFound(MSG.aliasMissing(aliasArn));
    return a;
  }

  /** Resolves any identifier KMS accepts to a live key (NotFoundException otherwise); checks no state. */
  async findKey(account: string, region: string, id: string): Promise<Stored<KeyRecord>> {
    const p = this.parseId(account, region, id);
    const keyId = p.kind === 'key' ? p.keyId : (await this.aliasRecord(account, region, p.name, p.arn)).value.targetKeyId;
    const cur = await this.live(account, region, keyId);
    if (!cur) throw notFound(MSG.keyMissing(p.kind === 'key' ? p.arn : this.keyArn(account, region, keyId)));
    return cur;
  }

  /** A key in one of the `allowed` states (DisabledException / KMSInvalidStateException otherwise). */
  async key(account: string, region: string, id: string, allowed: Allowed = ANY_STATE): Promise<KeyRecord> {
    const k = (await this.findKey(account, region, id)).value;
    checkState(k, allowed);
    return k;
  }

  /** Read-modify-write of a key in one of the `allowed` states; `change` may throw to refuse. */
  async changeKey(account: string, region: string, id: string, allowed: Allowed, change: (k: KeyRecord) => KeyRecord): Promise<KeyRecord> {
    const { value } = await this.findKey(account, region, id);
    const out = await this.keys(account, region).modify(value.keyId, (k) => {
      checkState(k, allowed);
      return change(k);
    });
    if (!out) throw notFound(MSG.keyMissing(value.arn));
    return out;
  }

  /** Every live key of the account and region, in id order. */
  async listKeys(account: string, region: string): Promise<KeyRecord[]> {
    const out: KeyRecord[] = [];
    for (const { id } of await this.keys(account, region).list()) {
      const k = await this.live(account, region, id);
      if (k) out.push(k.value);
    }
    return out;
  }

  enableKey(a: string, r: string, id: string) { return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, keyState: 'Enabled' })); }
  disableKey(a: string, r: string, id: string) { return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, keyState: 'Disabled' })); }

  /** ScheduleKeyDeletion: 7–30 days (default 30) from now on the injected clock. */
  scheduleKeyDeletion(a: string, r: string, id: string, days = 30): Promise<KeyRecord> {
    if (!Number.isInteger(days) || days < 7 || days > 30) throw validation(MSG.pendingWindow(days));
    const deletionDate = this.clock.now() + days * DAY;
    return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, keyState: 'PendingDeletion', deletionDate, pendingWindowInDays: days }));
  }

  /** CancelKeyDeletion: back to Disabled, as KMS leaves a key whose deletion was cancelled. */
  cancelKeyDeletion(a: string, r: string, id: string): Promise<KeyRecord> {
    return this.changeKey(a, r, id, ANY_STATE, ({ deletionDate: _d, pendingWindowInDays: _p, ...k }) => {
      if (k.keyState !== 'PendingDeletion') throw invalidState(MSG.notPendingDeletion(k.arn));
      return { ...k, keyState: 'Disabled' };
    });
  }

  updateDescription(a: string, r: string, id: string, description: string) {
    return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, description }));
  }

  /** Only the `default` policy exists (NotFoundException "No such policy exists" for any other name). */
  static checkPolicyName(name: string | undefined): void {
    if (name !== undefined && name !== 'default') throw notFound(MSG.noSuchPolicy);
  }

  private static checkPolicy(policy: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(policy);
    } catch {
      throw malformedPolicy(MSG.malformedPolicy);
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !('Statement' in doc)) throw malformedPolicy(MSG.malformedPolicy);
  }

  putPolicy(a: string, r: string, id: string, policy: string) {
    KmsState.checkPolicy(policy);
    return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, policy }));
  }

  private static checkTags(tags: KmsTag[]): void {
    if (tags.some((t) => t.TagKey.toLowerCase().startsWith('aws:'))) throw tagError(MSG.tagReserved);
  }

  tagKey(a: string, r: string, id: string, tags: KmsTag[]) {
    KmsState.checkTags(tags);
    return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, tags: [...k.tags.filter((t) => !tags.some((n) => n.TagKey === t.TagKey)), ...tags] }));
  }

  untagKey(a: string, r: string, id: string, keys: string[]) {
    return this.changeKey(a, r, id, NOT_PENDING, (k) => ({ ...k, tags: k.tags.filter((t) => !keys.includes(t.TagKey)) }));
  }

  /** Enable/DisableKeyRotation: symmetric keys only (UnsupportedOperationException otherwise). */
  setRotation(a: string, r: string, id: string, enabled: boolean, periodDays?: number) {
    return this.changeKey(a, r, id, USABLE, (k) => {
      if (k.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported(MSG.rotationUnsupported(k.arn));
      return { ...k, rotation: enabled ? { enabled, periodDays: periodDays ?? 365, enabledAt: this.clock.now() } : { enabled, periodDays: k.rotation.periodDays } };
    });
  }

  // ---- aliases -------------------------------------------------------------------------------

  /** CreateAlias: unique per account and region; the target must be a key (not an alias), not pending deletion. */
  async createAlias(account: string, region: string, name: string, target: string): Promise<AliasRecord> {
    checkAliasName(name, true);
    if (target.startsWith('alias/') || /:alias\//.test(target)) throw validation(MSG.aliasToAlias);
    const key = await this.key(account, region, target, NOT_PENDING);
    const now = this.clock.now();
    const rec: AliasRecord = { aliasName: name, aliasArn: this.aliasArn(account, region, name), targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now };
    const id = encodeURIComponent(name);
    for (;;) {
      if (await this.aliases(account, region).create(id, rec)) return rec;
      const cur = await this.aliases(account, region).get(id);
      if (cur && (await this.live(account, region, cur.value.targetKeyId))) throw alreadyExists(MSG.aliasExists(rec.aliasArn));
      if (cur) await this.aliases(account, region).delete(id, cur.revision);
    }
  }

  /** UpdateAlias: points an existing alias at another key (not pending deletion). */
  async updateAlias(account: string, region: string, name: string, target: string): Promise<void> {
    checkAliasName(name, true);
    if (target.startsWith('alias/') || /:alias\//.test(target)) throw validation(MSG.aliasToAlias);
    const arn = this.aliasArn(account, region, name);
    await this.aliasRecord(account, region, name, arn);
    const key = await this.key(account, region, target, NOT_PENDING);
    const out = await this.aliases(account, region).modify(encodeURIComponent(name), (a) => ({ ...a, targetKeyId: key.keyId, lastUpdatedDate: this.clock.now() }));
    if (!out) throw notFound(MSG.aliasMissing(arn));
  }

  async deleteAlias(account: string, region: string, name: string): Promise<void> {
    checkAliasName(name, true);
    const arn = this.aliasArn(account, region, name);
    const a = await this.aliasRecord(account, region, name, arn);
    if (!(await this.aliases(account, region).delete(encodeURIComponent(name), a.revision))) throw notFound(MSG.aliasMissing(arn));
  }

  /** Aliases of live keys, in name order; with `keyId`, only those of that key (an id or key ARN, not an alias). */
  async listAliases(account: string, region: string, keyId?: string): Promise<AliasRecord[]> {
    let only: string | undefined;
    if (keyId !== undefined) {
      if (keyId.startsWith('alias/') || /:alias\//.test(keyId)) throw new AwsError('InvalidArnException', `Invalid keyId ${keyId}`, 400);
      only = (await this.findKey(account, region, keyId)).value.keyId;
    }
    const out: AliasRecord[] = [];
    for (const a of await this.aliases(account, region).list()) {
      if (only !== undefined && a.value.targetKeyId !== only) continue;
      if (await this.live(account, region, a.value.targetKeyId)) out.push(a.value);
    }
    return out.sort((x, y) => (x.aliasName < y.aliasName ? -1 : x.aliasName > y.aliasName ? 1 : 0));
  }
}
