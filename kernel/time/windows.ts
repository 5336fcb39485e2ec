// Time windows (reboot windows, update windows): when they are open and when the next one opens. A window is defined on the wall
// clock of its own time zone (`Thu 04:00` for `1h` in Europe/Berlin means 04:00–05:00 Berlin time,
// summer or winter). No windows at all means "always open".
import { wallClock, zonedInstant } from './zone.ts';

/** A recurring window in a time zone, e.g. Mon–Fri 04:00 for 90 minutes in Europe/Berlin. */
export interface TimeWindow {
  /** 0 = Sunday … 6 = Saturday; every day when empty. */
  days: number[];
  /** Start as minutes after local midnight. */
  startMinute: number;
  /** Length in minutes, 1 … 7 days. */
  lengthMinutes: number;
  /** IANA time zone name. */
  zone: string;
}

const WEEK_MINUTES = 7 * 1440;

function dayList(w: TimeWindow): number[] {
  return w.days.length === 0 ? [0, 1, 2, 3, 4, 5, 6] : w.days;
}

function windowOpenAt(w: TimeWindow, now: number): boolean {
  const local = wallClock(now, w.zone);
  const nowWeek = local.weekday * 1440 + local.minute;
  for (const d of dayList(w)) {
    const since = (((nowWeek - (d * 1440 + w.startMinute)) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
    if (since < w.lengthMinutes) return true;
  }
  return false;
}

/** True when `now` lies inside at least one window, or when there are no windows. */
export function isOpen(windows: readonly TimeWindow[], now: number): boolean {
  return windows.length === 0 || windows.some((w) => windowOpenAt(w, now));
}

/** Start instants of `w` from the local day of `now` on, for eight days. */
function starts(w: TimeWindow, now: number): number[] {
  const today = wallClock(now, w.zone);
  const out: number[] = [];
  for (let k = -1; k <= 8; k++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    if (!dayList(w).includes(date.getUTCDay())) continue;
    out.push(zonedInstant(w.zone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.startMinute));
  }
  return out;
}

/** The first instant after `now` at which a window opens; null when there are no windows. */
export function nextOpening(windows: readonly TimeWindow[], now: number): number | null {
  let best: number | null = null;
  for (const w of windows) {
    for (const t of starts(w, now)) if (t > now && (best === null || t < best)) best = t;
  }
  return best;
}

/** When the window open at `now` closes (the latest end among open windows); null if none is open. */
export function currentClosing(windows: readonly TimeWindow[], now: number): number | null {
  let best: number | null = null;
  for (const w of windows) {
    for (const t of starts(w, now)) {
      const end = t + w.lengthMinutes * 60_000;
      if (t <= now && now < end && (best === null || end > best)) best = end;
    }
  }
  return best;
}
