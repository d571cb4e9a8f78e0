/**
 * Wall-clock arithmetic in an IANA time zone, as much of Go's time package as robfig/cron's
 * SpecSchedule.Next needs: the local fields of an instant, and time.Date's normalisation of a
 * local date (including its choice inside a DST gap). Zones come from the runtime's Intl data.
 */

/** Local calendar fields of an instant (month 1–12, weekday 0 = Sunday). */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** A time zone: UTC, or an IANA name the runtime knows (time.LoadLocation). */
export class Zone {
  private readonly format: Intl.DateTimeFormat | undefined;

  private constructor(readonly name: string) {
    this.format =
      name === 'UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
  }

  private static readonly cache = new Map<string, Zone>();

  /** The zone `name` ('' and 'UTC' are UTC); throws `unknown time zone <name>` as Go does. */
  static load(name: string): Zone {
    const key = name === '' ? 'UTC' : name;
    let z = Zone.cache.get(key);
    if (z) return z;
    if (key.toLowerCase() === 'local') throw new Error(`unknown time zone ${name}`);
    try {
      z = new Zone(key);
    } catch {
      throw new Error(`unknown time zone ${name}`);
    }
    Zone.cache.set(key, z);
    return z;
  }

  /** The local fields at `ms`. */
  fields(ms: number): LocalFields {
    if (!this.format) {
      const d = new Date(ms);
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
    }
    const f: Partial<LocalFields> = {};
    for (const p of this.format.formatToParts(ms)) {
      if (p.type === 'weekday') f.weekday = WEEKDAYS[p.value] ?? 0;
      else if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') f[p.type] = Number(p.value);
    }
    return f as LocalFields;
  }

  /** Offset from UTC at `ms`, in ms (local = utc + offset). */
  offset(ms: number): number {
    if (!this.format) return 0;
    const f = this.fields(ms);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(ms / 1000) * 1000;
  }

  /**
   * time.Date(year, month, day, hour, minute, second, 0, zone): out-of-range fields carry over,
   * and a wall time that does not exist or exists twice is resolved as Go does (the offset in
   * force at the wall time read as UTC, corrected once if that instant falls outside it).
   */
  date(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    if (!this.format) return local;
    const first = this.offset(local);
    const second2 = this.offset(local - first);
    return local - (second2 === first ? first : second2);
  }

  /** The RFC 3339 text of `ms` in this zone (Go's time.RFC3339: `Z` at offset zero, else ±hh:mm). */
  rfc3339(ms: number): string {
    const f = this.fields(ms);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const base = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
    const off = Math.round(this.offset(ms) / 60_000);
    if (off === 0) return `${base}Z`;
    const sign = off < 0 ? '-' : '+';
    return `${base}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  }
}
