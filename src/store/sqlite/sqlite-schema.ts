/**
 * The SQLite backend's schema, SQL text and row decoding, kept apart from the store's behaviour.
 *
 * Layout (after k3s-io/kine): `log` is an append-only table whose INTEGER PRIMARY KEY
 * AUTOINCREMENT id IS the store revision; each row is one write (created / updated / deleted) and
 * carries the previous value, so a watch event is one row. `current` maps each live key to its
 * newest row, so ranges of the current state walk a small clustered index instead of grouping the
 * whole history. `meta` keeps the compacted revision. The highest revision ever issued lives in
 * sqlite_sequence, which AUTOINCREMENT never lets go backwards even when compaction or deletion
 * removes the newest rows.
 */
import { asBytes } from '../keys.js';
import type { KeyValue, WatchEvent } from '../types.js';

/** Idempotent DDL run at every open. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id, deleted);
CREATE TABLE IF NOT EXISTS current (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Columns of a key-value read, in this order: name, create_revision, id, value. */
const KV = 'l.name, l.create_revision, l.id, l.value';

/** A name range: `name >= lower` (or `> lower` when exclusive), `name < upper` when bounded. */
function names(col: string, exclusive: boolean, bounded: boolean): string {
  return `${col} ${exclusive ? '>' : '>='} ? ${bounded ? `AND ${col} < ?` : ''}`;
}

/** Every statement the store prepares; the functions pick the variant for bounded/unbounded name ranges. */
export const SQL = {
  revision: `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0) AS seq, COALESCE((SELECT MAX(id) FROM log), 0) AS max`,
  compacted: `SELECT value FROM meta WHERE key = 'compacted'`,
  setCompacted: `INSERT INTO meta (key, value) VALUES ('compacted', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  get: `SELECT ${KV} FROM current c JOIN log l ON l.id = c.id WHERE c.name = ?`,
  insert: `INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  setCurrent: `INSERT INTO current (name, id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET id = excluded.id`,
  unsetCurrent: `DELETE FROM current WHERE name = ?`,

  /** Current state in [lower, upper), in name order. Params: lower, [upper], limit. */
  rangeCurrent: (bounded: boolean) =>
    `SELECT ${KV} FROM current c JOIN log l ON l.id = c.id WHERE ${names('c.name', false, bounded)} ORDER BY c.name LIMIT ?`,
  /** Params: lower, [upper]. */
  countCurrent: (exclusive: boolean, bounded: boolean) =>
    `SELECT COUNT(*) FROM current c WHERE ${names('c.name', exclusive, bounded)}`,

  /**
   * State as of a revision: rows that are their name's newest at or below it, unless deletions.
   * Walks the (name, id, deleted) index in name order with one index seek per row, so a page
   * costs O(limit + history skipped), not a GROUP BY over the whole prefix. Params: lower,
   * [upper], rev, limit.
   */
  rangeAt: (bounded: boolean) =>
    `SELECT ${KV} FROM log l WHERE ${names('l.name', false, bounded)} AND l.deleted = 0
     AND l.id = (SELECT MAX(x.id) FROM log x WHERE x.name = l.name AND x.id <= ?) ORDER BY l.name LIMIT ?`,
  /** Params: lower, [upper], rev. Answered from the index alone. */
  countAt: (exclusive: boolean, bounded: boolean) =>
    `SELECT COUNT(*) FROM log l WHERE ${names('l.name', exclusive, bounded)} AND l.deleted = 0
     AND l.id = (SELECT MAX(x.id) FROM log x WHERE x.name = l.name AND x.id <= ?)`,

  /** Rows by revision for watch replay; walks the primary key, not the name index. Params: from, to, lower, [upper]. */
  events: (bounded: boolean) =>
    `SELECT id, name, created, deleted, create_revision, prev_revision, value, old_value FROM log NOT INDEXED
     WHERE id >= ? AND id <= ? AND ${names('name', false, bounded)} ORDER BY id`,

  /** Rows superseded by a newer row of the same name within [from, to]. Params: from, to. */
  compactSuperseded: `DELETE FROM log WHERE id IN (
     SELECT l.id FROM (SELECT name, MAX(id) AS mid FROM log WHERE id >= ? AND id <= ? GROUP BY name) m
     JOIN log l ON l.name = m.name AND l.id < m.mid)`,
  /** Deletion rows in [from, to): nothing at or after `to` can need them. Params: from, to. */
  compactTombstones: `DELETE FROM log WHERE id >= ? AND id < ? AND deleted = 1`,
} as const;

/** A raw `KV` row. */
export type KvRow = [name: string, createRevision: number, id: number, value: Buffer | null];

/** A `KV` row as a KeyValue. */
export function toKeyValue(row: KvRow): KeyValue {
  return { key: row[0], value: asBytes(row[3]), createRevision: row[1], modRevision: row[2] };
}

/** A raw `events` row. */
export type EventRow = [
  id: number,
  name: string,
  created: number,
  deleted: number,
  createRevision: number,
  prevRevision: number,
  value: Buffer | null,
  oldValue: Buffer | null,
];

/** A log row as the watch event it records (prev from old_value / prev_revision unless a creation). */
export function toEvent(row: EventRow): WatchEvent {
  const [id, key, created, deleted, createRevision, prevRevision, value, oldValue] = row;
  const prev: KeyValue | undefined = created
    ? undefined
    : { key, value: asBytes(oldValue), createRevision, modRevision: prevRevision };
  if (deleted) {
    return { type: 'delete', kv: { key, value: asBytes(oldValue), createRevision, modRevision: id }, prev };
  }
  const kv = { key, value: asBytes(value), createRevision, modRevision: id };
  return prev ? { type: 'put', kv, prev } : { type: 'put', kv };
}
