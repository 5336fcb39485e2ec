// The server's clock, as the page keeps it. Every answer carries `X-Platte-Clock: now=<ms>;rate=<r>`
// (platte/clock-header.ts): the server's time and how fast it runs against real time. The demo runs
// Platte on a simulated clock many times faster than real time; "5 min ago", a lease's time left
// and a step's soak left must be read against that clock, not the browser's. A real server clock
// says rate=1, and then this only corrects the browser's clock for the difference between the two.
// No browser or Preact code here: node tests import this file.

export const CLOCK_HEADER = 'X-Platte-Clock';

export interface ServerClock {
  /** The server's time when it answered, ms since the epoch. */
  now: number;
  /** Server milliseconds per real millisecond (1 for a real clock). */
  rate: number;
}

/** `now=1700000000000;rate=100` → { now, rate }; null when absent or malformed (rate must be > 0). */
export function parseClockHeader(value: string | null | undefined): ServerClock | null {
  if (!value) return null;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const now = Number(fields.get('now') ?? NaN);
  const rate = Number(fields.get('rate') ?? '1');
  if (!Number.isFinite(now) || now < 0 || !Number.isFinite(rate) || rate <= 0) return null;
  return { now, rate };
}

/** Where the server's clock was (`server`) at local instant `local`, and its rate. */
interface Anchor {
  server: number;
  local: number;
  rate: number;
}

/** The server's time at local instant `local`, from an anchor (the browser's own time without one). */
export function serverTimeAt(anchor: Anchor | null, local: number): number {
  return anchor ? anchor.server + (local - anchor.local) * anchor.rate : local;
}

let anchor: Anchor | null = null;

/**
 * Notes the clock an answer carried (api/client.ts calls it on each). Re-anchoring on every answer
 * keeps the estimate close when the server's rate is itself an estimate (the simulator's clock
 * slows down when the simulator is saturated).
 */
export function noteServerClock(header: string | null, local = Date.now()): void {
  const c = parseClockHeader(header);
  if (c) anchor = { server: c.now, local, rate: c.rate };
}

/** The server's time now, ms since the epoch: use it wherever the page would use Date.now(). */
export function serverNow(local = Date.now()): number {
  return serverTimeAt(anchor, local);
}
