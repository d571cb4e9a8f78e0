/**
 * Opens a store from a URL, through one registry table of drivers keyed by URL scheme (as kine
 * registers its drivers):
 *
 * - `sqlite:PATH[?synchronous=normal|full]`: the embedded SQLite store; a relative PATH resolves
 *   against dataDir, an empty one is `${dataDir}/state.db` (`sqlite://` + absolute path also
 *   works). Directories are created. `synchronous=full` fsyncs every commit (durable across power
 *   loss); the default, normal, is durable across process crashes (see sqlite-store.ts).
 * - `etcd://host:port[,host:port...][?prefix=/x]`: an etcd cluster; `prefix` puts every key under
 *   /x (see {@link prefixed}).
 * - `memory:`: an empty in-memory store, gone when the process exits.
 *
 * Adding a backend is one line in DRIVERS.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { openEtcdStore } from './etcd/etcd-store.js';
import { openMemoryStore } from './memory/memory-store.js';
import { prefixed } from './prefixed.js';
import { openSqliteStore, SQLITE_SYNCHRONOUS, type SqliteSynchronous } from './sqlite/sqlite-store.js';
import type { Store, StoreOpener } from './types.js';

export { prefixed, type PrefixedOptions } from './prefixed.js';

const DRIVERS: Record<string, StoreOpener> = {
  sqlite: (rest, { dataDir }) => {
    const [location = '', query = ''] = rest.split('?', 2);
    const path = location.startsWith('//') ? location.slice(2) : location;
    const opts = { synchronous: sqliteSynchronous(new URLSearchParams(query)) };
    if (path === '') return openSqliteStore(join(dataDir, 'state.db'), opts);
    return openSqliteStore(isAbsolute(path) ? path : resolve(dataDir, path), opts);
  },
  etcd: async (rest) => {
    const [hosts = '', query = ''] = rest.split('?', 2);
    const prefix = new URLSearchParams(query).get('prefix');
    const store = await openEtcdStore(hosts);
    return prefix ? prefixed(store, prefix, { ownsInner: true }) : store;
  },
  memory: () => openMemoryStore(),
};

function sqliteSynchronous(params: URLSearchParams): SqliteSynchronous {
  for (const name of params.keys()) {
    if (name !== 'synchronous') throw new Error(`unsupported sqlite store parameter ${JSON.stringify(name)}: expected synchronous=${SQLITE_SYNCHRONOUS.join('|')}`);
  }
  const value = (params.get('synchronous') ?? 'normal').toLowerCase();
  const known = SQLITE_SYNCHRONOUS.find((s) => s === value);
  if (!known) throw new Error(`unsupported sqlite synchronous=${JSON.stringify(value)}: expected one of ${SQLITE_SYNCHRONOUS.join(', ')}`);
  return known;
}

/** The URL schemes openStore accepts. */
export const STORE_SCHEMES: readonly string[] = Object.keys(DRIVERS);

/** Opens the store a URL names; an unknown scheme is an Error listing the accepted ones. */
export async function openStore(url: string, opts: { dataDir: string }): Promise<Store> {
  const colon = url.indexOf(':');
  const scheme = colon > 0 ? url.slice(0, colon) : '';
  const driver = Object.hasOwn(DRIVERS, scheme) ? DRIVERS[scheme] : undefined;
  if (!driver) {
    throw new Error(
      `unsupported store URL ${JSON.stringify(url)}: expected one of ${STORE_SCHEMES.map((s) => `${s}:`).join(', ')} ` +
        '(e.g. sqlite:state.db, etcd://127.0.0.1:2379, memory:)',
    );
  }
  return driver(url.slice(colon + 1), opts);
}
