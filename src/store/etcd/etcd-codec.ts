/**
 * Conversions between etcd's wire types (as the `etcd3` client exposes them: Buffers and int64
 * strings) and the store contract's types, and classification of etcd's errors.
 */
import type { IEvent, IKeyValue } from 'etcd3';
import { asBytes } from '../keys.js';
import type { KeyValue, WatchEvent } from '../types.js';

/** Bytes of a key or value for a request, without copying. */
export function bytes(value: Uint8Array | string): Buffer {
  return typeof value === 'string'
    ? Buffer.from(value, 'utf8')
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** An etcd key-value as a store KeyValue (UTF-8 key, plain Uint8Array value, numeric revisions). */
export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: asBytes(kv.value),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/**
 * An etcd watch event as a store event. etcd's delete event carries only the key and the
 * deletion revision; the contract's delete carries the deleted value, taken from prev_kv.
 */
export function toWatchEvent(ev: IEvent): WatchEvent {
  const kv = toKeyValue(ev.kv);
  const prev = ev.prev_kv ? toKeyValue(ev.prev_kv) : undefined;
  if (ev.type === 'Delete') {
    return {
      type: 'delete',
      kv: { key: kv.key, value: prev?.value ?? new Uint8Array(0), createRevision: prev?.createRevision ?? 0, modRevision: kv.modRevision },
      prev,
    };
  }
  return prev ? { type: 'put', kv, prev } : { type: 'put', kv };
}

/** etcd's ErrCompacted ("mvcc: required revision has been compacted"). */
export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

/** etcd's ErrFutureRev ("mvcc: required revision is a future revision"). */
export function isFutureRevisionError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision is a future revision');
}
