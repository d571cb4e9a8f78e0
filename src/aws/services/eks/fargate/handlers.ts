/**
 * CreateFargateProfile, DescribeFargateProfile, ListFargateProfiles, DeleteFargateProfile
 * (shared/research/eks-semantics.md §2, §5). Profiles are immutable; only one profile of a
 * cluster may be DELETING, and while one is no other may be created or deleted (model doc; the
 * 409's text from cloud-custodian#5585).
 *
 * The one-DELETING rule holds under concurrent requests without a lock: a delete marks its
 * profile DELETING with compare-and-swap, then looks at its siblings; when two deletes raced,
 * the one that started later (name breaks ties) steps back and answers the 409.
 */
import { randomUUID } from 'node:crypto';
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { kick, mutate, requireCluster, scopeOf, type EksRuntime } from '../runtime.js';
import { childId, eksArn, KIND, type Scope } from '../state.js';
import { FP_MSG, MAX_PROFILES, MAX_SELECTOR_LABELS, MAX_SELECTORS, profileTable, profileView, type FargateProfileRecord, type FargateSelector } from './model.js';

const NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
/** The service principal a pod execution role must trust (semantics doc §5). */
export const FARGATE_PRINCIPAL = 'eks-fargate-pods.amazonaws.com';

interface CreateInput {
  clusterName: string;
  fargateProfileName: string;
  podExecutionRoleArn: string;
  subnets?: string[];
  selectors?: { namespace?: string; labels?: Record<string, string> }[];
  clientRequestToken?: string;
  tags?: Record<string, string>;
}

/** The selectors, checked in moto's order (at least one, a namespace each, at most 5 labels each), then at most 5. */
function checkSelectors(selectors: CreateInput['selectors'], f: EksErrorFields): FargateSelector[] {
  const invalid = (m: string) => eksError('InvalidParameterException', m, f);
  if (!selectors?.length) throw invalid(FP_MSG.needsSelector);
  for (const s of selectors) {
    if (!s.namespace) throw invalid(FP_MSG.selectorNeedsNamespace);
    if (Object.keys(s.labels ?? {}).length > MAX_SELECTOR_LABELS) throw invalid(FP_MSG.tooManyLabels);
  }
  if (selectors.length > MAX_SELECTORS) throw invalid(FP_MSG.tooManySelectors);
  return selectors.map((s) => (s.labels && Object.keys(s.labels).length ? { namespace: s.namespace!, labels: s.labels } : { namespace: s.namespace! }));
}

