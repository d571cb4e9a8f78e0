/**
 * Key pairs: CreateKeyPair (real RSA / ED25519 key material, returned once), ImportKeyPair
 * (OpenSSH public keys), DescribeKeyPairs (IncludePublicKey), DeleteKeyPair (idempotent, as EC2).
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import { generateKey, importPublicKey, type KeyMaterial } from '../keys.js';
import type { KeyPairDoc } from '../model.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

/** EC2's constraint on key pair names: 1 to 255 printable ASCII characters. */
function checkKeyName(name: string | undefined): asserts name is string {
  if (!name) throw Ec2Errors.missingParameter('KeyName');
  if (name.length > 255) throw Ec2Errors.keyNameTooLong(name);
  if (!/^[\x20-\x7e]+$/.test(name)) throw Ec2Errors.keyNameNotAscii(name);
}

/** The key pair named `name`, if any. */
export async function keyPairByName(r: Ec2Region, name: string): Promise<KeyPairDoc | undefined> {
  return (await r.all(r.keyPairs)).find((k) => k.KeyName === name);
}

async function store(r: Ec2Region, name: string, key: KeyMaterial, specs: TagSpec[] | undefined): Promise<KeyPairDoc> {
  if (await keyPairByName(r, name)) throw Ec2Errors.keyPairDuplicate(name);
  const doc: KeyPairDoc = {
    KeyPairId: newId('key'),
    KeyName: name,
    KeyType: key.type,
    KeyFingerprint: key.fingerprint,
    PublicKey: key.publicKey,
    CreateTime: r.now(),
    Tags: tagsFromSpecs(specs, 'key-pair'),
  };
  await r.keyPairs.create(doc.KeyPairId, doc);
  return doc;
}

const FIELDS = {
  'key-pair-id': (k: KeyPairDoc) => k.KeyPairId,
  'key-name': (k: KeyPairDoc) => k.KeyName,
  fingerprint: (k: KeyPairDoc) => k.KeyFingerprint,
  'key-type': (k: KeyPairDoc) => k.KeyType,
};

/** Key pair operations. */
export const keyPairHandlers: Record<string, Ec2Handler> = {
  CreateKeyPair: op<{ KeyName: string; KeyType?: 'rsa' | 'ed25519'; TagSpecifications?: TagSpec[] }>(async (i, r) => {
    checkKeyName(i.KeyName);
    if (await keyPairByName(r, i.KeyName)) throw Ec2Errors.keyPairDuplicate(i.KeyName);
    const key = generateKey(i.KeyType ?? 'rsa', i.KeyName);
    const doc = await store(r, i.KeyName, key, i.TagSpecifications);
    return { KeyPairId: doc.KeyPairId, KeyName: doc.KeyName, KeyFingerprint: doc.KeyFingerprint, KeyMaterial: key.privateKey, Tags: doc.Tags };
  }),

  ImportKeyPair: op<{ KeyName: string; PublicKeyMaterial: Buffer; TagSpecifications?: TagSpec[] }>(async (i, r) => {
    checkKeyName(i.KeyName);
    const key = importPublicKey(i.PublicKeyMaterial, i.KeyName);
    if (!key) throw Ec2Errors.keyFormat();
    const doc = await store(r, i.KeyName, key, i.TagSpecifications);
    return { KeyPairId: doc.KeyPairId, KeyName: doc.KeyName, KeyFingerprint: doc.KeyFingerprint, Tags: doc.Tags };
  }),

  DescribeKeyPairs: op<DescribeInput & { KeyNames?: string[]; KeyPairIds?: string[]; IncludePublicKey?: boolean }>(async (i, r) => {
    let keys = await r.byIds(r.keyPairs, i.KeyPairIds, Ec2Errors.keyPairNotFound);
    if (i.KeyNames?.length) {
      for (const n of i.KeyNames) if (!keys.some((k) => k.KeyName === n)) throw Ec2Errors.keyPairNotFound(n);
      keys = keys.filter((k) => i.KeyNames!.includes(k.KeyName));
    }
    const hits = applyFilters(keys, i.Filters, FIELDS, (k) => k.Tags);
    return { KeyPairs: hits.map((k) => ({ ...k, PublicKey: i.IncludePublicKey ? k.PublicKey : undefined })) };
  }),

  DeleteKeyPair: op<{ KeyName?: string; KeyPairId?: string }>(async (i, r) => {
    const k = i.KeyPairId ? (await r.keyPairs.get(i.KeyPairId))?.value : i.KeyName ? await keyPairByName(r, i.KeyName) : undefined;
    if (!i.KeyPairId && !i.KeyName) throw Ec2Errors.missingParameter('KeyName');
    if (k) await r.keyPairs.delete(k.KeyPairId);
    return { Return: true, KeyPairId: k?.KeyPairId };
  }),
};
