/**
 * Who may do what in one cluster, assembled as kube-apiserver orders it: the superuser group,
 * the node authorizer, RBAC (with the bootstrap roles), and for EKS clusters the access-policy
 * authorizer; admission with the RBAC escalation check between the mutating and validating
 * plugins; and the authorization reviews answered by the same chain.
 */
import type { ApiServer } from '../apiserver/api-server.js';
import { createAdmissionChain } from '../apiserver/admission/chain.js';
import { nodeAuthorizer } from '../apiserver/auth/node/authorizer.js';
import { rbacAuthorizer } from '../apiserver/auth/rbac/authorizer.js';
import { EKS_BOOTSTRAP_RBAC, ensureBootstrapRbac } from '../apiserver/auth/rbac/bootstrap.js';
import { rbacEscalationAdmission } from '../apiserver/auth/rbac/escalation.js';
import type { Admission, Authorizer } from '../apiserver/auth/types.js';
import { privilegedGroups, reviewAuthorizer, unionAuthorizer, unionRules } from '../apiserver/auth/union.js';
import { authorizationReviews } from '../apiserver/registry/authorization/reviews.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';
import { eksAccessPolicyAuthorizer } from './eks-access-authorizer.js';

export interface ClusterSecurity {
  authorize: Authorizer;
  admission: Admission;
  /** Registers the review resources and creates the bootstrap RBAC objects; call after `api.start()`. */
  afterStart(api: ApiServer): Promise<void>;
}

export function clusterSecurity(opts: {
  lookup: () => ApiServer;
  clock: Clock;
  log: Logger;
  /** For an EKS cluster: where its access entries live. */
  eks?: { store: Store; account: string; region: string; clusterName: string };
}): ClusterSecurity {
  const { lookup } = opts;
  const node = nodeAuthorizer(lookup, { restrictWrites: false });
  const rbac = rbacAuthorizer(lookup);
  const eks = opts.eks && eksAccessPolicyAuthorizer(opts.eks);
  const authorize = unionAuthorizer(privilegedGroups('system:masters'), node, rbac, ...(eks ? [eks] : []));
  const escalation = rbacEscalationAdmission(authorize, lookup);
  const chain = createAdmissionChain({ api: lookup, clock: opts.clock, log: opts.log });
  const admission: Admission = {
    mutate: (a) => chain.mutate(a),
    async validate(a) {
      await escalation.validate(a);
      await chain.validate(a);
    },
  };
  return {
    authorize,
    admission,
    async afterStart(api) {
      const rules = eks ? unionRules(node.rulesFor, rbac.rulesFor, eks.rulesFor) : unionRules(node.rulesFor, rbac.rulesFor);
      for (const d of authorizationReviews(reviewAuthorizer(authorize), rules)) api.register(d);
      await ensureBootstrapRbac(api);
      if (eks) await ensureBootstrapRbac(api, EKS_BOOTSTRAP_RBAC);
    },
  };
}