/** The profile handlers. */
export function fargateHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  const deletingOther = async (scope: Scope, cluster: string, except: string) =>
    (await profileTable(rt.store, scope).listUnder(`${cluster}/`)).map((r) => r.value).filter((p) => p.status === 'DELETING' && p.fargateProfileName !== except);

  return {
    async CreateFargateProfile(raw, ctx) {
      const input = raw as unknown as CreateInput;
      const scope = scopeOf(ctx);
      const { clusterName, fargateProfileName: name } = input;
      const f = { clusterName, fargateProfileName: name };
      const cluster = (await requireCluster(rt, scope, clusterName, { fargateProfileName: name })).value;
      if (!NAME.test(name)) throw eksError('InvalidParameterException', FP_MSG.invalidName(name), f);
      const table = profileTable(rt.store, scope);
      const existing = await table.get(childId(clusterName, name));
      if (existing && input.clientRequestToken && existing.value.clientRequestToken === input.clientRequestToken) return { fargateProfile: profileView(existing.value) };
      if (existing) throw eksError('ResourceInUseException', FP_MSG.exists, f);
      if (cluster.status !== 'ACTIVE') throw eksError('InvalidRequestException', MSG.clusterNotActive(clusterName), f);
      const selectors = checkSelectors(input.selectors, f);
      const deleting = (await deletingOther(scope, clusterName, name))[0];
      if (deleting) throw eksError('ResourceInUseException', FP_MSG.createWhileDeleting(name, clusterName, deleting.fargateProfileName), f);
      if ((await table.listUnder(`${clusterName}/`)).length >= MAX_PROFILES) throw eksError('ResourceLimitExceededException', FP_MSG.tooManyProfiles(clusterName), f);
      const role = input.podExecutionRoleArn;
      if (!ROLE_ARN.test(role)) throw eksError('InvalidParameterException', MSG.invalidRoleArn(role), f);
      if (!(await rt.iam.getRole(scope.account, role)) || !(await rt.iam.roleTrusts(scope.account, role, FARGATE_PRINCIPAL))) throw eksError('InvalidParameterException', MSG.roleNotAssumable(role), f);
      const subnets = input.subnets?.length ? input.subnets : cluster.resourcesVpcConfig.subnetIds;
      const found = new Map((await rt.ec2.describeSubnets(scope.account, scope.region, subnets)).map((s) => [s.subnetId, s.vpcId]));
      for (const id of subnets) {
        const vpc = found.get(id);
        if (vpc === undefined) throw eksError('InvalidParameterException', MSG.subnetNotFound(id, ctx.requestId), f);
        if (vpc !== cluster.resourcesVpcConfig.vpcId) throw eksError('InvalidParameterException', FP_MSG.subnetNotInVpc(id, cluster.resourcesVpcConfig.vpcId), f);
      }
      const now = rt.clock.now();
      const rec: FargateProfileRecord = {
        fargateProfileName: name,
        fargateProfileArn: eksArn(scope, `fargateprofile/${clusterName}/${name}/${randomUUID()}`),
        clusterName,
        createdAt: now,
        podExecutionRoleArn: role,
        subnets,
        selectors,
        status: 'CREATING',
        tags: input.tags ?? {},
        health: { issues: [] },
        clientRequestToken: input.clientRequestToken,
        lifecycle: { phase: 'create', startedAt: now, dueAt: now + rt.timings.fargateProfileCreate },
      };
      if (!(await table.create(childId(clusterName, name), rec))) throw eksError('ResourceInUseException', FP_MSG.exists, f);
      rt.log.info({ cluster: clusterName, fargateProfile: name, account: scope.account, region: scope.region }, 'eks fargate profile creating');
      kick(rt, KIND.fargateProfiles, scope, childId(clusterName, name), rec);
      return { fargateProfile: profileView(rec) };
    },

    async DescribeFargateProfile(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.fargateProfileName as string;
      await requireCluster(rt, scope, clusterName, { fargateProfileName: name });
      const p = await profileTable(rt.store, scope).get(childId(clusterName, name));
      if (!p) throw eksError('ResourceNotFoundException', FP_MSG.notFound(name), { clusterName, fargateProfileName: name });
      return { fargateProfile: profileView(p.value) };
    },

    async ListFargateProfiles(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      await requireCluster(rt, scope, clusterName);
      const after = decodeToken(input.nextToken, { clusterName }).after;
      const page = await profileTable(rt.store, scope).page(`${clusterName}/`, pageSize(input.maxResults), after);
      const last = page.items[page.items.length - 1];
      return { fargateProfileNames: page.items.map((i) => i.value.fargateProfileName), nextToken: page.more && last ? encodeToken({ after: last.id }) : undefined };
    },

    async DeleteFargateProfile(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.fargateProfileName as string;
      const f = { clusterName, fargateProfileName: name };
      const cluster = (await requireCluster(rt, scope, clusterName, { fargateProfileName: name })).value;
      const table = profileTable(rt.store, scope);
      const id = childId(clusterName, name);
      const cur = await table.get(id);
      if (!cur) throw eksError('ResourceNotFoundException', FP_MSG.notFound(name), f);
      if (cur.value.status === 'CREATING' || cur.value.status === 'DELETING') throw eksError('InvalidRequestException', FP_MSG.notActive, f);
      if (cluster.activeUpdateId) throw eksError('ResourceInUseException', FP_MSG.deleteDuringClusterUpdate(name, clusterName), f);
      const other = (await deletingOther(scope, clusterName, name))[0];
      if (other) throw eksError('ResourceInUseException', FP_MSG.deleteWhileDeleting(name, clusterName, other.fargateProfileName), f);
      const now = rt.clock.now();
      const refusal: { err?: Error } = {};
      const next = await mutate(table, id, (p): FargateProfileRecord | undefined => {
        if (p.status === 'CREATING' || p.status === 'DELETING') refusal.err = eksError('InvalidRequestException', FP_MSG.notActive, f);
        else return { ...p, status: 'DELETING', lifecycle: { phase: 'delete', startedAt: now, dueAt: now + rt.timings.fargateProfileDelete } };
        return undefined;
      });
      if (refusal.err) throw refusal.err;
      if (!next) throw eksError('ResourceNotFoundException', FP_MSG.notFound(name), f);
      // Raced with another delete: the later one (then the greater name) steps back.
      const rival = (await deletingOther(scope, clusterName, name)).find((p) => p.lifecycle && (p.lifecycle.startedAt < now || (p.lifecycle.startedAt === now && p.fargateProfileName < name)));
      if (rival) {
        await mutate(table, id, (p) => (p.status === 'DELETING' && p.lifecycle?.startedAt === now ? { ...cur.value } : undefined));
        throw eksError('ResourceInUseException', FP_MSG.deleteWhileDeleting(name, clusterName, rival.fargateProfileName), f);
      }
      rt.log.info({ cluster: clusterName, fargateProfile: name, account: scope.account, region: scope.region }, 'eks fargate profile deleting');
      kick(rt, KIND.fargateProfiles, scope, id, next);
      return { fargateProfile: profileView(next) };
    },
  };
}
