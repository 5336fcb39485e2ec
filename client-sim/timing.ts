// When a node talks to the server, as update_engine's UpdateCheckScheduler and Zincati's FleetLock
// client decide it. All durations in seconds of simulated time. Pure functions: tests call them.
import { fuzz, type Random } from './random.ts';

/** First check after boot: 7 min ± 5 min. */
export const INITIAL_INTERVAL = 7 * 60;
/** Regular checks: 45 min ± 5 min. */
export const PERIODIC_INTERVAL = 45 * 60;
/** Fuzz range of the two above (± half of it). */
export const REGULAR_FUZZ = 10 * 60;
/** Longest interval: backoff and server-dictated intervals are capped here. */
const MAX_INTERVAL = 4 * 60 * 60;
/** libcurl retries a check that got no answer at all this often, this many seconds apart. */
export const NO_NETWORK_RETRIES = 3;
export const NO_NETWORK_RETRY_DELAY = 10;
/** Zincati retries FleetLock calls every 300 s plus 0–10 % jitter. */
const FLEETLOCK_RETRY = 300;

/** What the scheduler knows after a check: it decides the next one from this alone. */
export interface CheckOutcome {
  /** Unfuzzed interval used to schedule the check that just ran. */
  lastInterval: number;
  /** `updatecheck@PollInterval` of the last answer, 0 when absent or unparsable. */
  pollInterval: number;
  /** HTTP status of the last check, 0 when there was no answer. */
  httpStatus: number;
}

/** The unfuzzed interval and the fuzz range of the next check (UpdateCheckScheduler rules). */
export function nextCheckInterval(o: CheckOutcome): { interval: number; fuzz: number } {
  let interval = 0;
  if (o.pollInterval > 0) interval = o.pollInterval;
  else if (o.httpStatus === 500 || o.httpStatus === 503) interval = 2 * o.lastInterval;
  if (interval > MAX_INTERVAL) interval = MAX_INTERVAL;
  // Backoff and server-dictated intervals are fuzzed by ± interval/2; below the periodic interval the
  // regular interval and fuzz apply.
  if (interval < PERIODIC_INTERVAL) return { interval: PERIODIC_INTERVAL, fuzz: REGULAR_FUZZ };
  return { interval, fuzz: interval };
}

/** Delay of the first check after boot. */
export function firstCheckDelay(rng: Random): number {
  return fuzz(rng, INITIAL_INTERVAL, REGULAR_FUZZ);
}

/** Delay before retrying a refused FleetLock call. */
export function fleetlockRetryDelay(rng: Random): number {
  return FLEETLOCK_RETRY * (1 + 0.1 * rng.float());
}
