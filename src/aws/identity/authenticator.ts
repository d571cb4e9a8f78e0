/**
 * The two hooks the AWS router calls on every request: authenticate (SigV4 → Principal) and
 * authorize (IAM policies for `<prefix>:<Operation>`). Both throw AwsErrors in the target
 * service's own wording (auth-errors.ts).
 */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../types.js';
import { accessDenied, authError } from './auth-errors.js';
import type { IamState } from './iam-state.js';
import { type AwsHttpRequest, type SigV4Failure, parseSigV4, verifySigV4 } from './sigv4-verify.js';

export type { AwsHttpRequest } from './sigv4-verify.js';

const QUERY_VERSIONS: Record<string, string> = { '2016-11-15': 'ec2', '2010-05-08': 'iam', '2011-06-15': 'sts', '2011-01-01': 'autoscaling' };

/**
 * The service a request without a credential scope is for, so that even "missing authentication"
 * answers in that service's words: JSON 1.1 with TrentService is KMS, query requests are told apart
 * by their Version, and the Host name decides otherwise; rest-json requests are EKS.
 */
export function guessService(req: AwsHttpRequest): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.startsWith('TrentService') ? 'kms' : 'json';
  const type = String(req.headers['content-type'] ?? '');
  const version = type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(req.body.toString('utf8')).get('Version') : req.query.get('Version');
  const byVersion = version ? QUERY_VERSIONS[version] : undefined;
  if (byVersion) return byVersion;
  const host = String(req.headers.host ?? '').split('.')[0] ?? '';
  return ['ec2', 'iam', 'sts', 'autoscaling', 'kms', 'eks'].includes(host) ? host : 'eks';
}

/**
 * Verifies a request's SigV4 signature (header or presigned form, with session tokens) against
 * IAM's access keys and returns who signed it.
 *
 * Strict (default): unknown or inactive keys, wrong signatures, requests more than 15 minutes from
 * the clock, expired presigned URLs and expired session tokens are refused with the service's error.
 * Permissive (`--permissive`, as LocalStack): anything is accepted without checking the signature;
 * a known key still acts as its own principal, an unknown or absent one as the default account's
 * root, and every principal is `unrestricted`.
 *
 * `target.service` (the router's classification) names the service whose wording an unsigned
 * request's refusal uses; without it the request's shape decides ({@link guessService}).
 */
export function createAuthenticator(opts: { iam: IamState; clock: Clock; permissive?: boolean }): (req: AwsHttpRequest, target?: { service: string }) => Promise<Principal> {
  const { iam, clock } = opts;
  const root = (accessKeyId: string): Principal => ({ account: iam.defaultAccount, arn: `arn:aws:iam::${iam.defaultAccount}:root`, userId: iam.defaultAccount, accessKeyId, unrestricted: true });
  return async (req, target) => {
    const parsed = parseSigV4(req);
    if ('kind' in parsed) {
      if (opts.permissive) return root('');
      throw authError(parsed, target?.service ?? guessService(req));
    }
    const key = await iam.resolveAccessKey(parsed.accessKeyId);
    if (opts.permissive) return key ? { ...key.principal, unrestricted: true } : root(parsed.accessKeyId);
    if (!key) throw authError({ kind: 'unknown-key', service: parsed.service });
    const failure: SigV4Failure | undefined = verifySigV4(req, parsed, key, clock.now());
    if (failure) throw authError(failure);
    return key.principal;
  };
}

/**
 * Evaluates the principal's identity policies for `action` (e.g. `eks:CreateCluster`) on
 * `resource` (an ARN; omitted for actions without resource-level permissions) and throws
 * AccessDeniedException / AccessDenied / UnauthorizedOperation unless they allow it; resolves to
 * `true` otherwise (so it also fits the router's boolean Authorizer). Root and permissive
 * principals pass without a store read.
 */
export function createAuthorizer(opts: { iam: IamState }): (principal: Principal, action: string, resource?: string) => Promise<true> {
  return async (principal, action, resource) => {
    if (principal.unrestricted) return true;
    const decision = await opts.iam.decide(principal, action, resource ?? '*');
    if (decision !== 'Allow') throw accessDenied(principal.arn, action, resource, decision === 'ExplicitDeny');
    return true;
  };
}
