import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { replicaIdentity } from './replica-identity.js';

test('a data directory is one replica: the same identity after a restart, another one elsewhere', async () => {
  const a = mkdtempSync(join(tmpdir(), 'replica-a-'));
  const b = mkdtempSync(join(tmpdir(), 'replica-b-'));
  try {
    const first = await replicaIdentity(a);
    assert.match(first, new RegExp(`^${hostname()}_[0-9a-f-]{36}$`));
    assert.equal(await replicaIdentity(a), first);
    assert.notEqual(await replicaIdentity(b), first);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});
