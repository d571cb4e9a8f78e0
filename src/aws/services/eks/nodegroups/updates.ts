/**
 * UpdateNodegroupConfig and UpdateNodegroupVersion (shared/research/eks-semantics.md §2, §5):
 * each makes one Update of target `{kind: 'nodegroup', name}` and claims the group (UPDATING,
 * one update at a time, 409 otherwise). The parameters follow the CLI examples (ConfigUpdate:
 * LabelsToAdd, TaintsToRemove, MinSize, …; VersionUpdate: Version, ReleaseVersion,
 * LaunchTemplateName/Version), structured values as JSON. What the update does when its time
 * comes is the applier's business (./rollout.ts).
 */
import type { AwsHandler } from '../../../types.js';
import { eksError, type EksErrorFields } from '../errors.js';
import { mutate, requireCluster, scopeOf, tables, type EksRuntime } from '../runtime.js';
import { childId, type Scope, type UpdateParam } from '../state.js';
import { createUpdate, kickUpdate, updateByToken, type UpdateSpec } from '../update-machine.js';
import { updateView } from '../views.js';
import { NG_MSG } from './messages.js';
import { nodegroupTable, type NodegroupRecord, type ScalingConfig, type Taint } from './model.js';
import { latestRelease, olderRelease, releasesOf } from './releases.js';
import { checkScaling, checkTaints, checkUpdateConfig, resolveTemplate } from './validate.js';

const json = (v: unknown): string => JSON.stringify(v);
const param = (type: string, value: string): UpdateParam => ({ type, value });
const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
const updatable = (n: NodegroupRecord): boolean => !n.activeUpdateId && (n.status === 'ACTIVE' || n.status === 'DEGRADED');

interface ConfigInput {
  labels?: { addOrUpdateLabels?: Record<string, string>; removeLabels?: string[] };
  taints?: { addOrUpdateTaints?: Taint[]; removeTaints?: Taint[] };
  scalingConfig?: Partial<ScalingConfig>;
  updateConfig?: { maxUnavailable?: number; maxUnavailablePercentage?: number; updateStrategy?: string };
  nodeRepairConfig?: Record<string, unknown>;
  warmPoolConfig?: Record<string, unknown>;
}

