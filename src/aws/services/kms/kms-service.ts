/**
 * The KMS service (JSON 1.1, `TrentService`): thin handlers from the generated model's inputs to
 * {@link KmsState} and ./kms-ops.ts, answering KeyMetadata and friends as KMS does (key ARNs in
 * every `KeyId` output, blobs as Buffers). Authorization resources are key ARNs (`kms:Encrypt on
 * resource: arn:aws:kms:R:A:key/ID`), and `*` for CreateKey, ListKeys and ListAliases (KMS's denial
 * reads "kms:CreateKey on resource: *"); an identifier given as an alias is authorized against the
 * alias ARN, since the router's resource hook cannot read the store to resolve it.
 */
import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/types.js';
import { defineService, type AwsService, type ResourceArnOf } from '../../service.js';
import { AwsError, type AwsContext, type AwsHandler } from '../../types.js';
import { readBlobHeader } from './crypto.js';
import { MSG, unsupported } from './errors.js';
import { kmsApiOf, type KmsApi } from './kms-api.js';
import { dataKeyBytes, decrypt, encrypt, type EncryptionContext, generateDataKey, reEncrypt } from './kms-ops.js';
import { ANY_STATE, KmsState, NOT_PENDING, pageOf } from './kms-state.js';
import { aliasEntry, keyMetadata, type KmsTag } from './records.js';

export interface KmsServiceOptions {
  store: Store;
  clock: Clock;
  /** The data dir's 32-byte master secret (./master-key.ts); random per instance when absent. */
  masterKey?: Uint8Array;
}

type In = Record<string, unknown>;
const s = (v: unknown) => v as string;
const opt = (v: unknown) => v as string | undefined;
const num = (v: unknown) => v as number | undefined;
const ctxOf = (v: unknown) => v as EncryptionContext | undefined;
const dryRunMessage = 'The request would have succeeded, but the DryRun option is set.';

/** DryRun: every check passed, so KMS answers DryRunOperationException (412) instead of acting. */
function dryRun(input: In): void {
  if (input.DryRun === true) throw new AwsError('DryRunOperationException', dryRunMessage, 412);
}

function keyResource(id: unknown, ctx: Pick<AwsContext, 'account' | 'region'>): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (id.startsWith('arn:')) return id;
  return id.startsWith('alias/') ? `arn:aws:kms:${ctx.region}:${ctx.account}:${id}` : `arn:aws:kms:${ctx.region}:${ctx.account}:key/${id}`;
}

function blobResource(blob: unknown, ctx: Pick<AwsContext, 'account' | 'region'>): string | undefined {
  const h = blob instanceof Uint8Array ? readBlobHeader(blob) : undefined;
  return h && keyResource(h.keyId, ctx);
}

/**
 * The KMS AwsService, with `state` (for tests and wiring) and `api`, the in-process view other
 * services use (EKS envelope encryption of Secrets).
 */
