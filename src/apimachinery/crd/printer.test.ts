import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customColumns, evaluateJSONPath, humanDuration } from './printer.js';
import { cronTabCRD } from './testdata.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const obj = {
  metadata: { name: 'my-cron', creationTimestamp: '2025-01-01T11:55:00Z', labels: { b: '2', a: '1' } },
  spec: { cronSpec: '* * * * */5', replicas: 3, ratio: 0.5 },
  status: { conditions: [{ type: 'Progressing', status: 'False' }, { type: 'Ready', status: 'True' }] },
};

describe('evaluateJSONPath', () => {
  const cases: [string, unknown[]][] = [
    ['.spec.replicas', [3]],
    ['{.spec.cronSpec}', ['* * * * */5']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    [".metadata.labels['a']", ['1']],
    ['.status.conditions[*].type', ['Progressing', 'Ready']],
    ['.status.conditions[1].type', ['Ready']],
    ['.spec.missing', []],
  ];
  for (const [path, want] of cases) it(path, () => assert.deepEqual(evaluateJSONPath(path, obj), want));
});

describe('customColumns', () => {
  it('the CronTab columns', () => {
    const cols = customColumns(cronTabCRD().spec!.versions![0]!.additionalPrinterColumns);
    assert.deepEqual(
      cols.map((c) => [c.name, c.type, c.cell(obj, NOW)]),
      [
        ['Spec', 'string', '* * * * */5'],
        ['Replicas', 'integer', 3],
        ['Ready', 'string', 'True'],
        ['Age', 'date', '5m'],
      ],
    );
    assert.equal(cols[2]!.description, 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status');
  });

  it('types, absent values and the default Age column', () => {
    const cols = customColumns([
      { name: 'R', type: 'number', jsonPath: '.spec.ratio' },
      { name: 'Bad', type: 'integer', jsonPath: '.spec.cronSpec' },
      { name: 'None', type: 'string', jsonPath: '.spec.nothing' },
      { name: 'Labels', type: 'string', jsonPath: '.metadata.labels' },
      { name: 'When', type: 'date', jsonPath: '.spec.cronSpec' },
    ]);
    assert.deepEqual(
      cols.map((c) => c.cell(obj, NOW)),
      [0.5, null, null, 'map[a:1 b:2]', '<invalid>'],
    );
    const def = customColumns(undefined);
    assert.deepEqual(def.map((c) => [c.name, c.type, c.cell(obj, NOW)]), [['Age', 'date', '5m']]);
  });

  it('humanDuration', () => {
    assert.deepEqual([90e3, 125e3, 3600e3 * 3.5, 86400e3 * 3].map(humanDuration), ['90s', '2m5s', '3h30m', '3d']);
  });
});
