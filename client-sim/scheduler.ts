// Runs the nodes whose time has come: one TimerQueue for the whole fleet, one real setTimeout, a
// bound on work in flight (and optionally on requests started per second), and the simulated clock
// held near the backlog.
import { performance } from 'node:perf_hooks';
import type { RealClock, SimClock } from './sim-clock.ts';
import { TimerQueue } from './timer-queue.ts';

export interface SchedulerOptions {
  clock: SimClock;
  capacity: number;
  /** Most items running at once (each usually one HTTP request). */
  concurrency: number;
  /** Most items started per real second; unlimited when absent. */
  ratePerSecond?: number;
  /** Real time for the rate limit (performance.now by default; tests inject their own). */
  realNow?: RealClock;
  /** Simulated ms the clock may run ahead of the earliest waiting item (default 2 s). */
  maxLagMs?: number;
  /**
   * Runs item `i` whose time has come. Returns a promise when it started asynchronous work (it
   * counts against `concurrency` until settled), or null when it finished synchronously. Either way
   * the callee re-schedules the item itself.
   */
  run(i: number, lateMs: number): Promise<void> | null;
}

/** Most items handled in one turn of the event loop before yielding to I/O. */
const BATCH = 2000;
/** Longest real sleep, so stop() and speed changes are noticed promptly. */
const MAX_SLEEP_MS = 250;

export class Scheduler {
  readonly queue: TimerQueue;
  private inflight = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running = false;
  private tokens: number;
  private lastRefill: number;
  private idleWaiters: (() => void)[] = [];
  /**
   * Simulated start of each item in flight, oldest first (starts never go back in time), with a
   * done flag: the clock is also held near the oldest one, so an answer is never read long (in
   * simulated time) after its request went out, however slow the server is in real time.
   */
  private readonly flights: { at: number; done: boolean }[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    this.queue = new TimerQueue(opts.capacity);
    this.tokens = this.burst();
    this.lastRefill = this.realNow();
  }

  get inFlight(): number {
    return this.inflight;
  }

  schedule(i: number, at: number): void {
    this.queue.set(i, at);
    if (this.running && at < Infinity) this.opts.clock.limitTo(at + this.maxLag);
  }

  private get maxLag(): number {
    return this.opts.maxLagMs ?? 2000;
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops dispatching and holds the clock; work in flight finishes on its own. */
  stop(): void {
    this.running = false;
    // Simulated time ends with the run (answers still in flight land at this instant).
    this.opts.clock.limit(this.opts.clock.now());
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.notifyIdle();
  }

  /** Resolves once nothing is in flight (after stop(), or when the queue ran dry). */
  idle(): Promise<void> {
    if (this.inflight === 0 && (!this.running || this.queue.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private realNow(): number {
    return this.opts.realNow ? this.opts.realNow() : performance.now();
  }

  private burst(): number {
    const r = this.opts.ratePerSecond;
    return r === undefined ? Infinity : Math.max(1, r / 20);
  }

  private refill(): void {
    const r = this.opts.ratePerSecond;
    if (r === undefined) return;
    const t = this.realNow();
    this.tokens = Math.min(this.burst(), this.tokens + ((t - this.lastRefill) / 1000) * r);
    this.lastRefill = t;
  }

  private kick(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const { clock, concurrency, run } = this.opts;
    const now = clock.now();
    this.refill();
    let budget = BATCH;
    while (this.inflight < concurrency && budget > 0 && this.tokens >= 1) {
      const at = this.queue.peekDue();
      if (at > now) break;
      const i = this.queue.pop();
      budget--;
      const work = run(i, now - at);
      if (work) {
        this.tokens--;
        this.inflight++;
        const flight = { at: now, done: false };
        this.flights.push(flight);
        const settle = () => {
          flight.done = true;
          this.settled();
        };
        work.then(settle, settle);
      }
    }
    // Hold the clock near the backlog and the oldest request in flight: late items run late, and
    // answers are read late, by at most maxLag of simulated time.
    const earliest = Math.min(this.queue.peekDue(), this.oldestFlight());
    clock.limit(earliest === Infinity ? Infinity : earliest + this.maxLag);
    if (budget === 0) return this.kick();
    if (this.inflight >= concurrency) return; // a settling request kicks us again
    if (this.tokens < 1) {
      const waitMs = ((1 - this.tokens) / this.opts.ratePerSecond!) * 1000;
      this.timer = setTimeout(() => this.pump(), Math.max(1, waitMs));
      return;
    }
    const next = this.queue.peekDue();
    if (next === Infinity) {
      if (this.inflight === 0) this.notifyIdle();
      return;
    }
    this.timer = setTimeout(() => this.pump(), Math.min(MAX_SLEEP_MS, clock.realDelay(next)));
  }

  /** Simulated start of the oldest item in flight (Infinity when none). */
  private oldestFlight(): number {
    while (this.flights.length > 0 && this.flights[0]!.done) this.flights.shift();
    return this.flights[0]?.at ?? Infinity;
  }

  private settled(): void {
    this.inflight--;
    if (!this.running) {
      if (this.inflight === 0) this.notifyIdle();
      return;
    }
    this.kick();
  }

  private notifyIdle(): void {
    if (this.inflight !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
