import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'eksplane-checkpointer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A WAL database shaped like the store's log (a 2 KB value and its previous value per row). */
function walDb(): { db: Database.Database; path: string; write(i: number): number } {
  const path = join(dir, `db-${++n}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('journal_size_limit = 1048576');
  db.exec('CREATE TABLE log (id INTEGER PRIMARY KEY, name TEXT, value BLOB, old_value BLOB); CREATE INDEX log_name ON log (name, id)');
  const insert = db.prepare('INSERT INTO log (name, value, old_value) VALUES (?, ?, ?)');
  const value = Buffer.alloc(2048, 7);
  const commit = db.transaction((i: number) => insert.run(`/k/${i % 200}`, value, value));
  return {
    db,
    path,
    write(i) {
      commit(i);
      return 2 * value.byteLength;
    },
  };
}

const walBytes = (path: string) => statSync(`${path}-wal`).size;
const until = async (pred: () => boolean, what: string) => {
  for (let i = 0; !pred(); i++) {
    if (i > 500) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('checkpointer: SQLite stops checkpointing inside commits; a worker thread checkpoints once enough was written', async () => {
  const { db, path, write } = walDb();
  const cp = new Checkpointer(db, path, { synchronous: 'NORMAL', busyTimeoutMs: 1000, everyBytes: 256 << 10 });
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  for (let i = 0; i < 50; i++) cp.committed(write(i)); // 200 KB: not yet
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(cp.counts.worker, 0);
  for (let i = 50; i < 100; i++) cp.committed(write(i));
  await until(() => cp.counts.worker === 1, "the worker's checkpoint");
  // Every frame of the WAL is in the database file now: this thread's own checkpoint finds nothing left.
  const [mine] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  assert.equal(mine!.checkpointed, mine!.log);
  await cp.close();
  db.close();
});

test('checkpointer: under writes that never pause, the WAL still starts over instead of growing without bound', async () => {
  const { db, path, write } = walDb();
  const cp = new Checkpointer(db, path, { synchronous: 'NORMAL', busyTimeoutMs: 1000, everyBytes: 256 << 10, restartFrames: 500 });
  let largest = 0;
  // ~40 MB of rows, written far faster than a server writes, without ever leaving the event loop
  // idle for longer than a tick: the worker's checkpoints always overlap new writes.
  for (let i = 0; i < 10_000; i++) {
    cp.committed(write(i));
    if (i % 25 === 0) {
      await new Promise((r) => setImmediate(r));
      // The worker starts (~0.1 s) and catches up over the first half; the second half is the steady state.
      if (i >= 5000) largest = Math.max(largest, walBytes(path));
    }
  }
  assert.ok(cp.counts.restarts > 0, `restarts: ${cp.counts.restarts}, worker checkpoints: ${cp.counts.worker}`);
  // Without the restarts the WAL file would by then hold every row written (~40 MB).
  assert.ok(largest < 8 << 20, `the WAL reached ${largest} bytes`);
  await cp.close();
  db.close();
});

test('checkpointer: when the worker cannot work, SQLite checkpoints inside commits again', async () => {
  const { db, write } = walDb();
  const notADatabase = join(dir, `dir-${++n}`);
  mkdirSync(notADatabase);
  const cp = new Checkpointer(db, notADatabase, { synchronous: 'NORMAL', busyTimeoutMs: 100, everyBytes: 1 });
  cp.committed(write(0));
  await until(() => !cp.offThread, 'the fallback');
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  await cp.close();
  db.close();
});
