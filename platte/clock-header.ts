// Every answer says what time the server thinks it is, and how fast that time runs against real
// time: `X-Platte-Clock: now=<ms since the epoch>;rate=<r>`. The dashboard computes "5 min ago",
// lease and soak times left in the browser; against a simulated server clock (the demo runs Platte
// on the simulator's, many times faster than real time) the browser's own Date.now() would be wrong,
// so the page follows this header instead. A real clock says rate=1.
import type { Middleware } from 'koa';

export const CLOCK_HEADER = 'X-Platte-Clock';

/** The header's value: whole milliseconds, and the rate with at most 3 decimals. */
export function clockHeaderValue(now: number, rate: number): string {
  return `now=${Math.floor(now)};rate=${Number(rate.toFixed(3))}`;
}

/**
 * Sets the header on every answer, errors included: first when the request arrives (a streamed
 * answer, the event stream, sends its headers before the chain returns), then again as the answer
 * leaves, so a slow answer carries the time it was made.
 */
export function clockHeader(now: () => number, rate: () => number = () => 1): Middleware {
  return async (ctx, next) => {
    ctx.set(CLOCK_HEADER, clockHeaderValue(now(), rate()));
    await next();
    if (!ctx.headerSent) ctx.set(CLOCK_HEADER, clockHeaderValue(now(), rate()));
  };
}
