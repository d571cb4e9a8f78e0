/**
 * IamState as other services see IAM (src/aws/services/contracts.ts `IamApi`): EKS checks that a
 * cluster or node role exists and trusts its service principal.
 */
import type { IamApi } from '../services/contracts.js';
import type { IamState } from './iam-state.js';

/**
 * The IamApi view of an IamState. Roles are found by the name in their ARN, whatever account the
 * caller is in (cross-account role ARNs resolve in their own account, as IAM does).
 */
export function iamApiOf(iam: IamState): IamApi {
  return {
    async getRole(_account, roleArn) {
      const r = await iam.getRoleByArn(roleArn);
      return r && { arn: r.arn, name: r.roleName };
    },
    roleTrusts: (_account, roleArn, servicePrincipal) => iam.roleTrusts(roleArn, servicePrincipal),
  } satisfies IamApi;
}
