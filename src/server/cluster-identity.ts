/**
 * Service-account identity of one cluster (standalone or EKS): the signing key (possibly made on
 * first use) and TokenIssuer, the `serviceaccounts/token` subresource, token authentication
 * (service-account JWTs first, then the cluster's other bearer authenticator, as upstream orders
 * them), TokenReview answered by the same chain, the OIDC discovery documents, and what the
 * service-account controllers need.
 */
import type { ApiServer } from '../apiserver/api-server.js';
import type { ApiResponse, UserInfo } from '../apiserver/endpoints/types.js';
import { tokenReviews } from '../apiserver/registry/authentication/reviews.js';
import { JWKS_PATH, LazySigningKey, oidcDocuments, OPENID_CONFIGURATION_PATH, serviceAccountTokenAuthenticator, TokenIssuer, withTokenRequest, type OidcDocuments } from '../apiserver/serviceaccount/index.js';
import type { ServiceAccountControllerConfig } from '../controllers/serviceaccount/index.js';
import type { Clock } from '../lib/clock.js';

export interface ClusterIdentity {
  /** Bearer token → user (service accounts, then `otherTokens`). */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
  /**
   * Answers the OIDC discovery and JWKS paths anonymously; undefined for other paths. A promise
   * while the signing key is still to be made (the first request makes it).
   */
  publicHandler(method: string, path: string): ApiResponse | Promise<ApiResponse | undefined> | undefined;
  controllers: ServiceAccountControllerConfig;
}

/**
 * Wires one cluster's service-account identity into its API server. The signing key is a
 * {@link LazySigningKey}, restored or made on first use: until then no token of
 * this cluster can exist, so the authenticator holds no key (upstream's "no keys found" for a
 * token naming our issuer), and TokenRequest, legacy token Secrets and the JWKS wait for the key.
 */
export function setUpClusterIdentity(opts: {
  api: ApiServer;
  clock: Clock;
  /** The `iss` of its tokens (EKS: the cluster's OIDC issuer URL). */
  issuer: string;
  /** Audiences API credentials must carry (default: the issuer). */
  apiAudiences?: string[];
  /** host:port the discovery document points JWKS clients at. */
  externalAddress: string;
  caPem: string;
  otherTokens?: (token: string) => Promise<UserInfo | undefined>;
  /** The key service-account tokens are signed with. */
  signingKey: LazySigningKey;
}): ClusterIdentity {
  const { api, clock } = opts;
  const key = opts.signingKey;
  let issuer: TokenIssuer | undefined;
  let saAuth = serviceAccountTokenAuthenticator({ issuer: opts.issuer, audiences: opts.apiAudiences?.length ? opts.apiAudiences : [opts.issuer], publicKeys: [], lookup: () => api, clock });
  let oidc: OidcDocuments | undefined;
  key.onReady((k) => {
    issuer = new TokenIssuer({ issuer: opts.issuer, key: k, apiAudiences: opts.apiAudiences });
    saAuth = serviceAccountTokenAuthenticator({ issuer: opts.issuer, audiences: issuer.apiAudiences, publicKeys: issuer.publicKeys, lookup: () => api, clock });
    oidc = oidcDocuments({ issuer: opts.issuer, externalAddress: opts.externalAddress, publicKeys: issuer.publicKeys });
  });
  const ready = async (): Promise<TokenIssuer> => {
    await key.get();
    return issuer!;
  };
  const serviceaccounts = api.resources.find((d) => d.group === '' && d.plural === 'serviceaccounts');
  if (serviceaccounts) api.register(withTokenRequest(serviceaccounts, ready, () => api));
  const other = opts.otherTokens ?? (async () => undefined);
  const authenticateToken = async (token: string) => (await saAuth(token)) ?? other(token);
  api.register(tokenReviews(async (token, audiences) => (await saAuth.review(token, audiences)) ?? other(token)));
  return {
    authenticateToken,
    publicHandler: (method, path) => {
      if (oidc) return oidc.handle(method, path);
      if ((method !== 'GET' && method !== 'HEAD') || (path !== OPENID_CONFIGURATION_PATH && path !== JWKS_PATH)) return undefined;
      return ready().then(() => oidc!.handle(method, path));
    },
    controllers: {
      rootCaPem: opts.caPem,
      signLegacy: async (namespace, sa, uid, secretName) => (await ready()).issueLegacy({ namespace, serviceAccount: { name: sa, uid }, secretName }),
    },
  };
}
