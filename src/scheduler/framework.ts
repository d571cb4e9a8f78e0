/**
 * Runs a profile's plugins at each extension point (pkg/scheduler/framework/runtime): PreFilter
 * (Skip bypasses the plugin's Filter), Filter in plugin order stopping at the first rejection,
 * PostFilter until one succeeds, PreScore/Score/NormalizeScore with the plugins' weights,
 * Reserve/Unreserve, Permit, PreBind and Bind.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import {
  asError,
  MAX_NODE_SCORE,
  type BindPlugin,
  type ClusterEvent,
  type CycleState,
  type FilterPlugin,
  type NodeScore,
  type NodeToStatus,
  type PermitPlugin,
  type Plugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ReservePlugin,
  type ScorePlugin,
  type Status,
} from './types.js';

/** A plugin as the registry builds it, with its score weight. */
export interface EnabledPlugin {
  plugin: Plugin;
  weight: number;
}

const has = <T extends Plugin>(p: Plugin, method: string): p is T => typeof (p as unknown as Record<string, unknown>)[method] === 'function';

function withPlugin(s: Status | null, name: string): Status | null {
  if (s && s.code !== 'Success') s.plugin ??= name;
  return s && s.code === 'Success' ? null : s;
}

export class Framework {
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: { p: ScorePlugin; weight: number }[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly preBind: PreBindPlugin[] = [];
  readonly bind: BindPlugin[] = [];
  /** Plugin name → cluster events it registered (the queue's move rules). */
  readonly events = new Map<string, readonly ClusterEvent[]>();

  constructor(plugins: readonly EnabledPlugin[]) {
    for (const { plugin: p, weight } of plugins) {
      if (p.events) this.events.set(p.name, p.events);
      if (has<PreFilterPlugin>(p, 'preFilter')) this.preFilter.push(p);
      if (has<FilterPlugin>(p, 'filter')) this.filter.push(p);
      if (has<PostFilterPlugin>(p, 'postFilter')) this.postFilter.push(p);
      if (has<PreScorePlugin>(p, 'preScore')) this.preScore.push(p);
      if (has<ScorePlugin>(p, 'score')) this.score.push({ p, weight });
      if (has<ReservePlugin>(p, 'reserve')) this.reserve.push(p);
      if (has<PermitPlugin>(p, 'permit')) this.permit.push(p);
      if (has<PreBindPlugin>(p, 'preBind')) this.preBind.push(p);
      if (has<BindPlugin>(p, 'bind')) this.bind.push(p);
    }
  }

  /** RunPreFilterPlugins: the first rejection or error ends the run. */
  runPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.preFilter) {
      let s: Status | null;
      try {
        s = p.preFilter(state, pod, nodes);
      } catch (err) {
        s = asError(err);
      }
      if (s?.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      const r = withPlugin(s, p.name);
      if (r) return r;
    }
    return null;
  }

  /** RunFilterPlugins: the first plugin that does not answer Success decides. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.filter) {
      if (state.skipFilter.has(p.name)) continue;
      let s: Status | null;
      try {
        s = p.filter(state, pod, node);
      } catch (err) {
        s = asError(err);
      }
      const r = withPlugin(s, p.name);
      if (r) return r;
    }
    return null;
  }

  /** RunPostFilterPlugins: the first success wins; otherwise the rejections' messages. */
  runPostFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { result?: PostFilterResult; status: Status | null } {
    const reasons: string[] = [];
    for (const p of this.postFilter) {
      let out: { result?: PostFilterResult; status: Status | null };
      try {
        out = p.postFilter(state, pod, statuses);
      } catch (err) {
        out = { status: asError(err) };
      }
      if (!out.status || out.status.code === 'Success') return { result: out.result, status: null };
      if (out.status.code === 'Error') return { status: withPlugin(out.status, p.name) };
      reasons.push(...out.status.reasons);
    }
    return { status: reasons.length ? { code: 'Unschedulable', reasons } : { code: 'Unschedulable', reasons: [] } };
  }

  /** RunPreScorePlugins; Skip removes the plugin's Score for this cycle. */
  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === 'Skip') {
        state.skipScore.add(p.name);
        continue;
      }
      const r = withPlugin(s, p.name);
      if (r) return r;
    }
    return null;
  }

  /** RunScorePlugins + normalize + weights: the total score of each node. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): NodeScore[] {
    const totals: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const { p, weight } of this.score) {
      if (state.skipScore.has(p.name)) continue;
      const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: p.score(state, pod, n) }));
      p.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const s = Math.max(0, Math.min(MAX_NODE_SCORE, scores[i]!.score));
        totals[i]!.score += s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, node: string): Status | null {
    for (let i = 0; i < this.reserve.length; i++) {
      const p = this.reserve[i]!;
      const r = withPlugin(p.reserve(state, pod, node), p.name);
      if (r) {
        for (let j = i; j >= 0; j--) this.reserve[j]!.unreserve(state, pod, node);
        return r;
      }
    }
    return null;
  }

  runUnreserve(state: CycleState, pod: PodInfo, node: string): void {
    for (let j = this.reserve.length - 1; j >= 0; j--) this.reserve[j]!.unreserve(state, pod, node);
  }

  runPermit(state: CycleState, pod: PodInfo, node: string): Status | null {
    for (const p of this.permit) {
      const r = withPlugin(p.permit(state, pod, node), p.name);
      if (r) return r;
    }
    return null;
  }

  async runPreBind(state: CycleState, pod: PodInfo, node: string): Promise<Status | null> {
    for (const p of this.preBind) {
      const r = withPlugin(await p.preBind(state, pod, node), p.name);
      if (r) return r;
    }
    return null;
  }

  /** RunBindPlugins: the first binder that does not Skip binds. */
  async runBind(state: CycleState, pod: Pod, node: string): Promise<Status | null> {
    for (const p of this.bind) {
      const s = await p.bind(state, pod, node);
      if (s?.code === 'Skip') continue;
      return withPlugin(s, p.name);
    }
    return asError(new Error('no bind plugin bound the pod'));
  }
}