/** The params and the change of a ConfigUpdate; throws on a request that changes nothing or breaks a rule. */
export function configChange(n: NodegroupRecord, req: ConfigInput, f: EksErrorFields): { params: UpdateParam[]; change: Record<string, unknown> } {
  const params: UpdateParam[] = [];
  const change: Record<string, unknown> = {};
  const add = req.labels?.addOrUpdateLabels ?? {};
  const remove = req.labels?.removeLabels ?? [];
  if (Object.keys(add).length || remove.length) {
    const both = remove.find((k) => Object.hasOwn(add, k));
    if (both !== undefined) throw eksError('InvalidParameterException', NG_MSG.labelAddedAndRemoved(both), f);
    if (Object.keys(add).length) params.push(param('LabelsToAdd', json(add)));
    if (remove.length) params.push(param('LabelsToRemove', json(remove)));
    change.labels = { ...Object.fromEntries(Object.entries(n.labels).filter(([k]) => !remove.includes(k))), ...add };
  }
  const tAdd = req.taints?.addOrUpdateTaints ?? [];
  const tRemove = req.taints?.removeTaints ?? [];
  if (tAdd.length || tRemove.length) {
    if (tAdd.length) params.push(param('TaintsToAdd', json(tAdd)));
    if (tRemove.length) params.push(param('TaintsToRemove', json(tRemove)));
    const kept = (n.taints ?? []).filter((t) => !tRemove.some((r) => sameTaint(t, r)) && !tAdd.some((a) => sameTaint(t, a)));
    const taints = [...kept, ...tAdd];
    checkTaints(taints, f);
    change.taints = taints;
  }
  const sc = req.scalingConfig;
  if (sc && (sc.minSize !== undefined || sc.maxSize !== undefined || sc.desiredSize !== undefined)) {
    const next: ScalingConfig = { minSize: sc.minSize ?? n.scalingConfig.minSize, maxSize: sc.maxSize ?? n.scalingConfig.maxSize, desiredSize: sc.desiredSize ?? n.scalingConfig.desiredSize };
    checkScaling(next, f);
    if (sc.minSize !== undefined) params.push(param('MinSize', String(sc.minSize)));
    if (sc.maxSize !== undefined) params.push(param('MaxSize', String(sc.maxSize)));
    if (sc.desiredSize !== undefined) params.push(param('DesiredSize', String(sc.desiredSize)));
    change.scalingConfig = next;
  }
  const uc = req.updateConfig;
  if (uc && (uc.maxUnavailable !== undefined || uc.maxUnavailablePercentage !== undefined || uc.updateStrategy !== undefined)) {
    checkUpdateConfig(uc, f);
    const next = { ...n.updateConfig };
    if (uc.maxUnavailable !== undefined) {
      next.maxUnavailable = uc.maxUnavailable;
      delete next.maxUnavailablePercentage;
      params.push(param('MaxUnavailable', String(uc.maxUnavailable)));
    }
    if (uc.maxUnavailablePercentage !== undefined) {
      next.maxUnavailablePercentage = uc.maxUnavailablePercentage;
      delete next.maxUnavailable;
      params.push(param('MaxUnavailablePercentage', String(uc.maxUnavailablePercentage)));
    }
    if (uc.updateStrategy !== undefined) {
      next.updateStrategy = uc.updateStrategy;
      params.push(param('UpdateStrategy', uc.updateStrategy));
    }
    change.updateConfig = next;
  }
  if (req.nodeRepairConfig) {
    const keys = Object.keys(req.nodeRepairConfig);
    params.push(keys.length === 1 && keys[0] === 'enabled' ? param('NodeRepairEnabled', String(req.nodeRepairConfig.enabled)) : param('NodeRepairConfig', json(req.nodeRepairConfig)));
    change.nodeRepairConfig = { ...n.nodeRepairConfig, ...req.nodeRepairConfig };
  }
  const wp = req.warmPoolConfig;
  if (wp) {
    const names: Record<string, string> = { enabled: 'WarmPoolEnabled', minSize: 'WarmPoolMinSize', maxGroupPreparedCapacity: 'WarmPoolMaxGroupPreparedCapacity', poolState: 'WarmPoolState', reuseOnScaleIn: 'WarmPoolReuseOnScaleIn' };
    for (const [k, v] of Object.entries(wp)) if (names[k] && v !== undefined) params.push(param(names[k]!, String(v)));
    change.warmPoolConfig = { ...n.warmPoolConfig, ...wp };
  }
  if (!params.length) throw eksError('InvalidParameterException', NG_MSG.noChange, f);
  return { params, change };
}

/**
 * Creates the Update, then claims the group with compare-and-swap (UPDATING, `activeUpdateId`);
 * a claim that loses deletes the Update and answers EKS's 409.
 */
async function startNodegroupUpdate(rt: EksRuntime, scope: Scope, n: NodegroupRecord, spec: UpdateSpec, f: EksErrorFields) {
  const u = await createUpdate(rt, scope, n.clusterName, { kind: 'nodegroup', name: n.nodegroupName }, spec);
  const refusal: { err?: Error } = {};
  const claimed = await mutate(nodegroupTable(rt.store, scope), childId(n.clusterName, n.nodegroupName), (cur): NodegroupRecord | undefined => {
    if (cur.id !== n.id || !updatable(cur)) refusal.err = eksError('ResourceInUseException', NG_MSG.notActive, f);
    else return { ...cur, status: 'UPDATING', activeUpdateId: u.id };
    return undefined;
  });
  if (!claimed || refusal.err) {
    await tables(rt, scope).updates.delete(childId(n.clusterName, u.id));
    throw refusal.err ?? eksError('ResourceNotFoundException', NG_MSG.notFound(n.nodegroupName), f);
  }
  rt.log.info({ cluster: n.clusterName, nodegroup: n.nodegroupName, update: u.id, type: u.type }, 'eks nodegroup updating');
  kickUpdate(rt, scope, u);
  return { update: updateView(u) };
}

