/**
 * KMS's errors as KMS words them, with the HTTP status of each exception's `@httpError` trait in
 * the Smithy model the AWS SDKs are generated from (@aws-sdk/client-kms schemas: DisabledException,
 * KMSInvalidStateException and AlreadyExistsException 409, NotFoundException 404, the rest 400).
 *
 * Message sources:
 * - `<arn> is disabled.`, `<arn> is pending deletion.`, `<arn> is not pending deletion.`,
 *   `Key '<arn>' does not exist`, `Invalid keyId <id>`: real KMS responses as the emulators that
 *   test against AWS reproduce them (localstack's AWS-validated KMS provider, nsmithuk/local-kms);
 * - `Alias <alias ARN> is not found.`: real responses quoted in sigstore/cosign#1474,
 *   cloudposse/docs#152 and giantswarm/aws-operator#1015 (KMS names the alias by its ARN even when
 *   the caller gave `alias/x`);
 * - `Alias must start with the prefix "alias/". …`: real response quoted in
 *   aws-controllers-k8s/community#1878;
 * - `An alias with the name <alias ARN> already exists`, `PendingWindowInDays should be between 7
 *   and 30, but it is N`, `The key ID in the request does not identify a CMK that can perform this
 *   operation.`: localstack's AWS-validated provider;
 * - `<arn> key usage is SIGN_VERIFY which is not valid for Encrypt.`: real response quoted in
 *   jonathankeebler/jwt-kms#4;
 * - InvalidCiphertextException and NotAuthorizedException (reserved `alias/aws/` names) carry no
 *   message on the real wire (aws-sdk-java#1323: "InvalidCiphertextException with null message").
 * Texts marked "ours" below are not verified against AWS.
 */
import { AwsError } from '../../types.js';

const err = (code: string, status: number) => (message: string) => new AwsError(code, message, status);

export const notFound = err('NotFoundException', 404);
export const disabled = err('DisabledException', 409);
export const invalidState = err('KMSInvalidStateException', 409);
export const alreadyExists = err('AlreadyExistsException', 409);
export const validation = err('ValidationException', 400);
export const unsupported = err('UnsupportedOperationException', 400);
export const malformedPolicy = err('MalformedPolicyDocumentException', 400);
export const invalidMarker = err('InvalidMarkerException', 400);
export const tagError = err('TagException', 400);

/** The messages, as constants beside their errors (shared/CONVENTIONS.md idea 7). */
export const MSG = {
  keyMissing: (arn: string) => `Key '${arn}' does not exist`,
  invalidKeyId: (id: string) => `Invalid keyId ${id}`,
  aliasMissing: (aliasArn: string) => `Alias ${aliasArn} is not found.`,
  aliasExists: (aliasArn: string) => `An alias with the name ${aliasArn} already exists`,
  aliasPrefix: 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
  /** moto's wording for a ':' in an alias name (ours otherwise). */
  aliasChars: (name: string) => `${name} contains invalid characters for an alias`,
  /** moto's wording. */
  aliasToAlias: 'Aliases must refer to keys. Not aliases',
  disabled: (arn: string) => `${arn} is disabled.`,
  pendingDeletion: (arn: string) => `${arn} is pending deletion.`,
  notPendingDeletion: (arn: string) => `${arn} is not pending deletion.`,
  pendingWindow: (days: number) => `PendingWindowInDays should be between 7 and 30, but it is ${days}`,
  incorrectKey: 'The key ID in the request does not identify a CMK that can perform this operation.',
  keyUsage: (arn: string, usage: string, op: string) => `${arn} key usage is ${usage} which is not valid for ${op}.`,
  /** moto's and localstack's wording. */
  dataKeySize: 'Please specify either number of bytes or key spec.',
  /** moto's wording. */
  noSuchPolicy: 'No such policy exists',
  /** Ours. */
  unsupportedSpec: (spec: string) => `KeySpec ${spec} is not supported by eksplane: only SYMMETRIC_DEFAULT and HMAC_224/256/384/512 keys are`,
  /** Ours. */
  unsupportedOrigin: (origin: string) => `Origin ${origin} is not supported by eksplane: only AWS_KMS keys are`,
  /** Ours. */
  unsupportedKeyStore: 'Custom key stores are not supported by eksplane',
  /** Ours. */
  unsupportedMultiRegion: 'Multi-Region keys are not supported by eksplane',
  /** Ours. */
  usageSpecMismatch: (usage: string, spec: string) => `KeyUsage ${usage} is not compatible with KeySpec ${spec}`,
  /** Ours. */
  rotationUnsupported: (arn: string) => `${arn} does not support automatic key rotation: only symmetric encryption keys do`,
  /** Ours. */
  algorithm: (alg: string) => `The encryption algorithm ${alg} is not valid for symmetric encryption keys`,
  /** Ours (KMS's key policy parser answers with MalformedPolicyDocumentException). */
  malformedPolicy: 'The key policy is not valid JSON.',
  /** Ours. */
  tagReserved: 'Tag keys beginning with aws: are reserved',
} as const;

/** The error with no message that KMS answers for any ciphertext it cannot authenticate. */
export function invalidCiphertext(): AwsError {
  return new AwsError('InvalidCiphertextException', '', 400);
}

/** Creating or updating an alias under the reserved `alias/aws/` prefix. */
export function notAuthorized(): AwsError {
  return new AwsError('NotAuthorizedException', '', 400);
}

export function incorrectKey(): AwsError {
  return new AwsError('IncorrectKeyException', MSG.incorrectKey, 400);
}

export function invalidKeyUsage(arn: string, usage: string, op: string): AwsError {
  return new AwsError('InvalidKeyUsageException', MSG.keyUsage(arn, usage, op), 400);
}

export function invalidAlgorithm(alg: string): AwsError {
  return new AwsError('InvalidKeyUsageException', MSG.algorithm(alg), 400);
}
