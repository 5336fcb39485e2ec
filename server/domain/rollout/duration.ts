// Durations in rollout plans and group policies, as the API and the CLI take them: text with a unit
// ("90s", "30m", "2h", "1d", also "1.5h" or "2 hours": the `ms` package reads them) or a number of
// seconds. Kept in ms. A string of digits alone is refused: `ms` would read "600" as 600 ms, a
// reader as 600 s, so the unit has to be written.
import ms from 'ms';
import { z } from 'zod';

export const DURATION_HINT = 'a duration such as "90s", "30m", "2h", "1d", or a number of seconds';

export interface DurationBounds {
  /** Smallest accepted duration in ms (inclusive). */
  minMs: number;
  /** Largest accepted duration in ms (inclusive). */
  maxMs: number;
}

const DAY_MS = 86_400_000;
export const DEFAULT_BOUNDS: DurationBounds = { minMs: 1000, maxMs: 365 * DAY_MS };

/** ms of a duration text, or a message saying what is wrong with it. */
export function parseDurationText(text: string): number | string {
  if (/^\s*[+-]?\d+(\.\d+)?\s*$/.test(text)) return `"${text}" has no unit: write "${text.trim()}s", or give the seconds as a number`;
  let value: number | undefined;
  try {
    value = ms(text as ms.StringValue);
  } catch {
    value = undefined;
  }
  if (value === undefined || !Number.isFinite(value)) return `"${text}" is not ${DURATION_HINT}`;
  return value;
}

/** ms from what was written, or a message; checks whole seconds and the bounds. */
export function durationMs(input: string | number, bounds: DurationBounds = DEFAULT_BOUNDS): number | string {
  let value: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return `must be ${DURATION_HINT}`;
    value = input * 1000;
  } else {
    const parsed = parseDurationText(input);
    if (typeof parsed === 'string') return parsed;
    value = parsed;
  }
  if (!Number.isInteger(value / 1000)) return 'must be whole seconds';
  if (value < bounds.minMs) return `must be at least ${ms(bounds.minMs)}`;
  if (value > bounds.maxMs) return `must be at most ${ms(bounds.maxMs)}`;
  return value;
}

/** A zod field for a duration: accepts text or seconds, gives ms, names what is wrong. */
export function durationField(bounds: DurationBounds = DEFAULT_BOUNDS) {
  return z
    .union([z.string().max(32, 'must be at most 32 characters'), z.number()], { error: `must be ${DURATION_HINT}` })
    .transform((input, ctx) => {
      const out = durationMs(input, bounds);
      if (typeof out === 'string') {
        ctx.addIssue({ code: 'custom', message: out });
        return z.NEVER;
      }
      return out;
    });
}
