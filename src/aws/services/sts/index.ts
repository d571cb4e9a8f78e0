/**
 * STS for eksplane: caller identity (also for `aws eks get-token` tokens), role sessions and web
 * identity federation over IamState, plus the authentication/authorization wrappers STS needs.
 */
export { anonymousPrincipal, SELF_AUTHORIZED_STS_ACTIONS, UNSIGNED_STS_OPERATIONS, withSelfAuthorizedSts, withUnsignedStsOperations } from './auth.js';
export { createStsService, type RoleSessionIssuer, type StsServiceOptions } from './sts-service.js';
export { issuerKey, MSG_WEB_IDENTITY, parseWebIdentityToken, type WebIdentityClaims } from './web-identity.js';
