// The simulated clock and the one timer queue behind every node: an indexed binary heap of node
// indices ordered by due time (typed arrays, no object per timer), one real setTimeout for the whole
// fleet, and a bound on work in flight (and optionally on requests started per second).
import { performance } from 'node:perf_hooks';

/**
 * Simulated time running up to `speed` times faster than real time, in milliseconds since the epoch.
 * The clock is elastic: it never runs more than the scheduler's allowed lag past the earliest event
 * still waiting, so a saturated simulator slows its clock instead of distorting every timing.
 */
/** Real time in ms (performance.now by default; tests inject their own). */
export type RealClock = () => number;

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

/** Min-heap of item indices keyed by due time; each index is in it at most once. */
export class TimerQueue {
  private readonly due: Float64Array;
  private readonly heap: Int32Array;
  /** Position of an index in `heap`, -1 when absent. */
  private readonly pos: Int32Array;
  private n = 0;

  constructor(capacity: number) {
    this.due = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  has(i: number): boolean {
    return this.pos[i]! >= 0;
  }

  /** Inserts or moves `i`; a due time of Infinity (or NaN) removes it. */
  set(i: number, at: number): void {
    if (!(at < Infinity)) return this.delete(i);
    const p = this.pos[i]!;
    if (p < 0) {
      this.due[i] = at;
      this.heap[this.n] = i;
      this.pos[i] = this.n;
      this.up(this.n++);
      return;
    }
    const before = this.due[i]!;
    this.due[i] = at;
    if (at < before) this.up(p);
    else this.down(p);
  }

  delete(i: number): void {
    const p = this.pos[i]!;
    if (p < 0) return;
    const last = this.heap[--this.n]!;
    this.pos[i] = -1;
    if (p === this.n) return;
    this.heap[p] = last;
    this.pos[last] = p;
    this.up(p);
    this.down(this.pos[last]!);
  }

  /** Due time of the earliest item, Infinity when empty. */
  peekDue(): number {
    return this.n === 0 ? Infinity : this.due[this.heap[0]!]!;
  }

  dueOf(i: number): number {
    return this.pos[i]! >= 0 ? this.due[i]! : Infinity;
  }

  /** Removes and returns the earliest index (-1 when empty). */
  pop(): number {
    if (this.n === 0) return -1;
    const top = this.heap[0]!;
    this.delete(top);
    return top;
  }

  private up(p: number): void {
    const { heap, due, pos } = this;
    const item = heap[p]!;
    const d = due[item]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pi = heap[parent]!;
      if (due[pi]! <= d) break;
      heap[p] = pi;
      pos[pi] = p;
      p = parent;
    }
    heap[p] = item;
    pos[item] = p;
  }

  private down(p: number): void {
    const { heap, due, pos } = this;
    const item = heap[p]!;
    const d = due[item]!;
    const n = this.n;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      if (child + 1 < n && due[heap[child + 1]!]! < due[heap[child]!]!) child++;
      const ci = heap[child]!;
      if (due[ci]! >= d) break;
      heap[p] = ci;
      pos[ci] = p;
      p = child;
    }
    heap[p] = item;
    pos[item] = p;
  }
}

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
        work.then(
          () => this.settled(),
          () => this.settled(),
        );
      }
    }
    // Hold the clock near the backlog: late items run late by at most maxLag of simulated time.
    const earliest = this.queue.peekDue();
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
