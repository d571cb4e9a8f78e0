/**
 * Auto Scaling state in the store: groups of one account and region (scope service
 * `autoscaling`), their activities (one table per group name, keyed newest first), and a global
 * index of every group the reconciler scans after a restart.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../../store/types.js';
import { Table } from '../../state/table.js';
import { AsgErrors } from './errors.js';
import type { ActivityDoc, GroupDoc } from './model.js';

/** An entry of the global group index. */
export interface IndexEntry {
  account: string;
  region: string;
  name: string;
}

/** The index of all groups across accounts and regions. */
export function groupIndex(store: Store): Table<IndexEntry> {
  return new Table(store, { service: 'autoscaling', account: '_', type: 'group-index' });
}

/** The index id of a group. */
export function indexId(e: IndexEntry): string {
  return `${e.account}/${e.region}/${e.name}`;
}

/** The Auto Scaling state of one account and region. */
export class AsgRegion {
  readonly groups: Table<GroupDoc>;

  constructor(
    readonly store: Store,
    readonly account: string,
    readonly region: string,
  ) {
    this.groups = new Table(store, { service: 'autoscaling', account, region, type: 'group' });
  }

  /** Activities of the group named `name` (also after the group is deleted). */
  activities(name: string): Table<ActivityDoc> {
    return new Table(this.store, { service: 'autoscaling', account: this.account, region: this.region, type: `activity/${encodeURIComponent(name)}` });
  }

  /** The group, or undefined. */
  async find(name: string): Promise<GroupDoc | undefined> {
    return (await this.groups.get(name))?.value;
  }

  /** The group, or `missing()` thrown (the wording differs by operation). */
  async group(name: string, missing = () => AsgErrors.notFound(name)): Promise<GroupDoc> {
    const g = await this.find(name);
    if (!g) throw missing();
    return g;
  }

  async all(): Promise<GroupDoc[]> {
    return (await this.groups.list()).map((x) => x.value);
  }

  /** Records an activity made by {@link newActivity}. */
  async saveActivity(x: { key: string; activity: ActivityDoc }): Promise<void> {
    await this.activities(x.activity.AutoScalingGroupName).create(x.key, x.activity);
  }

  /**
   * Changes the group with compare-and-swap, writing only when the document really changed (the
   * reconciler looks at every group every interval). Undefined when the group is gone.
   */
  async change(name: string, fn: (g: GroupDoc) => GroupDoc): Promise<{ before: GroupDoc; after: GroupDoc } | undefined> {
    for (;;) {
      const cur = await this.groups.get(name);
      if (!cur) return undefined;
      const after = fn(cur.value);
      if (JSON.stringify(after) === JSON.stringify(cur.value)) return { before: cur.value, after: cur.value };
      if (await this.groups.update(name, after, cur.revision)) return { before: cur.value, after };
    }
  }

  /** Ends an activity (Successful unless told otherwise). */
  async finishActivity(name: string, key: string, now: number, status: ActivityDoc['StatusCode'] = 'Successful'): Promise<void> {
    await this.activities(name).modify(key, (a) => (a.EndTime ? a : { ...a, StatusCode: status, Progress: 100, EndTime: now }));
  }
}

/** A new activity of `g` and its key in the group's activity table (newest first). */
export function newActivity(g: GroupDoc, a: Omit<ActivityDoc, 'ActivityId' | 'AutoScalingGroupName' | 'AutoScalingGroupARN'>): { key: string; activity: ActivityDoc } {
  const activity: ActivityDoc = { ActivityId: randomUUID(), AutoScalingGroupName: g.name, AutoScalingGroupARN: g.arn, ...a };
  return { key: `${String(9e15 - a.StartTime).padStart(16, '0')}-${activity.ActivityId}`, activity };
}

/** `2026-01-02T03:04:05Z`, as activity causes write times. */
export function causeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