/** The node group update handlers. */
export function nodegroupUpdateHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  /** The group and its cluster; a retried request (same clientRequestToken) gets its Update back. */
  async function prepare(input: Record<string, unknown>, scope: Scope) {
    const clusterName = input.clusterName as string;
    const name = input.nodegroupName as string;
    const f = { clusterName, nodegroupName: name };
    const cluster = (await requireCluster(rt, scope, clusterName, { nodegroupName: name })).value;
    const n = await nodegroupTable(rt.store, scope).get(childId(clusterName, name));
    if (!n) throw eksError('ResourceNotFoundException', NG_MSG.notFound(name), f);
    const retried = await updateByToken(rt, scope, clusterName, { kind: 'nodegroup', name }, input.clientRequestToken);
    if (!retried && !updatable(n.value)) throw eksError('ResourceInUseException', NG_MSG.notActive, f);
    return { f, cluster, n: n.value, retried };
  }

  return {
    async UpdateNodegroupConfig(input, ctx) {
      const scope = scopeOf(ctx);
      const { f, n, retried } = await prepare(input, scope);
      if (retried) return { update: updateView(retried) };
      const { params, change } = configChange(n, input as ConfigInput, f);
      const token = input.clientRequestToken as string | undefined;
      return startNodegroupUpdate(rt, scope, n, { type: 'ConfigUpdate', params, change, durationMs: rt.timings.nodegroupUpdate, clientRequestToken: token }, f);
    },

    async UpdateNodegroupVersion(input, ctx) {
      const scope = scopeOf(ctx);
      const { f, cluster, n, retried } = await prepare(input, scope);
      if (retried) return { update: updateView(retried) };
      const version = (input.version as string | undefined) ?? cluster.version;
      if (version !== cluster.version) throw eksError('InvalidParameterException', NG_MSG.versionInvalid(version, cluster.version), f);
      const lt = input.launchTemplate as { id?: string; name?: string; version?: string } | undefined;
      let launchTemplate = n.launchTemplate;
      if (lt) {
        if (!n.launchTemplate) throw eksError('InvalidParameterException', NG_MSG.launchTemplateNotUsed(n.nodegroupName), f);
        const was = n.launchTemplate;
        if ((lt.id !== undefined && was.id !== undefined && lt.id !== was.id) || (lt.name !== undefined && was.name !== undefined && lt.name !== was.name))
          throw eksError('InvalidParameterException', NG_MSG.launchTemplateChanged(n.nodegroupName, was.name ?? was.id ?? ''), f);
        launchTemplate = (await resolveTemplate(rt, scope, lt, f)).spec;
      }
      const custom = n.amiType === 'CUSTOM';
      const requested = input.releaseVersion as string | undefined;
      let releaseVersion = custom ? undefined : latestRelease(version);
      if (requested !== undefined && !custom) {
        if (!releasesOf(version).includes(requested)) throw eksError('InvalidParameterException', NG_MSG.releaseNotForVersion(requested, version), f);
        if (version === n.version && n.releaseVersion && olderRelease(requested, n.releaseVersion)) throw eksError('InvalidParameterException', NG_MSG.releaseNotAllowed(requested, latestRelease(version) ?? ''), f);
        releaseVersion = requested;
      }
      const ltChanged = lt !== undefined && JSON.stringify(launchTemplate) !== JSON.stringify(n.launchTemplate);
      if (!ltChanged && version === n.version && releaseVersion === n.releaseVersion) throw eksError('InvalidParameterException', NG_MSG.alreadyAtVersion(n.nodegroupName, version, n.releaseVersion ?? ''), f);
      const params: UpdateParam[] = [];
      if (!custom) params.push(param('Version', version), param('ReleaseVersion', releaseVersion ?? ''));
      if (lt && launchTemplate) params.push(param('LaunchTemplateName', launchTemplate.name ?? launchTemplate.id ?? ''), param('LaunchTemplateVersion', launchTemplate.version ?? '$Default'));
      const change = { version, releaseVersion, launchTemplate, force: input.force === true };
      // Due at once: the rolling replacement's first step (scale up) starts right away (./rollout.ts).
      return startNodegroupUpdate(rt, scope, n, { type: 'VersionUpdate', params, change, durationMs: 0, clientRequestToken: input.clientRequestToken as string | undefined }, f);
    },
  };
}
