import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { Table } from './table.js';

test('listContaining decodes only the documents whose JSON contains the text, in id order', async () => {
  const t = new Table<{ refs: string[]; note?: string }>(new MemoryStore(), { service: 'ec2', account: '1', region: 'r', type: 'doc' });
  await t.create('c', { refs: ['sg-2'] });
  await t.create('a', { refs: ['sg-1', 'sg-2'] });
  await t.create('b', { refs: ['sg-10'] });
  await t.create('d', { refs: [], note: 'say "sg-3"' });
  assert.deepEqual((await t.listContaining('sg-2')).map((r) => r.id), ['a', 'c']);
  // A candidate is only a candidate: 'sg-1' is inside 'sg-10' too; callers check the decoded value.
  assert.deepEqual((await t.listContaining('sg-1')).map((r) => r.id), ['a', 'b']);
  assert.deepEqual((await t.listContaining('"sg-3"')).map((r) => r.value.note), ['say "sg-3"']);
  assert.deepEqual(await t.listContaining('sg-9'), []);
  assert.equal((await t.list()).length, 4);
});
