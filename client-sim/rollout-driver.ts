// A simulated release manager and Platte's rollout job, on the simulator's clock: promotes a version
// with a rollout through the API, then runs the server's rollout rules every `everyMs` of simulated
// time (Platte's own job runs every 5 s of real time, which means nothing to a simulated clock) and
// reads the rollout after each pass, until a condition holds or the run stops it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminApi } from './admin-api.ts';
import type { RolloutSnapshot } from './rollout-view.ts';
import type { SimClock } from './sim-clock.ts';

export interface RolloutDriverOptions {
  api: AdminApi;
  /** App id as the API names it (no braces). */
  appId: string;
  channel: string;
  clock: SimClock;
  /** Runs the server's rollout rules once: `platte.evaluateRollouts` of an in-process Platte. */
  evaluate: () => Promise<unknown>;
  /** Simulated ms between two passes of the rules. */
  everyMs: number;
}

/** The body of `PUT …/channels/{channel}`: a version and, for a rollout, its plan. */
export type Promotion = Record<string, unknown> & { version: string };

/** Longest real sleep while waiting for a simulated instant, so stop() is noticed promptly. */
const MAX_SLEEP_MS = 20;

export class RolloutDriver {
  /** The rollout as last read. */
  latest: RolloutSnapshot | null = null;
  /** Passes of the rules run so far. */
  passes = 0;
  private stopped = false;

  constructor(private readonly opts: RolloutDriverOptions) {}

  private get channelPath(): string {
    return `/api/v1/apps/${encodeURIComponent(this.opts.appId)}/channels/${encodeURIComponent(this.opts.channel)}`;
  }

  /** Promotes (and so starts the rollout, when the body has one) now. */
  async promote(body: Promotion): Promise<void> {
    await this.opts.api.call('PUT', this.channelPath, body);
  }

  async read(): Promise<RolloutSnapshot> {
    const { rollout } = await this.opts.api.call<{ rollout: RolloutSnapshot }>('GET', `${this.channelPath}/rollout`);
    this.latest = rollout;
    return rollout;
  }

  /** Resolves once the simulated clock reached `at` (true), or the driver was stopped (false). */
  async waitUntil(at: number): Promise<boolean> {
    const { clock } = this.opts;
    while (!this.stopped && clock.now() < at) await sleep(Math.min(MAX_SLEEP_MS, Math.max(1, clock.realDelay(at))));
    return !this.stopped;
  }

  /**
   * Runs the rules every `everyMs` of simulated time and reads the rollout after each pass, until
   * `until` holds for it (returned) or stop() was called (the last rollout read is returned).
   * Passes the clock ran past while one was under way are skipped, not made up for.
   */
  async drive(until: (r: RolloutSnapshot) => boolean): Promise<RolloutSnapshot | null> {
    const { clock, everyMs } = this.opts;
    let next = clock.now();
    while (await this.waitUntil(next)) {
      await this.opts.evaluate();
      this.passes++;
      const r = await this.read();
      if (until(r)) return r;
      next = nextTick(next, everyMs, clock.now());
    }
    return this.latest;
  }

  /** Ends drive() and waitUntil() at their next look at the clock. */
  stop(): void {
    this.stopped = true;
  }
}

/** The first instant of the series `from + k·every` (k ≥ 1) after `now`. */
export function nextTick(from: number, every: number, now: number): number {
  const next = from + every;
  return next > now ? next : now + every - ((now - next) % every);
}
