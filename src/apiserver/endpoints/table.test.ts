import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { events } from '../registry/core/events.js';
import { configmaps } from '../registry/core/configmaps.js';
import { podtemplates } from '../registry/core/more.js';
import { table, tableRow } from './table.js';

const names = (t: object) => (t as { columnDefinitions: { name: string; priority: number }[] }).columnDefinitions.map((c) => `${c.name}${c.priority ? '*' : ''}`);
const now = Date.parse('2024-01-01T00:01:00Z');

describe('Table columns as upstream 1.32 printers', () => {
  it('puts Name first and Age last by default', () => {
    const t = table(configmaps, [], {});
    assert.deepEqual(names(t), ['Name', 'Data', 'Age']);
    const row = tableRow(configmaps, { metadata: { name: 'c', creationTimestamp: '2024-01-01T00:00:00Z' }, data: { a: 'b' } }, now, 'None');
    assert.deepEqual(row.cells, ['c', 1, '60s']);
  });

  it('prints the events Name column last, only with -o wide', () => {
    assert.deepEqual(names(table(events, [], {})), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
    const ev = { metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Started', message: 'm', type: 'Normal' };
    const cells = tableRow(events, ev, now, 'None').cells;
    assert.equal(cells.length, 10);
    assert.equal(cells.at(-1), 'web.1');
    assert.equal(cells[3], 'pod/web');
  });

  it('gives podtemplates no Age column', () => {
    assert.deepEqual(names(table(podtemplates, [], {})), ['Name', 'Containers', 'Images', 'Pod Labels']);
    const pt = { metadata: { name: 'p' }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } };
    assert.deepEqual(tableRow(podtemplates, pt, now, 'None').cells, ['p', 'c', 'i', 'a=b']);
  });
});
