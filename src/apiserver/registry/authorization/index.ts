/**
 * authorization.k8s.io/v1: the four access and rules reviews. The table entry uses the
 * masters-only default; the server re-registers `authorizationReviews(authorize, rulesFor)` with
 * the real authorizer (ApiServer.register replaces a resource of the same group, version and plural).
 */
import type { ResourceDef } from '../resource.js';
import { authorizationReviews } from './reviews.js';

export {
  attributesFrom,
  authorizationReviews,
  mastersOnly,
  mastersOnlyRules,
  NO_AUTHORIZER,
  type AuthorizationAttributes,
  type AuthorizationDecision,
  type Authorizer,
  type RulesAnswer,
  type RulesResolver,
} from './reviews.js';

/** The authorization.k8s.io/v1 resources. */
export const authorizationResources: ResourceDef[] = authorizationReviews();