export function createKmsService(opts: KmsServiceOptions): AwsService & { state: KmsState; api: KmsApi } {
  const state = new KmsState(opts);
  const st = (ctx: AwsContext) => [ctx.account, ctx.region] as const;

  const handlers: Record<string, AwsHandler> = {
    async CreateKey(input, ctx) {
      if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined) throw unsupported(MSG.unsupportedKeyStore);
      const k = await state.createKey(...st(ctx), {
        description: opt(input.Description), keyUsage: opt(input.KeyUsage), keySpec: opt(input.KeySpec) ?? opt(input.CustomerMasterKeySpec),
        policy: opt(input.Policy), tags: input.Tags as KmsTag[] | undefined, origin: opt(input.Origin), multiRegion: input.MultiRegion as boolean | undefined,
      });
      return { KeyMetadata: keyMetadata(k) };
    },
    async DescribeKey(input, ctx) {
      return { KeyMetadata: keyMetadata(await state.key(...st(ctx), s(input.KeyId))) };
    },
    async ListKeys(input, ctx) {
      const { page, next } = pageOf(await state.listKeys(...st(ctx)), (k) => k.keyId, opt(input.Marker), num(input.Limit));
      return { Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    async EnableKey(input, ctx) {
      await state.enableKey(...st(ctx), s(input.KeyId));
      return {};
    },
    async DisableKey(input, ctx) {
      await state.disableKey(...st(ctx), s(input.KeyId));
      return {};
    },
    async ScheduleKeyDeletion(input, ctx) {
      const k = await state.scheduleKeyDeletion(...st(ctx), s(input.KeyId), num(input.PendingWindowInDays));
      return { KeyId: k.arn, DeletionDate: k.deletionDate, KeyState: k.keyState, PendingWindowInDays: k.pendingWindowInDays };
    },
    async CancelKeyDeletion(input, ctx) {
      return { KeyId: (await state.cancelKeyDeletion(...st(ctx), s(input.KeyId))).arn };
    },
    async UpdateKeyDescription(input, ctx) {
      await state.updateDescription(...st(ctx), s(input.KeyId), s(input.Description));
      return {};
    },
    async GetKeyPolicy(input, ctx) {
      KmsState.checkPolicyName(opt(input.PolicyName));
      return { Policy: (await state.key(...st(ctx), s(input.KeyId), ANY_STATE)).policy, PolicyName: 'default' };
    },
    async PutKeyPolicy(input, ctx) {
      KmsState.checkPolicyName(opt(input.PolicyName));
      await state.putPolicy(...st(ctx), s(input.KeyId), s(input.Policy));
      return {};
    },
    async GetKeyRotationStatus(input, ctx) {
      const k = await state.key(...st(ctx), s(input.KeyId), NOT_PENDING);
      if (k.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported(MSG.rotationUnsupported(k.arn));
      const r = k.rotation;
      const next = r.enabled && r.enabledAt !== undefined ? r.enabledAt + r.periodDays * 86_400_000 : undefined;
      return { KeyRotationEnabled: r.enabled, KeyId: k.arn, ...(r.enabled ? { RotationPeriodInDays: r.periodDays, NextRotationDate: next } : {}) };
    },
    async EnableKeyRotation(input, ctx) {
      await state.setRotation(...st(ctx), s(input.KeyId), true, num(input.RotationPeriodInDays));
      return {};
    },
    async DisableKeyRotation(input, ctx) {
      await state.setRotation(...st(ctx), s(input.KeyId), false);
      return {};
    },
    async TagResource(input, ctx) {
      await state.tagKey(...st(ctx), s(input.KeyId), input.Tags as KmsTag[]);
      return {};
    },
    async UntagResource(input, ctx) {
      await state.untagKey(...st(ctx), s(input.KeyId), input.TagKeys as string[]);
      return {};
    },
    async ListResourceTags(input, ctx) {
      const k = await state.key(...st(ctx), s(input.KeyId), ANY_STATE);
      const tags = [...k.tags].sort((a, b) => (a.TagKey < b.TagKey ? -1 : a.TagKey > b.TagKey ? 1 : 0));
      const { page, next } = pageOf(tags, (t) => t.TagKey, opt(input.Marker), num(input.Limit) ?? 50);
      return { Tags: page, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    async CreateAlias(input, ctx) {
      await state.createAlias(...st(ctx), s(input.AliasName), s(input.TargetKeyId));
      return {};
    },
    async UpdateAlias(input, ctx) {
      await state.updateAlias(...st(ctx), s(input.AliasName), s(input.TargetKeyId));
      return {};
    },
    async DeleteAlias(input, ctx) {
      await state.deleteAlias(...st(ctx), s(input.AliasName));
      return {};
    },
    async ListAliases(input, ctx) {
      const all = await state.listAliases(...st(ctx), opt(input.KeyId));
      const { page, next } = pageOf(all, (a) => a.aliasName, opt(input.Marker), num(input.Limit) ?? 50);
      return { Aliases: page.map(aliasEntry), Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    async Encrypt(input, ctx) {
      const { blob, key } = await encrypt(state, ...st(ctx), s(input.KeyId), input.Plaintext as Buffer, ctxOf(input.EncryptionContext), { algorithm: opt(input.EncryptionAlgorithm) });
      dryRun(input);
      return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    async Decrypt(input, ctx) {
      const { plaintext, key } = await decrypt(state, ...st(ctx), input.CiphertextBlob as Buffer, ctxOf(input.EncryptionContext), { keyId: opt(input.KeyId), algorithm: opt(input.EncryptionAlgorithm) });
      dryRun(input);
      return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    async GenerateDataKey(input, ctx) {
      const bytes = dataKeyBytes(num(input.NumberOfBytes), opt(input.KeySpec));
      const { plaintext, blob, key } = await generateDataKey(state, ...st(ctx), s(input.KeyId), bytes, ctxOf(input.EncryptionContext));
      dryRun(input);
      return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: key.arn };
    },
    async GenerateDataKeyWithoutPlaintext(input, ctx) {
      const bytes = dataKeyBytes(num(input.NumberOfBytes), opt(input.KeySpec));
      const { blob, key } = await generateDataKey(state, ...st(ctx), s(input.KeyId), bytes, ctxOf(input.EncryptionContext), 'GenerateDataKeyWithoutPlaintext');
      dryRun(input);
      return { CiphertextBlob: blob, KeyId: key.arn };
    },
    async ReEncrypt(input, ctx) {
      const out = await reEncrypt(state, ...st(ctx), input.CiphertextBlob as Buffer, {
        destinationKeyId: s(input.DestinationKeyId), sourceKeyId: opt(input.SourceKeyId), sourceContext: ctxOf(input.SourceEncryptionContext),
        destinationContext: ctxOf(input.DestinationEncryptionContext), sourceAlgorithm: opt(input.SourceEncryptionAlgorithm), destinationAlgorithm: opt(input.DestinationEncryptionAlgorithm),
      });
      dryRun(input);
      return { CiphertextBlob: out.blob, SourceKeyId: out.source.arn, KeyId: out.destination.arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  const byKeyId: ResourceArnOf = (input, ctx) => keyResource(input.KeyId, ctx);
  const byAlias: ResourceArnOf = (input, ctx) => keyResource(input.AliasName, ctx);
  const anyResource: ResourceArnOf = () => '*';
  const resources: Record<string, ResourceArnOf> = Object.fromEntries(
    Object.keys(handlers).map((op) => [op, ['CreateKey', 'ListKeys', 'ListAliases'].includes(op) ? anyResource : byKeyId]),
  );
  Object.assign(resources, {
    CreateAlias: byAlias, UpdateAlias: byAlias, DeleteAlias: byAlias,
    Decrypt: (input, ctx) => keyResource(input.KeyId, ctx) ?? blobResource(input.CiphertextBlob, ctx),
    ReEncrypt: (input, ctx) => keyResource(input.SourceKeyId, ctx) ?? blobResource(input.CiphertextBlob, ctx),
  } satisfies Record<string, ResourceArnOf>);

  return Object.assign(defineService({ name: 'kms', handlers, resources }), { state, api: kmsApiOf(state) });
}
