// How times, durations and counts read on the page. "Now" is the server's (state/clock.ts): the
// times shown are the server's, and its clock may run faster than real time (the demo).
import { serverNow } from '../state/clock.ts';

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const nf = new Intl.NumberFormat();
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const count = (n: number) => nf.format(n);

export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (part / whole) * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

const toMs = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t));

/** "3 min ago", "in 2 hr". */
export function ago(t: number | string, now = serverNow()): string {
  const s = Math.round((toMs(t) - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return rtf.format(s, 'second');
  if (a < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 36 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

export const when = (t: number | string) => dtf.format(new Date(toMs(t)));

/** 5400000 → "1h 30m"; 0 → "none". */
export function duration(ms: number): string {
  if (ms <= 0) return 'none';
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean);
  return parts.length ? parts.join(' ') : `${s}s`;
}
