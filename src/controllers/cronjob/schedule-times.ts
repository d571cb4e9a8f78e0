/**
 * Which scheduled time a CronJob is due for, as cronjob/utils.go of kube-controller-manager:
 * the most recent activation not yet run (counting missed ones roughly, and flagging more than
 * 100 as "too many"), honouring startingDeadlineSeconds, and how long until the next one (plus
 * upstream's 100 ms nextScheduleDelta).
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Schedule } from './cron-schedule.js';

/** nextScheduleDelta: requeue this long after the activation so it is surely due. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed activations than this earn the TooManyMissedTimes warning. */
export const MANY_MISSED = 100;

/** The newest unmet activation and how many were missed (mostRecentScheduleTime). */
export interface MostRecent {
  earliest: number;
  mostRecent?: number;
  missed: 'none' | 'few' | 'many';
}

const parse = (t: string | undefined) => (t ? Date.parse(t) : undefined);

/**
 * mostRecentScheduleTime: from the last schedule time (or creation), the latest activation at or
 * before `now`; with `withDeadline`, nothing earlier than `now - startingDeadlineSeconds` counts.
 * Throws when two activations are less than a second apart (an impossible schedule).
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, withDeadline: boolean): MostRecent {
  let earliest = parse(cj.status?.lastScheduleTime) ?? parse(cj.metadata?.creationTimestamp) ?? now;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (withDeadline && deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
  const t1 = schedule.next(earliest);
  if (t1 === undefined || now < t1) return { earliest, missed: 'none' };
  const t2 = schedule.next(t1);
  if (t2 === undefined || now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  let mostRecent: number | undefined;
  for (let t = schedule.next(t1 + (missedCount - 2) * between * 1000); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed = missedCount > MANY_MISSED ? 'many' : 'few';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: ms from `now` until the activation after the most recent one (+100 ms). */
export function nextScheduleDelay(cj: CronJob, now: number, schedule: Schedule): number | undefined {
  let recent: MostRecent;
  try {
    recent = mostRecentScheduleTime(cj, now, schedule, false);
  } catch {
    return undefined;
  }
  const from = recent.mostRecent ?? recent.earliest;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}
