// The simulated clock every node of a run reads: simulated time running up to `speed` times faster
// than real time, in milliseconds since the epoch.
import { performance } from 'node:perf_hooks';

/** Real time in ms (performance.now by default; tests inject their own). */
export type RealClock = () => number;

/**
 * Simulated time running up to `speed` times faster than real time, in milliseconds since the epoch.
 * The clock is elastic: it never runs more than the scheduler's allowed lag past the earliest event
 * still waiting, so a saturated simulator slows its clock instead of distorting every timing.
 */
export class SimClock {
  private lastReal: number;
  private sim: number;
  /** Simulated instant the clock may not pass (set by the scheduler from its backlog). */
  private limitAt = Infinity;

  constructor(
    private speedFactor: number,
    start: number = Date.now(),
    private readonly realNow: RealClock = () => performance.now(),
  ) {
    if (!(speedFactor > 0)) throw new RangeError('speed must be > 0');
    this.sim = start;
    this.lastReal = realNow();
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Whole milliseconds, like Date.now() (servers given this clock store integers). */
  now(): number {
    const real = this.realNow();
    const advanced = this.sim + (real - this.lastReal) * this.speedFactor;
    this.sim = Math.max(this.sim, Math.min(advanced, this.limitAt));
    this.lastReal = real;
    return Math.floor(this.sim);
  }

  /** Holds the clock at `at` at most (Infinity lifts the hold). */
  limit(at: number): void {
    this.now();
    this.limitAt = at;
  }

  /** Lowers the hold to `at` when it is higher. */
  limitTo(at: number): void {
    if (at < this.limitAt) this.limit(at);
  }

  /** Real milliseconds until the simulated instant `at` at full speed (0 when past). */
  realDelay(at: number): number {
    return Math.max(0, (at - this.now()) / this.speedFactor);
  }

  /** Changes the speed from now on (the demo slows to real time once its fleet is done). */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError('speed must be > 0');
    this.now();
    this.speedFactor = speed;
  }
}
