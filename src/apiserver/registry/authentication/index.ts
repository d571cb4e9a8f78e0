/**
 * authentication.k8s.io/v1: token reviews and self-subject reviews. The table entry answers token
 * reviews without an authenticator; the server re-registers `tokenReviews(authenticate)` once it
 * has one (ApiServer.register replaces a resource of the same group, version and plural).
 */
import type { ResourceDef } from '../resource.js';
import { selfsubjectreviews, tokenReviews } from './reviews.js';

export { NO_TOKEN_AUTHENTICATOR, selfsubjectreviews, tokenReviews, type TokenAuthenticator, type UserInfo } from './reviews.js';

/** The authentication.k8s.io/v1 resources. */
export const authenticationResources: ResourceDef[] = [selfsubjectreviews, tokenReviews() as ResourceDef];
