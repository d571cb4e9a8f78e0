/**
 * Fargate profiles as an EKS extension: Create / Describe / List / DeleteFargateProfile over the
 * conventional `fargate-profiles` table, with their state machine:
 *
 *   CREATING ─(createdAt + fargateProfileCreate)→ ACTIVE
 *       └─ pod execution role gone / no longer trusting eks-fargate-pods.amazonaws.com → CREATE_FAILED + health.issues
 *   DELETING ─(deletion + fargateProfileDelete)→ gone
 *
 * Wire it in with `createEksService({ ..., extensions: [fargateExtension()] })`. Scheduling pods
 * onto Fargate micro-nodes is the data plane's work; it reads the profiles through DescribeFargateProfile.
 */
import type { EksExtensionFactory } from '../runtime.js';
import { KIND } from '../state.js';
import { FARGATE_PRINCIPAL, fargateHandlers } from './handlers.js';
import { profileTable, type FargateProfileRecord } from './model.js';

export type { FargateProfileRecord, FargateSelector } from './model.js';

/** The Fargate profile extension factory. */
export function fargateExtension(): EksExtensionFactory {
  return (rt) => {
    rt.reconciler.register<FargateProfileRecord>({
      kind: KIND.fargateProfiles,
      async advance(p, ctx) {
        if (!p.lifecycle) return { put: p };
        const scope = { account: ctx.key.account, region: ctx.key.region };
        const where = { cluster: p.clusterName, fargateProfile: p.fargateProfileName, account: scope.account, region: scope.region };
        if (p.status === 'DELETING') {
          rt.log.info(where, 'eks fargate profile deleted');
          return { remove: true };
        }
        if (p.status !== 'CREATING') return { put: { ...p, lifecycle: undefined } };
        const role = p.podExecutionRoleArn;
        if (!(await rt.iam.getRole(scope.account, role)) || !(await rt.iam.roleTrusts(scope.account, role, FARGATE_PRINCIPAL))) {
          const issue = { code: 'AccessDenied', message: `The pod execution role ${role} does not exist or cannot be assumed by ${FARGATE_PRINCIPAL}.`, resourceIds: [role] };
          return { put: { ...p, status: 'CREATE_FAILED', health: { issues: [issue] }, lifecycle: undefined } };
        }
        rt.log.info(where, 'eks fargate profile active');
        return { put: { ...p, status: 'ACTIVE', lifecycle: undefined } };
      },
    });
    return {
      handlers: fargateHandlers(rt),
      async onClusterDeleted(scope, cluster) {
        const table = profileTable(rt.store, scope);
        for (const row of await table.listUnder(`${cluster.name}/`)) await table.delete(row.id);
      },
    };
  };
}
