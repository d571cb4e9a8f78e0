/**
 * Durability under kill -9: a child process writes to the SQLite store and reports each
 * acknowledged write; after some hundreds it is SIGKILLed mid-stream. Reopening must show every
 * acknowledged write at its revision with its value, and new writes must continue after them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SqliteStore } from './sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

interface Ack {
  revision: number;
  type: 'put' | 'delete';
  key: string;
  value: string;
}

/** Runs the writer on `dbPath` and SIGKILLs it once `acks` writes were acknowledged. */
function writeUntilKilled(dbPath: string, acks: number): Promise<Ack[]> {
  return new Promise((resolveAcks, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'kill9-writer.ts'), dbPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const got: Ack[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a partial last line is not an acknowledgement
      for (const line of lines) {
        const [rev, type, key, value] = line.split(' ');
        if (rev === 'ready') continue;
        got.push({ revision: Number(rev), type: type as Ack['type'], key: key ?? '', value: value ?? '' });
      }
      if (!killed && got.length >= acks && child.pid !== undefined) {
        killed = true;
        process.kill(child.pid, 'SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolveAcks(got);
      else reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
}

test('sqlite: every acknowledged write survives kill -9', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksplane-kill9-'));
  try {
    const dbPath = join(dir, 'state.db');
    const first = await writeUntilKilled(dbPath, 600);
    const second = await writeUntilKilled(dbPath, 300); // reopen after a crash, crash again
    const acks = [...first, ...second];
    const store = new SqliteStore(dbPath);
    try {
      const current = await store.currentRevision();
      const last = Math.max(...acks.map((a) => a.revision));
      assert.ok(current >= last, `revision went backwards: ${current} < ${last}`);
      assert.ok(Math.min(...second.map((a) => a.revision)) > Math.max(...first.map((a) => a.revision)));
      assert.equal(new Set(acks.map((a) => a.revision)).size, acks.length, 'a revision was acknowledged twice');
      for (const a of acks) {
        const at = await store.range(a.key, { revision: a.revision });
        const kv = at.kvs.find((x) => x.key === a.key);
        if (a.type === 'delete') {
          assert.equal(kv, undefined, `${a.key} should be deleted at ${a.revision}`);
        } else {
          assert.ok(kv, `acknowledged write ${a.key}@${a.revision} is missing`);
          assert.equal(kv.modRevision, a.revision);
          assert.equal(Buffer.from(kv.value).toString('hex'), a.value, `${a.key}@${a.revision} has the wrong value`);
        }
      }
      const c = await store.create('after-crash', new Uint8Array([1]));
      assert.ok(c.ok);
      assert.equal(c.revision, current + 1);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
