/**
 * What STS needs of the router's authentication and authorization hooks, as wrappers the server
 * wiring puts around the real ones (src/aws/identity createAuthenticator / createAuthorizer):
 *
 * - AssumeRoleWithWebIdentity (and AssumeRoleWithSAML) are called **unsigned** — botocore's model
 *   marks them `authtype: none`, and the SDKs send no Authorization header — so an unsigned
 *   request for them is let through as an anonymous, unrestricted principal; the handler trusts
 *   only the token. A signed one is authenticated as usual.
 * - STS authorizes its own operations: GetCallerIdentity and GetSessionToken need no permission
 *   ("No permissions are required to perform this operation", even under an explicit Deny), and
 *   AssumeRole is decided by IamState from the trust policy and the caller's policies (a user the
 *   trust policy names needs no identity policy). So `sts:*` actions of these operations skip the
 *   identity-policy check.
 */
import type { Authenticator, Authorizer } from '../../router.js';
import type { Principal } from '../../types.js';

/** STS operations AWS serves without a signature. */
export const UNSIGNED_STS_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

/** STS actions not checked against the caller's identity policies by the router. */
export const SELF_AUTHORIZED_STS_ACTIONS: ReadonlySet<string> = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken', 'sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML']);

/** The principal of an unsigned web-identity request (never used for authorization). */
export function anonymousPrincipal(account: string): Principal {
  return { account, arn: `arn:aws:sts::${account}:anonymous`, userId: 'anonymous', accessKeyId: '', unrestricted: true };
}

/** `authenticate`, except that unsigned AssumeRoleWithWebIdentity/SAML requests pass as {@link anonymousPrincipal}. */
export function withUnsignedStsOperations(authenticate: Authenticator, account = '000000000000'): Authenticator {
  return async (req, target) => {
    const signed = req.headers.authorization !== undefined || req.query.has('X-Amz-Credential');
    if (!signed && target.service === 'sts' && UNSIGNED_STS_OPERATIONS.has(target.operation)) return anonymousPrincipal(account);
    return authenticate(req, target);
  };
}

/** `authorize`, except for the STS actions STS decides itself ({@link SELF_AUTHORIZED_STS_ACTIONS}). */
export function withSelfAuthorizedSts(authorize: Authorizer): Authorizer {
  return async (principal, action, resource) => SELF_AUTHORIZED_STS_ACTIONS.has(action) || authorize(principal, action, resource);
}
