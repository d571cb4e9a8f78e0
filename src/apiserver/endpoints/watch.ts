/**
 * WATCH: a chunked stream of JSON lines `{"type":…,"object":…}` from the watch cache. It starts
 * with synthetic ADDED events when no resourceVersion is given (or with sendInitialEvents, ended
 * by the initial-events-end BOOKMARK), replays history after a given resourceVersion (an ERROR
 * 410 when it is older than history), turns selector transitions into ADDED/DELETED, sends
 * bookmarks when asked, and ends cleanly at timeoutSeconds.
 */
import { badRequest, expired } from '../../apimachinery/errors.js';
import type { CacheEntry } from '../cache/entry.js';
import { TooOldError, type CacheEvent, type EventType } from '../cache/resource-cache.js';
import type { GenericStore } from '../registry/generic-store.js';
import { groupVersion } from '../registry/resource.js';
import type { ApiStream } from './types.js';
import type { Filter } from './filter.js';
import { parseRv } from './list.js';

export interface WatchParams {
  gs: GenericStore;
  namespace: string | undefined;
  filter: Filter;
  query: URLSearchParams;
  currentRev: () => number;
  /** Renders an object for an event (JSON as is, or a one-row Table). */
  render: (e: CacheEntry) => string;
  bookmarkIntervalMs?: number;
}

const DEFAULT_BOOKMARK_MS = 60_000;

export function openWatch(p: WatchParams): ApiStream {
  const { query } = p;
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents');
  const match = query.get('resourceVersionMatch') ?? '';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitial !== null) {
    if (match !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`);
    if (sendInitial === 'true' && !bookmarks) throw badRequest(`allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true`);
  } else if (match) {
    throw badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided`);
  }
  const rv = rvParam ? parseRv(rvParam) : 0;
  const initial = sendInitial === 'true' || (sendInitial === null && (rvParam === '' || rvParam === '0'));
  const timeoutSec = parseTimeout(query.get('timeoutSeconds'));
  const kind = p.gs.def.kind;
  const apiVersion = groupVersion(p.gs.def);

  return {
    contentType: 'application/json',
    run(write, signal) {
      return new Promise<void>((resolve) => {
        let done = false;
        let lastRev = 0;
        let cancel: () => void = () => {};
        const timers: NodeJS.Timeout[] = [];
        const finish = () => {
          if (done) return;
          done = true;
          cancel();
          for (const t of timers) clearTimeout(t), clearInterval(t);
          signal.removeEventListener('abort', finish);
          resolve();
        };
        const send = (line: string) => {
          if (!done && !write(line)) finish(); // the client cannot keep up: drop it, it will re-watch
        };
        const event = (type: EventType, e: CacheEntry) => send(eventLine(type, e, p.render(e)));
        const bookmark = (rev: number, annotations?: Record<string, string>) =>
          send(`{"type":"BOOKMARK","object":${JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: String(rev), ...(annotations ? { annotations } : {}) } })}}\n`);
        signal.addEventListener('abort', finish);
        if (signal.aborted) return finish();

        const cache = p.gs.cache;
        let from: number;
        if (initial) {
          // The snapshot and the watcher registration below happen in one tick: nothing slips between.
          from = Math.max(rv, p.currentRev());
          const list = p.filter.name !== undefined && (p.namespace !== undefined || !p.gs.def.namespaced)
            ? [cache.entries.get(p.gs.key(p.namespace, p.filter.name))].filter((e): e is CacheEntry => !!e)
            : cache.select({ namespace: p.namespace, index: p.filter.index });
          for (const e of list) if (p.filter.everything || p.filter.matches(e.obj)) event('ADDED', e);
          if (sendInitial === 'true') bookmark(from, { 'k8s.io/initial-events-end': 'true' });
        } else {
          from = rv;
        }
        lastRev = from;
        try {
          cancel = cache.watch(from, {
            namespace: p.gs.def.namespaced ? p.namespace : undefined,
            deliver: (evs: CacheEvent[]) => {
              for (const ev of evs) {
                lastRev = ev.entry.rev;
                const now = p.filter.everything || p.filter.matches(ev.entry.obj);
                if (ev.type === 'ADDED') {
                  if (now) event('ADDED', ev.entry);
                } else if (ev.type === 'DELETED') {
                  if (now) event('DELETED', ev.entry);
                } else {
                  const before = ev.prev ? p.filter.everything || p.filter.matches(ev.prev.obj) : false;
                  if (now && before) event('MODIFIED', ev.entry);
                  else if (now) event('ADDED', ev.entry);
                  else if (before) event('DELETED', ev.entry);
                }
              }
            },
            progress: (r) => {
              lastRev = Math.max(lastRev, r);
            },
          });
        } catch (e) {
          if (e instanceof TooOldError) {
            const st = expired(e.message).toStatus();
            send(`{"type":"ERROR","object":${JSON.stringify(st)}}\n`);
            finish();
            return;
          }
          throw e;
        }
        if (bookmarks) {
          const iv = setInterval(() => bookmark(Math.max(lastRev, p.currentRev())), p.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_MS);
          iv.unref();
          timers.push(iv);
        }
        const t = setTimeout(() => {
          if (bookmarks) bookmark(Math.max(lastRev, p.currentRev()));
          finish();
        }, timeoutSec * 1000);
        t.unref();
        timers.push(t);
      });
    },
  };
}

/**
 * Event lines built in this tick, per entry and type. An event fanned out to 1,000 watchers is
 * then one string, built once, which the HTTP layer also encodes once (by identity) instead of
 * once per watcher. Cleared every tick so it never holds on to objects the cache let go of.
 */
let lines = new Map<CacheEntry, Partial<Record<EventType, string>>>();

/** `{"type":…,"object":…}\n` for an entry; shared by every watcher that renders the entry as its JSON. */
function eventLine(type: EventType, e: CacheEntry, rendered: string): string {
  if (rendered !== e.json) return `{"type":"${type}","object":${rendered}}\n`; // a Table row: per watcher
  let byType = lines.get(e);
  if (!byType) {
    if (lines.size === 0) setImmediate(() => (lines = new Map()));
    lines.set(e, (byType = {}));
  }
  return (byType[type] ??= `{"type":"${type}","object":${rendered}}\n`);
}

/** timeoutSeconds, or upstream's default of a random duration in [30 min, 60 min). */
function parseTimeout(s: string | null): number {
  if (s === null || s === '') return 1800 * (1 + Math.random());
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw badRequest(`timeoutSeconds: Invalid value: "${s}": must be a non-negative integer`);
  return n === 0 ? 1800 * (1 + Math.random()) : n;
}
