/**
 * Service-account tokens of one cluster: signing keys, the token issuer, the bearer-token
 * authenticator, the TokenRequest subresource and the OIDC discovery documents.
 */
export { createSigningKey, jwks, keyId, publicJwk, signingKeyFromPem, type Jwk, type JwkSet, type SigningAlgorithm, type SigningKey } from './keys.js';
export {
  DEFAULT_EXPIRATION_SECONDS,
  EXTENDED_EXPIRATION_SECONDS,
  LEGACY_ISSUER,
  MAX_EXPIRATION_SECONDS,
  MIN_EXPIRATION_SECONDS,
  serviceAccountUsername,
  TokenIssuer,
  WARN_ONLY_EXPIRATION_SECONDS,
  type BoundObject,
  type BoundTokenClaims,
  type IssuedToken,
  type IssueRequest,
  type LegacyTokenClaims,
  type TokenIssuerOptions,
} from './issuer.js';
export {
  EXTRA_CREDENTIAL_ID,
  EXTRA_NODE_NAME,
  EXTRA_NODE_UID,
  EXTRA_POD_NAME,
  EXTRA_POD_UID,
  INVALID_SINCE_LABEL,
  LAST_USED_LABEL,
  serviceAccountTokenAuthenticator,
  type ServiceAccountAuthenticatorOptions,
  type ServiceAccountTokenAuthenticator,
  type TokenVerification,
} from './authenticator.js';
export { TOKEN_REQUEST_KIND, tokenRequestAction, validateTokenRequest, withTokenRequest, type IssuerSource, type TokenRequest } from './token-request.js';
export { LazySigningKey, type LazySigningKeyOptions } from './lazy-key.js';
export { JWKS_PATH, OPENID_CONFIGURATION_PATH, oidcDocuments, type OidcDocuments, type OidcDocumentsOptions, type OpenIdConfiguration } from './oidc.js';
/** What the authenticator and the token subresource read objects through (an ApiServer satisfies it). */
export type { StoreLookup } from './lookup.js';
