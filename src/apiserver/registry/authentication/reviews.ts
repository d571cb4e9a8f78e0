/**
 * authentication.k8s.io/v1 tokenreviews and selfsubjectreviews: create-only kinds that answer
 * and store nothing (pkg/registry/authentication). SelfSubjectReview reports the caller (what
 * `kubectl auth whoami` prints). TokenReview asks an injected token authenticator who a bearer
 * token belongs to; without one it answers unauthenticated with an explanation, so a webhook
 * client gets a clear "no" instead of a 404.
 */
import { badRequest } from '../../../apimachinery/errors.js';
import { rfc3339 } from '../../../lib/clock.js';
import type { KObject, ResourceDef, ReviewContext } from '../resource.js';

/** Who a token or a request belongs to. */
export type UserInfo = ReviewContext['user'];

/**
 * Resolves a bearer token to a user (undefined: not a valid token). `audiences` are the ones the
 * review asked for (empty: the API server's own). Throwing reports the message in status.error.
 */
export type TokenAuthenticator = (token: string, audiences: string[]) => Promise<UserInfo | undefined>;

interface TokenReview extends KObject {
  spec?: { token?: string; audiences?: string[] };
  status?: Record<string, unknown>;
}

/** The message of a TokenReview answered without an authenticator. */
export const NO_TOKEN_AUTHENTICATOR = 'token review is not available on this server';

/** authentication.k8s.io UserInfo JSON (username, uid, groups, extra; empty ones left out). */
export function userInfoJson(u: UserInfo): Record<string, unknown> {
  return {
    username: u.name,
    ...(u.uid ? { uid: u.uid } : {}),
    ...(u.groups.length ? { groups: [...u.groups] } : {}),
    ...(u.extra && Object.keys(u.extra).length ? { extra: structuredClone(u.extra) } : {}),
  };
}

/** The `tokenreviews` resource, answering with `authenticate` (or unauthenticated without one). */
export function tokenReviews(authenticate?: TokenAuthenticator): ResourceDef<TokenReview> {
  return {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenReview',
    plural: 'tokenreviews',
    singular: 'tokenreview',
    namespaced: false,
    verbs: ['create'],
    strategy: {},
    async review(tr) {
      const token = tr.spec?.token ?? '';
      if (!token) throw badRequest('token is required for TokenReview in authentication');
      const audiences = tr.spec?.audiences ?? [];
      if (!authenticate) return { ...tr, status: { authenticated: false, user: {}, error: NO_TOKEN_AUTHENTICATOR } };
      let user: UserInfo | undefined;
      let error: string | undefined;
      try {
        user = await authenticate(token, audiences);
      } catch (e) {
        error = (e as Error).message;
      }
      const status: Record<string, unknown> = { authenticated: !!user, user: user ? userInfoJson(user) : {} };
      if (user && audiences.length) status.audiences = [...audiences];
      if (error) status.error = error;
      return { ...tr, status };
    },
  };
}

/** The `selfsubjectreviews` resource: the caller's own user info. */
export const selfsubjectreviews: ResourceDef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: ['create'],
  strategy: {},
  review: (obj, ctx) => ({ ...obj, metadata: { ...obj.metadata, creationTimestamp: rfc3339(ctx.now) }, status: { userInfo: userInfoJson(ctx.user) } }),
};
