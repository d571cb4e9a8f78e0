/**
 * Child process for kill9.test.ts: opens the SQLite store at argv[2] and writes until killed,
 * from several concurrent workers (so group commit is exercised), printing one line per
 * acknowledged write: `<revision> <put|delete> <key> <value hex>`. A line is printed only after
 * the write's promise resolved, i.e. after its transaction committed; stdout to a pipe is
 * synchronous on Linux, so a printed line is an acknowledged write.
 */
import { SqliteStore } from './sqlite-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: kill9-writer.ts DB_PATH');
const store = new SqliteStore(path);
const say = (line: string) => process.stdout.write(`${line}\n`);
const hex = (v: Uint8Array) => Buffer.from(v).toString('hex');

async function worker(id: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `w/${process.pid}/${id}/${i}`;
    const v1 = Buffer.from(`${key} created ${Math.random()}`);
    const c = await store.create(key, v1);
    if (!c.ok) throw new Error(`create ${key} failed`);
    say(`${c.revision} put ${key} ${hex(v1)}`);
    const v2 = Buffer.from([id, i & 0xff, 0, 255, ...Buffer.from(' updated')]);
    const u = await store.update(key, v2, c.revision);
    if (!u.ok) throw new Error(`update ${key} failed`);
    say(`${u.revision} put ${key} ${hex(v2)}`);
    if (i % 3 === 0) {
      const d = await store.delete(key, u.revision);
      if (!d.ok) throw new Error(`delete ${key} failed`);
      say(`${d.revision} delete ${key} -`);
    }
  }
}

say(`ready ${await store.currentRevision()}`);
await Promise.all([1, 2, 3, 4, 5, 6].map(worker));
