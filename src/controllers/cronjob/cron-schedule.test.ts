import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStandard } from './cron-schedule.js';
import { Zone } from './zoned-time.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

describe('parseStandard + next, as robfig/cron v3', () => {
  const cases: [string, string, string, string?][] = [
    // [schedule, from, expected next (UTC), zone]
    ['*/15 * * * *', '2026-01-01T00:07:00Z', '2026-01-01T00:15:00Z'],
    ['*/15 * * * *', '2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z'],
    ['5/20 * * * *', '2026-01-01T00:26:00Z', '2026-01-01T00:45:00Z'],
    ['0 9 * * MON-FRI', '2026-01-03T10:00:00Z', '2026-01-05T09:00:00Z'],
    ['30 6-16/4 * * 1-5', '2026-01-05T11:00:00Z', '2026-01-05T14:30:00Z'],
    ['0 0 1,15 * *', '2026-01-02T00:00:00Z', '2026-01-15T00:00:00Z'],
    ['0 12 * jan,JUL *', '2026-02-01T00:00:00Z', '2026-07-01T12:00:00Z'],
    ['0 0 13 * 5', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
    ['0 0 13 * *', '2026-01-01T00:00:00Z', '2026-01-13T00:00:00Z'],
    ['0 0 29 2 *', '2026-01-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['0 0 ? * SUN', '2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z'],
    ['@hourly', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'],
    ['@daily', '2026-01-01T05:00:00Z', '2026-01-02T00:00:00Z'],
    ['@midnight', '2026-01-01T05:00:00Z', '2026-01-02T00:00:00Z'],
    ['@weekly', '2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z'],
    ['@monthly', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
    ['@yearly', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['@annually', '2026-06-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['@every 90m', '2026-01-01T00:00:00Z', '2026-01-01T01:30:00Z'],
    ['TZ=America/New_York 0 9 * * *', '2026-01-01T00:00:00Z', '2026-01-01T14:00:00Z'],
    ['CRON_TZ=Asia/Tokyo 0 9 * * *', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
    ['0 9 * * *', '2026-01-01T00:00:00Z', '2026-01-01T14:00:00Z', 'America/New_York'],
    ['0 9 * * *', '2026-07-01T00:00:00Z', '2026-07-01T13:00:00Z', 'America/New_York'],
    // Spring forward (2026-03-08): 02:30 does not exist in New York, so that day is skipped.
    ['30 2 * * *', '2026-03-07T08:00:00Z', '2026-03-09T06:30:00Z', 'America/New_York'],
    // Across the change, the 09:00 local run moves from 14:00Z to 13:00Z.
    ['0 9 * * *', '2026-03-07T15:00:00Z', '2026-03-08T13:00:00Z', 'America/New_York'],
    // Fall back (2026-11-01): 01:00 happens twice and robfig runs both (EDT then EST).
    ['0 1 * * *', '2026-11-01T04:00:00Z', '2026-11-01T05:00:00Z', 'America/New_York'],
    ['0 1 * * *', '2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z', 'America/New_York'],
    ['0 1 * * *', '2026-11-01T06:00:00Z', '2026-11-02T06:00:00Z', 'America/New_York'],
  ];
  for (const [spec, from, want, tz] of cases) {
    it(`${spec}${tz ? ` in ${tz}` : ''} after ${from}`, () => {
      assert.equal(iso(parseStandard(spec, Zone.load(tz ?? '')).next(Date.parse(from))), want);
    });
  }

  it('an impossible date never comes', () => {
    assert.equal(parseStandard('0 0 30 2 *').next(Date.parse('2026-01-01T00:00:00Z')), undefined);
  });

  const errors: [string, string][] = [
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=Mars/Olympus 0 * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ['', 'empty spec string'],
  ];
  for (const [spec, message] of errors) it(`rejects ${JSON.stringify(spec)}`, () => assert.throws(() => parseStandard(spec), { message }));
});

describe('Zone', () => {
  it('writes RFC 3339 with the local offset, Z at offset zero', () => {
    const at = Date.parse('2026-01-01T14:00:00Z');
    assert.equal(Zone.load('America/New_York').rfc3339(at), '2026-01-01T09:00:00-05:00');
    assert.equal(Zone.load('Asia/Kolkata').rfc3339(at), '2026-01-01T19:30:00+05:30');
    assert.equal(Zone.load('Europe/London').rfc3339(at), '2026-01-01T14:00:00Z');
    assert.equal(Zone.load('').rfc3339(at), '2026-01-01T14:00:00Z');
  });
  it('rejects unknown zones and Local', () => {
    assert.throws(() => Zone.load('Nowhere/City'), { message: 'unknown time zone Nowhere/City' });
    assert.throws(() => Zone.load('Local'), { message: 'unknown time zone Local' });
  });
});
