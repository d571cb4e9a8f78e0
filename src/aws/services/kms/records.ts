/**
 * The stored shapes of KMS keys and aliases (one JSON document each, src/aws/state/table.ts) and
 * their wire forms (KeyMetadata, AliasListEntry). Key material is only ever stored wrapped
 * (./crypto.ts).
 */

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface KmsTag {
  TagKey: string;
  TagValue: string;
}

/** One generation of a key's material, wrapped by the master key. */
export interface MaterialRecord {
  version: number;
  /** base64(iv ‖ tag ‖ AES-256-GCM ciphertext) — see ./crypto.ts. */
  wrapped: string;
  createdAt: number;
}

export interface KeyRecord {
  keyId: string;
  arn: string;
  account: string;
  region: string;
  /** Epoch ms. */
  creationDate: number;
  description: string;
  keyUsage: 'ENCRYPT_DECRYPT' | 'GENERATE_VERIFY_MAC';
  keySpec: string;
  keyState: KeyState;
  /** Epoch ms, while PendingDeletion. */
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** The key policy document (only the `default` policy exists). */
  policy: string;
  tags: KmsTag[];
  rotation: { enabled: boolean; periodDays: number; enabledAt?: number };
  material: MaterialRecord[];
}

export interface AliasRecord {
  aliasName: string;
  aliasArn: string;
  /** The key's UUID. */
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}

/** The HMAC key specs eksplane supports, with their key length in bytes and MAC algorithm. */
export const HMAC_SPECS: Readonly<Record<string, { bytes: number; mac: string }>> = {
  HMAC_224: { bytes: 28, mac: 'HMAC_SHA_224' },
  HMAC_256: { bytes: 32, mac: 'HMAC_SHA_256' },
  HMAC_384: { bytes: 48, mac: 'HMAC_SHA_384' },
  HMAC_512: { bytes: 64, mac: 'HMAC_SHA_512' },
};

/** The key policy KMS gives a key created without one (its own pretty-printed form). */
export function defaultKeyPolicy(account: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${account}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

/** DescribeKey / CreateKey `KeyMetadata`. */
export function keyMetadata(k: KeyRecord): Record<string, unknown> {
  const hmac = HMAC_SPECS[k.keySpec];
  return {
    AWSAccountId: k.account,
    KeyId: k.keyId,
    Arn: k.arn,
    CreationDate: new Date(k.creationDate),
    Enabled: k.keyState === 'Enabled',
    Description: k.description,
    KeyUsage: k.keyUsage,
    KeyState: k.keyState,
    ...(k.deletionDate !== undefined ? { DeletionDate: new Date(k.deletionDate) } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: k.keySpec,
    KeySpec: k.keySpec,
    ...(hmac ? { MacAlgorithms: [hmac.mac] } : { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] }),
    MultiRegion: false,
  };
}

/** ListAliases `AliasListEntry`. */
export function aliasEntry(a: AliasRecord): Record<string, unknown> {
  return { AliasName: a.aliasName, AliasArn: a.aliasArn, TargetKeyId: a.targetKeyId, CreationDate: new Date(a.creationDate), LastUpdatedDate: new Date(a.lastUpdatedDate) };
}
