// Turns what operators write into TimeWindow values, and back. Accepts Platte's form
// ({ days: "Mon-Fri", start: "04:00", length: "1h30m", zone: "Europe/Berlin" }) and locksmith's
// (REBOOT_WINDOW_START "Thu 04:00" or "04:00" with REBOOT_WINDOW_LENGTH "1h").
import { formatMinutes, parseMinutes } from '../duration.ts';
import type { TimeWindow } from './windows.ts';
import { isValidZone } from './zone.ts';

export class WindowError extends Error {}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MAX_LENGTH_MINUTES = 7 * 1440;

const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function parseDay(text: string): number {
  const t = text.trim().toLowerCase();
  const i = DAY_NAMES.indexOf(t) >= 0 ? DAY_NAMES.indexOf(t) : FULL_NAMES.indexOf(t);
  if (i < 0) throw new WindowError(`unknown day "${text}" (use Mon, Tue, … or Monday, …)`);
  return i;
}

/** `Mon-Fri`, `mon,wed,fri`, `Sat` or a list of those; `*` / `daily` / empty = every day. */
export function parseDays(input: string | readonly string[] | undefined): number[] {
  if (input === undefined) return [];
  const items = (typeof input === 'string' ? input.split(',') : input.flatMap((s) => s.split(','))).map((s) => s.trim()).filter(Boolean);
  const days = new Set<number>();
  for (const item of items) {
    if (item === '*' || item.toLowerCase() === 'daily') return [];
    const range = /^([a-z]+)\s*-\s*([a-z]+)$/i.exec(item);
    if (range) {
      const from = parseDay(range[1] as string);
      const to = parseDay(range[2] as string);
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else days.add(parseDay(item));
  }
  return days.size === 7 ? [] : [...days].sort((a, b) => a - b);
}

/** `04:00`, `4:00` or locksmith's `Thu 04:00` → the weekday (if given) and minutes after midnight. */
function parseStart(text: string): { day: number | null; minute: number } {
  const m = /^\s*(?:([a-z]+)\s+)?(\d{1,2}):(\d{2})\s*$/i.exec(text);
  if (!m) throw new WindowError(`bad start "${text}" (use HH:MM or "Thu 04:00")`);
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 23 || min > 59) throw new WindowError(`bad start "${text}": time out of range`);
  return { day: m[1] ? parseDay(m[1]) : null, minute: h * 60 + min };
}

export interface WindowInput {
  days?: string | string[];
  start: string;
  length: string | number;
  zone?: string;
}

/** Validates one window as written by an operator; throws WindowError with a message saying what is wrong. */
export function parseWindow(input: WindowInput): TimeWindow {
  const zone = input.zone ?? 'UTC';
  if (!isValidZone(zone)) throw new WindowError(`unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`);
  const start = parseStart(input.start);
  if (start.day !== null && input.days !== undefined) {
    throw new WindowError('give the weekday either in "start" (locksmith form "Thu 04:00") or in "days", not both');
  }
  const lengthMinutes = parseMinutes(input.length);
  if (lengthMinutes === null) throw new WindowError(`bad length "${input.length}" (use 1h30m, 45m, 2h or minutes)`);
  if (lengthMinutes > MAX_LENGTH_MINUTES) throw new WindowError('a window lasts at most 7 days');
  const days = start.day !== null ? [start.day] : parseDays(input.days);
  return { days, startMinute: start.minute, lengthMinutes, zone };
}

/** locksmith's REBOOT_WINDOW_START + REBOOT_WINDOW_LENGTH (host time zone there; here name it). */
export function parseLocksmithWindow(start: string, length: string, zone = 'UTC'): TimeWindow {
  return parseWindow({ start, length, zone });
}

export interface WindowView {
  days: string[];
  start: string;
  length: string;
  zone: string;
  /** One line, e.g. `Mon-Fri 04:00 for 1h30m (Europe/Berlin)`. */
  text: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function describeWindow(w: TimeWindow): WindowView {
  const start = `${pad(Math.floor(w.startMinute / 60))}:${pad(w.startMinute % 60)}`;
  const days = w.days.map((d) => DAY_LABELS[d] as string);
  const length = formatMinutes(w.lengthMinutes);
  const dayText = days.length === 0 ? 'daily' : days.join(',');
  return { days, start, length, zone: w.zone, text: `${dayText} ${start} for ${length} (${w.zone})` };
}

/** Formats an instant in a zone for humans: `Thu 2025-01-02 05:00 Europe/Berlin`. */
export function localText(t: number, zone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(t)) p[part.type] = part.value;
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${zone}`;
}
