// Wall-clock arithmetic in IANA time zones through Intl (the runtime's tz database; no tables here).

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Minutes after local midnight, with the seconds as a fraction. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when the runtime knows `zone` (e.g. `Europe/Berlin`, `UTC`). */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time at instant `t` in `zone`. */
export function wallClock(t: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const year = parts.year as number;
  const month = parts.month as number;
  const day = parts.day as number;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const ms = ((t % 1000) + 1000) % 1000;
  const minute = (parts.hour as number) * 60 + (parts.minute as number) + ((parts.second as number) * 1000 + ms) / 60_000;
  return { year, month, day, weekday, minute };
}

/** Offset of `zone` from UTC at instant `t`, in ms (Berlin in winter: +3 600 000). */
function offsetAt(t: number, zone: string): number {
  const w = wallClock(t, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day) + Math.floor(w.minute) * 60_000;
  return asUtc - Math.floor(t / 60_000) * 60_000;
}

/**
 * The instant at which the clocks in `zone` show the given local date and minute of day. A local
 * time skipped by a DST change resolves to the instant just after the gap.
 */
export function zonedInstant(zone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  const guess = Date.UTC(year, month - 1, day) + minuteOfDay * 60_000;
  const first = guess - offsetAt(guess, zone);
  const second = guess - offsetAt(first, zone);
  return Math.max(first, second);
}
