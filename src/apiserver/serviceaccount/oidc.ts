/**
 * Service-account issuer discovery, as kube-apiserver serves it (pkg/serviceaccount/
 * openidmetadata.go, pkg/routes/openidmetadata.go): `/.well-known/openid-configuration` (issuer,
 * jwks_uri, response_types_supported [id_token], subject_types_supported [public],
 * id_token_signing_alg_values_supported from the keys) and `/openid/v1/jwks`
 * (application/jwk-set+json), both `Cache-Control: public, max-age=3600`. Relying parties (AWS
 * STS for IRSA, any OIDC library) fetch these anonymously, as upstream's
 * system:service-account-issuer-discovery role allows. The documents are rendered once.
 */
import type { KeyObject } from 'node:crypto';
import type { ApiResponse } from '../endpoints/types.js';
import { jwks } from './keys.js';

/** Where the discovery document is served. */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
/** Where the key set is served. */
export const JWKS_PATH = '/openid/v1/jwks';

const CACHE_CONTROL = 'public, max-age=3600';

/** The discovery document's fields. */
export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/** What the discovery documents are built from. */
export interface OidcDocumentsOptions {
  /** The service-account issuer URL (https, no query or fragment). */
  issuer: string;
  /**
   * Where relying parties fetch the keys (--service-account-jwks-uri); default
   * `https://<externalAddress>/openid/v1/jwks`.
   */
  jwksUri?: string;
  /** host[:port] of the API server, used when jwksUri is not given. */
  externalAddress?: string;
  publicKeys: readonly (string | KeyObject)[];
}

/** Pre-rendered discovery responses; `handle` answers GET on the two paths (undefined for others). */
export interface OidcDocuments {
  readonly configuration: OpenIdConfiguration;
  configurationResponse(): ApiResponse;
  jwksResponse(): ApiResponse;
  handle(method: string, path: string): ApiResponse | undefined;
}

/**
 * Builds the documents, refusing what NewOpenIDMetadataProvider refuses: an empty or non-https
 * issuer, a query or fragment in it, a non-https JWKS URI, no keys.
 */
export function oidcDocuments(opts: OidcDocumentsOptions): OidcDocuments {
  if (!opts.issuer) throw new Error('empty issuer URL');
  const iss = new URL(opts.issuer);
  if (iss.protocol !== 'https:') throw new Error(`issuer URL must use https scheme, got: ${opts.issuer}`);
  if (iss.search) throw new Error(`issuer URL may not include a query, got: ${opts.issuer}`);
  if (iss.hash) throw new Error(`issuer URL may not include a fragment, got: ${opts.issuer}`);
  let jwksUri = opts.jwksUri;
  if (!jwksUri) {
    if (!opts.externalAddress) throw new Error('either the JWKS URI or the default external address, or both, must be set');
    jwksUri = `https://${opts.externalAddress}${JWKS_PATH}`;
  } else if (new URL(jwksUri).protocol !== 'https:') {
    throw new Error(`jwksURI requires https scheme, parsed as: ${jwksUri}`);
  }
  if (!opts.publicKeys.length) throw new Error('no keys provided for validating keyset');
  const keySet = jwks(opts.publicKeys);
  const configuration: OpenIdConfiguration = {
    issuer: opts.issuer,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keySet.keys.map((k) => k.alg))].sort(),
  };
  const configJson = JSON.stringify(configuration);
  const keysJson = JSON.stringify(keySet);
  const configurationResponse = (): ApiResponse => ({ status: 200, headers: { 'content-type': 'application/json', 'cache-control': CACHE_CONTROL }, body: configJson });
  const jwksResponse = (): ApiResponse => ({ status: 200, headers: { 'content-type': 'application/jwk-set+json', 'cache-control': CACHE_CONTROL }, body: keysJson });
  return {
    configuration,
    configurationResponse,
    jwksResponse,
    handle(method, path) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      if (path === OPENID_CONFIGURATION_PATH) return configurationResponse();
      if (path === JWKS_PATH) return jwksResponse();
      return undefined;
    },
  };
}
