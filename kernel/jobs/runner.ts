// The background-work port: periodic jobs (lease sweeps, later step advancement and halt checks) and
// one-off jobs with retries (later webhook deliveries). Code that has background work defines its
// handlers here and never learns what runs them: on Redis it is BullMQ (bullmq-runner.ts, one run per
// period across every Platte process), on the embedded store an in-process runner (local-runner.ts).

/** What a job carries. It goes through JSON on both runners, so only plain data survives. */
export type JobData = Record<string, unknown>;

export interface JobContext {
  name: string;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
  /** Unique per run of a periodic job and per one-off job (its retries share it): for logs and tests. */
  runId: string;
}

/** Resolves when the work is done; a rejection is a failed attempt (retried if attempts remain). */
export type JobHandler = (data: JobData, ctx: JobContext) => Promise<void>;

/** A period in milliseconds, or a cron pattern (`*\/5 * * * *`, read by cron-parser as BullMQ reads it). */
export type Schedule = number | string;

export interface EnqueueOptions {
  /** Tries in all, the first included (default 1: no retry). */
  attempts?: number;
  /** Exponential backoff: retry n waits backoff × 2^(n-1) ms (default 1000). */
  backoff?: number;
}

export interface JobRunner {
  /** Names the handler of a job; every job is defined before the runner starts. */
  define(name: string, handler: JobHandler): void;
  /**
   * Runs `name` on `schedule`, once per period however many processes share the runner's Redis.
   * A period that comes while the previous run is still going may be skipped, never doubled.
   */
  every(name: string, schedule: Schedule, data?: JobData): Promise<void>;
  /** Runs `name` once, soon; a failed attempt is retried with exponential backoff. Needs start(). */
  enqueue(name: string, data: JobData, opts?: EnqueueOptions): Promise<void>;
  /** Begins running jobs (the periodic ones registered so far and any registered later). */
  start(): Promise<void>;
  /** Stops taking jobs, waits for the ones running and releases timers and connections. */
  close(): Promise<void>;
}

export const DEFAULT_BACKOFF_MS = 1000;

/** The wait before retry `retry` (1 for the first): the same curve as BullMQ's `exponential` backoff. */
export function backoffDelay(baseMs: number, retry: number): number {
  return Math.round(baseMs * 2 ** (retry - 1));
}

export function checkEnqueueOptions(name: string, opts: EnqueueOptions): Required<EnqueueOptions> {
  const attempts = opts.attempts ?? 1;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF_MS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`job ${name}: attempts must be a whole number ≥ 1, got ${attempts}`);
  if (!Number.isFinite(backoff) || backoff < 0) throw new Error(`job ${name}: backoff must be ≥ 0 ms, got ${backoff}`);
  return { attempts, backoff };
}

/** A job's name is a fixed word of the code (it becomes part of BullMQ's scheduler ids and keys). */
const JOB_NAME = /^[a-z][a-z0-9.-]*$/;

/** The handlers by name; both runners refuse a job nobody defined when it is scheduled, not when it runs. */
export class JobTable {
  private readonly handlers = new Map<string, JobHandler>();

  define(name: string, handler: JobHandler): void {
    if (!JOB_NAME.test(name)) throw new Error(`job name ${JSON.stringify(name)}: lowercase letters, digits, '.' and '-'`);
    if (this.handlers.has(name)) throw new Error(`job ${name} is already defined`);
    this.handlers.set(name, handler);
  }

  get(name: string): JobHandler {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`job ${name} is not defined`);
    return handler;
  }
}
