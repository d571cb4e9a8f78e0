import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadOrCreateMasterSecret, MASTER_SECRET_FILE } from './master-key.js';

it('creates the master secret once (mode 0600), reads it back, and refuses a damaged file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kms-master-'));
  try {
    const path = join(dir, MASTER_SECRET_FILE);
    const first = await loadOrCreateMasterSecret(path);
    assert.equal(first.length, 32);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await loadOrCreateMasterSecret(path), first);
    await writeFile(path, Buffer.alloc(5));
    await assert.rejects(loadOrCreateMasterSecret(path), /must be 32 bytes, found 5/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
