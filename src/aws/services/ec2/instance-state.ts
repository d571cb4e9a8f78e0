/**
 * An instance's state as of now, read lazily from its stored state and the time it entered it
 * (shared/ARCHITECTURE.md rules 5 and 6: no timers to lose on restart): pending becomes running
 * after the boot delay, stopping becomes stopped, shutting-down becomes terminated.
 */
import type { InstanceDoc, InstanceStateName } from './model.js';
import type { Ec2Timing } from './state.js';

/** EC2's state codes. */
export const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** The state now and since when. */
export function currentState(i: Pick<InstanceDoc, 'state' | 'since'>, now: number, t: Ec2Timing): { name: InstanceStateName; since: number } {
  const next: Partial<Record<InstanceStateName, [InstanceStateName, number]>> = {
    pending: ['running', t.instanceBootMs],
    stopping: ['stopped', t.instanceStopMs],
    'shutting-down': ['terminated', t.instanceTerminateMs],
  };
  const step = next[i.state];
  if (step && now >= i.since + step[1]) return { name: step[0], since: i.since + step[1] };
  return { name: i.state, since: i.since };
}

/** `{ Code, Name }` as the wire shows a state. */
export function stateWire(name: InstanceStateName): { Code: number; Name: InstanceStateName } {
  return { Code: STATE_CODES[name], Name: name };
}

/** Whether a terminated instance has been gone long enough to disappear from Describe answers. */
export function expired(i: Pick<InstanceDoc, 'state' | 'since'>, now: number, t: Ec2Timing): boolean {
  const s = currentState(i, now, t);
  return s.name === 'terminated' && now >= s.since + t.terminatedRetentionMs;
}
