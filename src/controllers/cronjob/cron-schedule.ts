/**
 * The cron schedules CronJobs use, as robfig/cron v3's ParseStandard and SpecSchedule.Next that
 * kube-controller-manager runs: five fields (minute hour day-of-month month day-of-week) with
 * `*`, `?`, lists, ranges, steps (`N/step` means N to the field's end) and JAN–DEC / SUN–SAT
 * names; the descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly and
 * `@every <duration>`; an optional `TZ=` / `CRON_TZ=` prefix. Next walks month, day, hour, minute
 * in the schedule's zone the way the library does, so DST gaps skip a run and repeated hours run
 * twice exactly as upstream. Error texts are the library's.
 */
import { Zone } from './zoned-time.js';

/** A parsed schedule: the first activation strictly after `ms`, or undefined if none within five years. */
export interface Schedule {
  next(ms: number): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const STAR = 1n << 63n;
const MONTHS = Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1]));
const DAYS = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]));
const MINUTE: Bounds = { min: 0, max: 59 };
const HOUR: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTH: Bounds = { min: 1, max: 12, names: MONTHS };
const DOW: Bounds = { min: 0, max: 6, names: DAYS };

function bits(min: number, max: number, step: number): bigint {
  let b = 0n;
  for (let i = min; i <= max; i += step) b |= 1n << BigInt(i);
  return b;
}
const all = (r: Bounds) => bits(r.min, r.max, 1) | STAR;
const has = (set: bigint, i: number) => (set & (1n << BigInt(i))) !== 0n;

function parseUint(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, r: Bounds): number {
  const named = r.names?.[expr.toLowerCase()];
  return named ?? parseUint(expr);
}

/** getRange: one list element. */
function range(expr: string, r: Bounds): bigint {
  const rangeAndStep = expr.split('/');
  const lowHigh = rangeAndStep[0]!.split('-');
  const single = lowHigh.length === 1;
  let start: number;
  let end: number;
  let extra = 0n;
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = r.min;
    end = r.max;
    extra = STAR;
  } else {
    start = intOrName(lowHigh[0]!, r);
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) end = intOrName(lowHigh[1]!, r);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]!);
    if (single) end = r.max;
    if (step > 1) extra = 0n;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  return bits(start, end, step) | extra;
}

function field(expr: string, r: Bounds): bigint {
  let b = 0n;
  for (const part of expr.split(',')) b |= range(part, r);
  return b;
}

interface Spec {
  minute: bigint;
  hour: bigint;
  dom: bigint;
  month: bigint;
  dow: bigint;
}

const DESCRIPTORS: Record<string, Spec> = {
  '@yearly': { minute: 1n, hour: 1n, dom: 1n << 1n, month: 1n << 1n, dow: all(DOW) },
  '@monthly': { minute: 1n, hour: 1n, dom: 1n << 1n, month: all(MONTH), dow: all(DOW) },
  '@weekly': { minute: 1n, hour: 1n, dom: all(DOM), month: all(MONTH), dow: 1n },
  '@daily': { minute: 1n, hour: 1n, dom: all(DOM), month: all(MONTH), dow: all(DOW) },
  '@hourly': { minute: 1n, hour: all(HOUR), dom: all(DOM), month: all(MONTH), dow: all(DOW) },
};
DESCRIPTORS['@annually'] = DESCRIPTORS['@yearly']!;
DESCRIPTORS['@midnight'] = DESCRIPTORS['@daily']!;

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration for the units a schedule can use; milliseconds. */
function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let i = 0;
  if (text === '0') return 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`failed to parse duration ${text}: time: invalid duration ${JSON.stringify(text)}`);
    ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  if (!text) throw new Error(`failed to parse duration ${text}: time: invalid duration ""`);
  return ms;
}

/** SpecSchedule.dayMatches: with a `*` in either day field both must match, otherwise either. */
function dayMatches(s: Spec, dom: number, dow: number): boolean {
  const domMatch = has(s.dom, dom);
  const dowMatch = has(s.dow, dow);
  return (s.dom & STAR) !== 0n || (s.dow & STAR) !== 0n ? domMatch && dowMatch : domMatch || dowMatch;
}

/** SpecSchedule.Next in `zone` with second 0. */
function nextSpec(s: Spec, zone: Zone, from: number): number | undefined {
  // The upcoming whole second.
  let t = Math.floor(from / 1000) * 1000 + 1000;
  let added = false;
  const yearLimit = zone.fields(t).year + 5;
  wrap: for (;;) {
    let f = zone.fields(t);
    if (f.year > yearLimit) return undefined;
    while (!has(s.month, f.month)) {
      if (!added) {
        added = true;
        t = zone.date(f.year, f.month, 1);
        f = zone.fields(t);
      }
      t = zone.date(f.year, f.month + 1, f.day, f.hour, f.minute, f.second);
      f = zone.fields(t);
      if (f.month === 1) continue wrap;
    }
    while (!dayMatches(s, f.day, f.weekday)) {
      if (!added) {
        added = true;
        t = zone.date(f.year, f.month, f.day);
        f = zone.fields(t);
      }
      t = zone.date(f.year, f.month, f.day + 1, f.hour, f.minute, f.second);
      f = zone.fields(t);
      // Midnight moved by DST: back to it.
      if (f.hour !== 0) {
        t += (f.hour > 12 ? 24 - f.hour : -f.hour) * 3_600_000;
        f = zone.fields(t);
      }
      if (f.day === 1) continue wrap;
    }
    while (!has(s.hour, f.hour)) {
      if (!added) {
        added = true;
        t = zone.date(f.year, f.month, f.day, f.hour);
      }
      t += 3_600_000;
      f = zone.fields(t);
      if (f.hour === 0) continue wrap;
    }
    while (!has(s.minute, f.minute)) {
      if (!added) {
        added = true;
        t = Math.floor(t / 60_000) * 60_000;
      }
      t += 60_000;
      f = zone.fields(t);
      if (f.minute === 0) continue wrap;
    }
    while (f.second !== 0) {
      if (!added) {
        added = true;
        t = Math.floor(t / 1000) * 1000;
      }
      t += 1000;
      f = zone.fields(t);
      if (f.second === 0) continue wrap;
    }
    return t;
  }
}

/**
 * cron.ParseStandard: the schedule text (with an optional TZ prefix) to a Schedule, zoned in
 * `defaultZone` when the text names none. Throws the library's error text.
 */
export function parseStandard(text: string, defaultZone: Zone = Zone.load('UTC')): Schedule {
  if (text.length === 0) throw new Error('empty spec string');
  let spec = text;
  let zone = defaultZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = spec.slice(eq + 1, i < 0 ? undefined : i);
    try {
      zone = Zone.load(name);
    } catch (err) {
      throw new Error(`provided bad location ${name}: ${(err as Error).message}`);
    }
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const every = Math.max(1000, Math.floor(parseDuration(spec.slice(7)) / 1000) * 1000);
      return { next: (ms) => Math.floor(ms / 1000) * 1000 + every };
    }
    const d = DESCRIPTORS[spec];
    if (!d) throw new Error(`unrecognized descriptor: ${spec}`);
    return { next: (ms) => nextSpec(d, zone, ms) };
  }
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const s: Spec = { minute: field(fields[0]!, MINUTE), hour: field(fields[1]!, HOUR), dom: field(fields[2]!, DOM), month: field(fields[3]!, MONTH), dow: field(fields[4]!, DOW) };
  return { next: (ms) => nextSpec(s, zone, ms) };
}
