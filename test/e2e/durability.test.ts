/**
 * Nothing acknowledged is lost: the server is SIGKILLed in the middle of a stream of writes and,
 * after a restart on the same data directory, every write it acknowledged is there — with SQLite's
 * default synchronous=NORMAL and with `?synchronous=full`. A store URL parameter the SQLite store
 * does not know stops the server with a message saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { adminClient, freePort, startApiServer } from './harness.js';

it('keeps every acknowledged write across kill -9 (SQLite)', () => killNineKeepsAcknowledgedWrites());

it('keeps every acknowledged write across kill -9 (SQLite, synchronous=full)', () => killNineKeepsAcknowledgedWrites('sqlite:state.db?synchronous=full'));

it('refuses a SQLite store URL parameter it does not know, saying which', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksplane-e2e-store-'));
  try {
    const bin = new URL('../../bin/eksplane.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'apiserver', '--port', '0', '--data-dir', dir, '--store', 'sqlite:state.db?synchronous=off'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unsupported sqlite synchronous="off": expected one of normal, full/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function killNineKeepsAcknowledgedWrites(store?: string): Promise<void> {
  const port = await freePort();
  const s = await startApiServer({ port, store });
  const call = await adminClient(s.kubeconfig);
  const acked = new Map<string, string>();
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}-${i}`;
      try {
        const r = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name }, data: { v: String(i) } });
        if (r.status === 201) acked.set(name, r.body.metadata.resourceVersion);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = [0, 1, 2, 3, 4, 5, 6, 7].map(writer);
  while (acked.size < 300) await new Promise((r) => setTimeout(r, 20));
  await s.stop({ kill: true });
  stop = true;
  await Promise.all(writers);
  const restarted = await startApiServer({ port, dir: s.dir, store });
  try {
    const call2 = await adminClient(restarted.kubeconfig);
    const list = await call2('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(list.status, 200);
    const stored = new Map<string, string>(list.body.items.map((o: any) => [o.metadata.name, o.metadata.resourceVersion]));
    const lost = [...acked.keys()].filter((k) => !stored.has(k));
    assert.deepEqual(lost, [], `${lost.length} acknowledged writes lost of ${acked.size}`);
    for (const [k, rv] of acked) assert.equal(stored.get(k), rv, `${k} has its acknowledged resourceVersion`);
    const after = await call2('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-restart' } });
    assert.equal(after.status, 201);
    assert.ok(Number(after.body.metadata.resourceVersion) > Math.max(...[...acked.values()].map(Number)), 'revisions keep growing');
  } finally {
    await restarted.cleanup();
  }
}
