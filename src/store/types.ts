/**
 * The store contract: a resource-blind, revisioned key-value log with etcd v3 semantics.
 *
 * - One global revision grows by exactly one with every successful write (create, update or delete),
 *   across all keys, starting at 1 for the first write of an empty store.
 * - Writes are compare-and-swap: create fails if the key exists; update and delete are guarded by
 *   the key's current modRevision. A failed guard is a result (`ok: false`), never an exception.
 * - Reads can be served at a past revision until it is compacted: after `compact(C)`, a range at a
 *   revision < C, or a watch with startRevision < C, fails with {@link CompactedError} (as etcd).
 *
 * Nothing above `store/` knows which backend it talks to (shared/ARCHITECTURE.md rule 3).
 */

/** One key's value at one revision. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key (for a deletion event: the deletion's revision). */
  modRevision: number;
}

/** Result of a guarded write. `current` is the key's state when the guard failed (absent: no such key). */
export type WriteResult =
  | { ok: true; revision: number; kv: KeyValue }
  | { ok: false; current?: KeyValue };

/** Result of a guarded delete; `prev` is the value that was deleted. */
export type DeleteResult =
  | { ok: true; revision: number; prev: KeyValue }
  | { ok: false; current?: KeyValue };

export interface RangeOptions {
  /** Read as of this revision (0 or absent: the current revision). */
  revision?: number;
  /** At most this many keys (0 or absent: no limit). */
  limit?: number;
  /** Start at this key (inclusive); must be inside the prefix. Used for `continue` tokens. */
  startKey?: string;
}

export interface RangeResult {
  /** Keys in ascending byte order of the key. */
  kvs: KeyValue[];
  /** The revision the range was served at. */
  revision: number;
  /** True when keys after the last one returned remain in the prefix at that revision. */
  more: boolean;
  /** How many keys in the prefix at that revision were not returned (after the last one). */
  remaining: number;
}

/**
 * A change seen by a watch. For `put`, `kv` is the new value and `prev` the previous one (absent on
 * creation, i.e. when kv.createRevision === kv.modRevision). For `delete`, `kv` carries the key,
 * the deletion's revision as modRevision, and the deleted value; `prev` is that deleted value too.
 */
export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prev?: KeyValue;
}

export interface WatchOptions {
  /** Deliver every event with revision >= this (inclusive, as etcd's start_revision). */
  startRevision: number;
  /** Called with events in strictly increasing revision order, with no gaps and no duplicates. */
  onEvents: (events: WatchEvent[]) => void;
  /** Called once if the watch cannot continue (e.g. CompactedError); no events follow. */
  onError: (err: Error) => void;
  /** Aborting stops the watch; no callbacks follow. */
  signal: AbortSignal;
  /**
   * false: the watcher needs no previous values, so events may come without `prev` and a delete's
   * `kv` with an empty value (etcd then streams each change once instead of twice: no prev_kv).
   * Default true. Backends that have the previous value at hand may still send it.
   */
  prevKv?: boolean;
}

export interface Store {
  /** The current revision (0 for an empty store that never had a write). */
  currentRevision(): Promise<number>;
  /** The latest compacted revision (0 if never compacted). Reads below it fail. */
  compactedRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  create(key: string, value: Uint8Array): Promise<WriteResult>;
  /** Replaces the value if the key's modRevision equals `expectedModRevision`. */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult>;
  /** Deletes the key; guarded when `expectedModRevision` is given. */
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;
  /** Keys that start with `prefix`. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Number of keys that start with `prefix`, at the current revision. */
  count(prefix: string): Promise<number>;
  /**
   * Watches keys that start with `prefix`. When startRevision < compactedRevision, `onError` gets a
   * CompactedError (asynchronously) and no events are delivered. A startRevision past the current
   * revision simply waits for that revision.
   */
  watch(prefix: string, opts: WatchOptions): void;
  /** Discards history below `revision`, keeping each key's value as of that revision. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

/** Reading or watching at a revision that compaction has discarded. */
export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = 'CompactedError';
  }
}

/** A revision in the future was asked for. */
export class FutureRevisionError extends Error {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`required revision ${requested} is a future revision (current ${current})`);
    this.name = 'FutureRevisionError';
  }
}

/** The backend is unreachable or failed; the operation may not have happened. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Opens a backend from the part of the store URL after the scheme (e.g. a path or host list). */
export type StoreOpener = (rest: string, opts: { dataDir: string }) => Promise<Store>;
