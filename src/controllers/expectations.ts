/**
 * ControllerExpectations (pkg/controller/controller_utils.go): after a controller asks for N
 * creations or deletions it waits until its informer has seen them before acting on that owner
 * again, so a slow watch never makes it create the same pods twice. Expectations older than five
 * minutes are treated as met, so a lost event cannot wedge an owner forever.
 */
import type { Clock } from '../lib/clock.js';

const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** Whether the owner `key` may be synced: nothing pending, or what is pending has expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Sets what the owner now waits for (ExpectCreations / ExpectDeletions in one). */
  expect(key: string, creations: number, deletions = 0): void {
    this.byKey.set(key, { add: creations, del: deletions, at: this.clock.now() });
  }

  /** The informer saw one of the expected creations (or a create failed and never will be seen). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** The informer saw one of the expected deletions (or a delete failed). */
  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  /** Forgets the owner (it was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }
}
