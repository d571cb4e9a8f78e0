import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { remainingBackoffMs } from './backoff.js';
import { firstPendingIndexes, formatIntervals, parseIntervals, withIndexes } from './indexes.js';
import { JOB_COMPLETION_INDEX } from './job-util.js';

const pod = (ix: number): Pod => ({ metadata: { annotations: { [JOB_COMPLETION_INDEX]: String(ix) } } });

describe('completed indexes', () => {
  it('formats as upstream: ranges, and two neighbours with a comma', () => {
    assert.equal(formatIntervals(withIndexes([], [0, 1, 2, 4])), '0-2,4');
    assert.equal(formatIntervals(withIndexes([], [5, 6])), '5,6');
    assert.equal(formatIntervals(withIndexes(parseIntervals('0-2', 10), [3, 7])), '0-3,7');
  });
  it('parses and drops indexes beyond completions', () => {
    assert.deepEqual(parseIntervals('0-2,4,6-9', 8), [{ first: 0, last: 2 }, { first: 4, last: 4 }, { first: 6, last: 7 }]);
    assert.deepEqual(parseIntervals('1,2', 5), [{ first: 1, last: 2 }]);
  });
  it('picks the lowest indexes neither succeeded nor running', () => {
    assert.deepEqual(firstPendingIndexes(parseIntervals('0,2', 6), [pod(1), pod(4)], 3, 6), [3, 5]);
    assert.deepEqual(firstPendingIndexes([], [], 2, 6), [0, 1]);
  });
});

describe('pod failure back-off', () => {
  it('is 10 s doubling per failure since the last success, capped at 10 min', () => {
    const at = 1_000_000;
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 0 }, at), 0);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 1, lastFailureTime: at }, at), 10_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 3, lastFailureTime: at }, at + 5_000), 35_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 20, lastFailureTime: at }, at), 600_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 2, lastFailureTime: at }, at + 30_000), 0);
  });
});
