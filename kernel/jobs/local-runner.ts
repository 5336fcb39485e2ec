// The in-process runner for the embedded store: one Platte process owns its SQLite file, so "once per
// period across the cluster" is once per period here. Timers come from an injected Timers, so tests
// drive periods and retry backoffs with a fake clock instead of sleeping.
import type { Logger } from '../log.ts';
import { backoffDelay, checkEnqueueOptions, JobTable, type EnqueueOptions, type JobContext, type JobData, type JobHandler, type JobRunner, type Schedule } from './runner.ts';
import { checkSchedule, firstDue, nextDue } from './schedule.ts';

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: background work alone never keeps the process alive. */
export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Periodic {
  name: string;
  schedule: Schedule;
  data: JobData;
  timer: unknown;
  running: boolean;
}

export interface LocalRunnerOptions {
  log: Logger;
  timers?: Timers;
}

/** BullMQ stores a job's data as JSON: going through JSON here too keeps handlers honest on both runners. */
function throughJson(data: JobData): JobData {
  return JSON.parse(JSON.stringify(data)) as JobData;
}

/** Timers and runs in flight: what close() cancels and waits for, and the one place that knows it is closed. */
interface Runs {
  readonly closed: boolean;
  /** A timer that forgets itself when it fires and never fires after close(). */
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
  /** Runs one attempt; resolves to whether it succeeded (failures are logged, never thrown). */
  attempt(handler: JobHandler, data: JobData, ctx: JobContext, last: boolean): Promise<boolean>;
  close(): Promise<void>;
}

function createRuns(log: Logger, timers: Timers): Runs {
  const armed = new Set<unknown>();
  const running = new Set<Promise<void>>();
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    after(ms, fn) {
      const handle = timers.setTimeout(() => {
        armed.delete(handle);
        if (!closed) fn();
      }, Math.max(0, ms));
      armed.add(handle);
      return handle;
    },
    cancel(handle) {
      armed.delete(handle);
      timers.clearTimeout(handle);
    },
    attempt(handler, data, ctx, last) {
      const run = (async () => handler(data, ctx))().then(
        () => true,
        (err: unknown) => {
          if (last) log.error({ err, job: ctx.name, attempt: ctx.attempt, runId: ctx.runId }, 'background job failed');
          else log.warn({ err, job: ctx.name, attempt: ctx.attempt, runId: ctx.runId }, 'background job failed; will retry');
          return false;
        },
      );
      const tracked = run.then(() => undefined);
      running.add(tracked);
      void tracked.finally(() => running.delete(tracked));
      return run;
    },
    async close() {
      closed = true;
      for (const handle of armed) timers.clearTimeout(handle);
      armed.clear();
      // A run may finish into a retry: close() already stops those, so waiting for what runs now is enough.
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** The periodic jobs: each re-arms its timer for the next due time when it fires. */
function createPeriodics(table: JobTable, timers: Timers, runs: Runs) {
  const periodic = new Map<string, Periodic>();

  const fire = (p: Periodic, due: number) => {
    const now = timers.now();
    const next = nextDue(p.schedule, due, now);
    p.timer = runs.after(next - now, () => fire(p, next));
    // A period that comes while the previous run is still going is skipped, as a sweep that
    // overlaps itself does nothing the running one will not do.
    if (p.running) return;
    p.running = true;
    const ctx: JobContext = { name: p.name, attempt: 1, runId: `${p.name}@${due}` };
    void runs.attempt(table.get(p.name), throughJson(p.data), ctx, true).finally(() => {
      p.running = false;
    });
  };

  const arm = (p: Periodic) => {
    const now = timers.now();
    const due = firstDue(p.schedule, now);
    p.timer = runs.after(due - now, () => fire(p, due));
  };

  return {
    /** Adds or replaces `name`'s schedule; armed at once when the runner runs already. */
    set(name: string, schedule: Schedule, data: JobData, started: boolean) {
      const old = periodic.get(name);
      if (old?.timer !== undefined) runs.cancel(old.timer);
      const p: Periodic = { name, schedule, data: throughJson(data), timer: undefined, running: false };
      periodic.set(name, p);
      if (started) arm(p);
    },
    armAll() {
      for (const p of periodic.values()) arm(p);
    },
  };
}

/** One attempt of a one-off job; a failure with attempts left is tried again after its backoff. */
function tryOnce(table: JobTable, runs: Runs, name: string, data: JobData, runId: string, n: number, retry: Required<EnqueueOptions>): void {
  const last = n >= retry.attempts;
  void runs.attempt(table.get(name), throughJson(data), { name, attempt: n, runId }, last).then((ok) => {
    if (ok || last || runs.closed) return;
    runs.after(backoffDelay(retry.backoff, n), () => tryOnce(table, runs, name, data, runId, n + 1, retry));
  });
}

export function createLocalRunner(opts: LocalRunnerOptions): JobRunner {
  const timers = opts.timers ?? realTimers;
  const table = new JobTable();
  const runs = createRuns(opts.log, timers);
  const periodics = createPeriodics(table, timers, runs);
  let started = false;
  let seq = 0;

  return {
    define(name, handler) {
      if (started) throw new Error(`job ${name}: define jobs before the runner starts`);
      table.define(name, handler);
    },
    async every(name, schedule, data = {}) {
      if (runs.closed) throw new Error(`job ${name}: the runner is closed`);
      table.get(name);
      checkSchedule(name, schedule);
      periodics.set(name, schedule, data, started);
    },
    async enqueue(name, data, options = {}) {
      if (!started || runs.closed) throw new Error(`job ${name}: the runner is ${runs.closed ? 'closed' : 'not started'}`);
      table.get(name);
      const retry = checkEnqueueOptions(name, options);
      const runId = `${name}#${++seq}`;
      const copy = throughJson(data);
      runs.after(0, () => tryOnce(table, runs, name, copy, runId, 1, retry));
    },
    async start() {
      if (runs.closed) throw new Error('the job runner is closed');
      if (started) return;
      started = true;
      periodics.armAll();
    },
    async close() {
      await runs.close();
    },
  };
}
