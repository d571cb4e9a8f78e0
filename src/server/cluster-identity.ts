/**
 * Service-account identity of one cluster (standalone or EKS): the signing key and TokenIssuer,
 * the `serviceaccounts/token` subresource, token authentication (service-account JWTs first,
 * then the cluster's other bearer authenticator, as upstream orders them), TokenReview answered
 * by the same chain, the OIDC discovery documents, and what the service-account controllers need.
 */
import type { ApiServer } from '../apiserver/api-server.js';
import type { ApiResponse, UserInfo } from '../apiserver/endpoints/types.js';
import { tokenReviews } from '../apiserver/registry/authentication/reviews.js';
import { oidcDocuments, serviceAccountTokenAuthenticator, signingKeyFromPem, TokenIssuer, withTokenRequest } from '../apiserver/serviceaccount/index.js';
import type { ServiceAccountControllerConfig } from '../controllers/serviceaccount/index.js';
import type { Clock } from '../lib/clock.js';

export interface ClusterIdentity {
  /** Bearer token → user (service accounts, then `otherTokens`). */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
  /** Answers the OIDC discovery and JWKS paths anonymously; undefined for other paths. */
  publicHandler(method: string, path: string): ApiResponse | undefined;
  controllers: ServiceAccountControllerConfig;
}

export function setUpClusterIdentity(opts: {
  api: ApiServer;
  clock: Clock;
  /** PEM private key the cluster signs service-account tokens with. */
  signingKeyPem: string;
  /** The `iss` of its tokens (EKS: the cluster's OIDC issuer URL). */
  issuer: string;
  /** Audiences API credentials must carry (default: the issuer). */
  apiAudiences?: string[];
  /** host:port the discovery document points JWKS clients at. */
  externalAddress: string;
  caPem: string;
  otherTokens?: (token: string) => Promise<UserInfo | undefined>;
}): ClusterIdentity {
  const { api, clock } = opts;
  const issuer = new TokenIssuer({ issuer: opts.issuer, key: signingKeyFromPem(opts.signingKeyPem), apiAudiences: opts.apiAudiences });
  const serviceaccounts = api.resources.find((d) => d.group === '' && d.plural === 'serviceaccounts');
  if (serviceaccounts) api.register(withTokenRequest(serviceaccounts, issuer, () => api));
  const saAuth = serviceAccountTokenAuthenticator({ issuer: opts.issuer, audiences: issuer.apiAudiences, publicKeys: issuer.publicKeys, lookup: () => api, clock });
  const other = opts.otherTokens ?? (async () => undefined);
  const authenticateToken = async (token: string) => (await saAuth(token)) ?? other(token);
  api.register(tokenReviews(async (token, audiences) => (await saAuth.review(token, audiences)) ?? other(token)));
  const oidc = oidcDocuments({ issuer: opts.issuer, externalAddress: opts.externalAddress, publicKeys: issuer.publicKeys });
  return {
    authenticateToken,
    publicHandler: (method, path) => oidc.handle(method, path),
    controllers: {
      rootCaPem: opts.caPem,
      signLegacy: (namespace, sa, uid, secretName) => issuer.issueLegacy({ namespace, serviceAccount: { name: sa, uid }, secretName }),
    },
  };
}
