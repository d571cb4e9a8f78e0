/**
 * Authentication and authorization failures in each service's own words. AWS fronts differ by
 * protocol family, so the same failure has three wire forms:
 *
 * | failure            | json / rest-json (eks, kms)                | query (iam, sts, autoscaling)     | ec2                      |
 * | ------------------ | ------------------------------------------ | --------------------------------- | ------------------------ |
 * | no authentication  | MissingAuthenticationTokenException 403    | MissingAuthenticationToken 403    | MissingParameter 400     |
 * | malformed          | IncompleteSignatureException 400           | IncompleteSignature 400           | IncompleteSignature 400  |
 * | unknown key/token  | UnrecognizedClientException 403            | InvalidClientTokenId 403          | AuthFailure 401          |
 * | expired session    | ExpiredTokenException 403                  | ExpiredToken 403                  | RequestExpired 400       |
 * | wrong signature    | InvalidSignatureException 403              | SignatureDoesNotMatch 403         | AuthFailure 401          |
 * | outside 15 min     | InvalidSignatureException 400              | SignatureDoesNotMatch 403         | RequestExpired 400       |
 * | policy denies      | AccessDeniedException 403 (KMS: 400)       | AccessDenied 403                  | UnauthorizedOperation 403|
 *
 * Codes and texts are those real endpoints return, as quoted in SDK and tool issues
 * (aws-sdk-js#254, aws-cli#6676, aws-sdk-java#1443, terraform-provider-aws#32809, …).
 */
import { AwsError } from '../types.js';
import type { SigV4Failure } from './sigv4-verify.js';

/** The protocol family whose error wording a service uses. */
export type AuthFlavor = 'json' | 'query' | 'ec2';

const QUERY_SERVICES = new Set(['iam', 'sts', 'autoscaling']);

/** The error family of a service by its signing name (unknown services answer as JSON ones). */
export function authFlavor(service: string | undefined): AuthFlavor {
  if (service === 'ec2') return 'ec2';
  return service !== undefined && QUERY_SERVICES.has(service) ? 'query' : 'json';
}

export const MSG_INVALID_TOKEN = 'The security token included in the request is invalid.';
export const MSG_EXPIRED_TOKEN = 'The security token included in the request is expired';
export const MSG_SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const MSG_EC2_AUTH = 'AWS was not able to validate the provided access credentials';
export const MSG_EC2_EXPIRED = 'Request has expired.';
export const MSG_EC2_MISSING = 'The request must contain the parameter AWSAccessKeyId';
export const MSG_EC2_DENIED = 'You are not authorized to perform this operation.';

type Row = Record<AuthFlavor, [code: string, status: number, message?: string]>;

const TABLE: Record<SigV4Failure['kind'], Row> = {
  missing: { json: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'], query: ['MissingAuthenticationToken', 403, 'Request is missing Authentication Token'], ec2: ['MissingParameter', 400, MSG_EC2_MISSING] },
  incomplete: { json: ['IncompleteSignatureException', 400], query: ['IncompleteSignature', 400], ec2: ['IncompleteSignature', 400] },
  'unknown-key': { json: ['UnrecognizedClientException', 403, MSG_INVALID_TOKEN], query: ['InvalidClientTokenId', 403, MSG_INVALID_TOKEN], ec2: ['AuthFailure', 401, MSG_EC2_AUTH] },
  'invalid-token': { json: ['UnrecognizedClientException', 403, MSG_INVALID_TOKEN], query: ['InvalidClientTokenId', 403, MSG_INVALID_TOKEN], ec2: ['AuthFailure', 401, MSG_EC2_AUTH] },
  'expired-token': { json: ['ExpiredTokenException', 403, MSG_EXPIRED_TOKEN], query: ['ExpiredToken', 403, MSG_EXPIRED_TOKEN], ec2: ['RequestExpired', 400, MSG_EC2_EXPIRED] },
  mismatch: { json: ['InvalidSignatureException', 403, MSG_SIGNATURE], query: ['SignatureDoesNotMatch', 403, MSG_SIGNATURE], ec2: ['AuthFailure', 401, MSG_EC2_AUTH] },
  expired: { json: ['InvalidSignatureException', 400], query: ['SignatureDoesNotMatch', 403], ec2: ['RequestExpired', 400, MSG_EC2_EXPIRED] },
  'not-yet-valid': { json: ['InvalidSignatureException', 400], query: ['SignatureDoesNotMatch', 403], ec2: ['RequestExpired', 400, MSG_EC2_EXPIRED] },
};

/**
 * The AwsError a service answers for an authentication failure. `fallbackService` names the
 * service when the request carried no credential scope (then only the router knows it).
 */
export function authError(f: SigV4Failure, fallbackService?: string): AwsError {
  const [code, status, fixed] = TABLE[f.kind][authFlavor(f.service ?? fallbackService)];
  const message = fixed ?? ('message' in f && f.message ? f.message : MSG_SIGNATURE);
  return new AwsError(code, message, status);
}

/** The service prefix of an IAM action (`eks:CreateCluster` → `eks`). */
export function actionService(action: string): string {
  return action.slice(0, Math.max(0, action.indexOf(':'))).toLowerCase();
}

/**
 * The error for an action the caller's policies do not allow. EKS keeps the bare "User: … is not
 * authorized to perform: …" text (plus the reason for an explicit deny); IAM, STS, KMS and Auto Scaling add the reason, and EC2 prefixes
 * its fixed sentence — as their current endpoints do.
 */
export function accessDenied(principalArn: string, action: string, resource: string | undefined, explicit: boolean): AwsError {
  const svc = actionService(action);
  const base = `User: ${principalArn} is not authorized to perform: ${action}`;
  const why = explicit ? ' with an explicit deny in an identity-based policy' : ` because no identity-based policy allows the ${action} action`;
  if (svc === 'ec2') return new AwsError('UnauthorizedOperation', `${MSG_EC2_DENIED} ${base}${why}`, 403);
  const onResource = resource === undefined ? base : `${base} on resource: ${resource}`;
  if (svc === 'eks') return new AwsError('AccessDeniedException', explicit ? onResource + why : onResource, 403);
  if (svc === 'kms') return new AwsError('AccessDeniedException', onResource + why, 400);
  return new AwsError('AccessDenied', onResource + why, 403);
}
