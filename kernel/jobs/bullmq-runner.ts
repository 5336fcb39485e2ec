// The runner on Redis: one BullMQ Queue and one Worker per Platte process, all processes on the
// same queue. A periodic job is a BullMQ job scheduler: each period becomes one job whose id names
// the period (`repeat:<name>:<ms>`), so however many processes upsert the scheduler and poll the
// queue, a period runs once. One-off jobs are plain jobs with BullMQ's exponential backoff.
import { Queue, Worker, type Job, type KeepJobs } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { KeySpace } from '../storage/redis/keys.ts';
import { checkEnqueueOptions, JobTable, type JobData, type JobRunner, type Schedule } from './runner.ts';
import { checkSchedule } from './schedule.ts';

/** The one queue every process shares (BullMQ queue names cannot hold ':'). */
const QUEUE = 'background';

/** Finished jobs kept for inspection; older ones are deleted, so the queue's memory stays bounded. */
const KEEP: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } };

/** BullMQ's event stream (nobody here reads it) trimmed to this many entries instead of 10 000. */
const EVENTS_MAX_LEN = 1000;

/** How long close() waits for running jobs before it cuts the connections. */
const CLOSE_GRACE_MS = 10_000;
/** close() closes politely only if Redis answers a PING within this. */
const PING_MS = 1_000;

export interface BullmqRunnerOptions {
  /** The backend's client: the runner copies its connection settings, never uses it. */
  redis: Redis;
  /** Platte's Redis prefix: two deployments on one Redis keep separate queues. */
  prefix: string;
  log: Logger;
  /** Jobs one process runs at a time (default 4), so a slow delivery does not hold up a sweep. */
  concurrency?: number;
}

/**
 * BullMQ's key prefix under Platte's: `<prefix>:{jobs}:bullmq`. The `{jobs}` hash tag keeps every
 * queue key in one Redis Cluster slot, which BullMQ's scripts need.
 */
export function bullmqPrefix(prefix: string): string {
  return new KeySpace(prefix).fixedTag('jobs').key('bullmq');
}

function repeatOf(schedule: Schedule): { every: number } | { pattern: string } {
  return typeof schedule === 'number' ? { every: schedule } : { pattern: schedule };
}

/** `work`'s value, or `late` once `ms` passed (the work itself goes on). */
function within<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A connection of its own: BullMQ blocks on it and must wait across reconnects (no retry limit,
 * an offline queue), where the stores' client fails fast while Redis is away. The Worker makes
 * its own copies of it and closes them; this one is closed by close(). `warn` reports errors of
 * the connection, the queue and the worker.
 */
function openConnection(redis: Redis, log: Logger): { conn: Redis; warn: (err: Error) => void } {
  const conn = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, enableAutoPipelining: false, lazyConnect: true });
  let lastWarning = 0;
  const warn = (err: Error) => {
    // One report per 5 s while Redis is away, not one per reconnect attempt.
    if (Date.now() - lastWarning < 5_000) return;
    lastWarning = Date.now();
    log.warn({ err: err.message }, 'job queue: redis connection error; retrying');
  };
  conn.on('error', warn);
  return { conn, warn };
}

/** Logs a failed attempt: a warning while BullMQ will retry it, an error for the last one. */
function failureReporter(log: Logger) {
  return (job: Job | undefined, err: Error) => {
    const attempts = job?.opts.attempts ?? 1;
    const context = { err, job: job?.name, attempt: job ? job.attemptsMade : undefined, runId: job?.id };
    if (job && job.attemptsMade < attempts) log.warn(context, 'background job failed; will retry');
    else log.error(context, 'background job failed');
  };
}

/**
 * With Redis answering, running jobs may finish and BullMQ closes politely; with Redis away
 * a polite close would wait for it forever, so then the connections are cut at once (BullMQ
 * hands a job cut short to another process as stalled).
 */
async function closeQueue(conn: Redis, worker: Worker | undefined, queue: Queue | undefined, log: Logger): Promise<void> {
  const pong = conn.ping().then(() => true, () => false);
  const answering = conn.status === 'ready' && (await within(pong, PING_MS, false));
  const closing = (async () => {
    await worker?.close(!answering);
    await queue?.close();
  })();
  const finished = closing.then(() => true, () => true);
  if (!(await within(finished, answering ? CLOSE_GRACE_MS : PING_MS, false))) {
    log.warn('job queue: close did not finish in time; cutting the connections');
    const backend = worker?.getBackend();
    for (const client of [await backend?.client, await backend?.blockingClient]) client?.disconnect();
  }
  if (conn.status === 'wait' || conn.status === 'end' || !answering) conn.disconnect();
  else await conn.quit().catch(() => conn.disconnect());
}

export function createBullmqRunner(opts: BullmqRunnerOptions): JobRunner {
  const { log } = opts;
  const prefix = bullmqPrefix(opts.prefix);
  const table = new JobTable();
  const schedules = new Map<string, { schedule: Schedule; data: JobData }>();
  const { conn, warn } = openConnection(opts.redis, log);
  let queue: Queue | undefined;
  let worker: Worker | undefined;
  let closed = false;

  const upsert = (q: Queue, name: string, s: { schedule: Schedule; data: JobData }) =>
    q.upsertJobScheduler(name, repeatOf(s.schedule), { name, data: s.data, opts: KEEP });

  const runJob = (job: Job) => table.get(job.name)(job.data as JobData, { name: job.name, attempt: job.attemptsMade + 1, runId: job.id ?? job.name });

  return {
    define(name, handler) {
      if (worker) throw new Error(`job ${name}: define jobs before the runner starts`);
      table.define(name, handler);
    },
    async every(name, schedule, data = {}) {
      if (closed) throw new Error(`job ${name}: the runner is closed`);
      table.get(name);
      checkSchedule(name, schedule);
      schedules.set(name, { schedule, data });
      if (queue) await upsert(queue, name, { schedule, data });
    },
    async enqueue(name, data, options = {}) {
      if (!queue || closed) throw new Error(`job ${name}: the runner is ${closed ? 'closed' : 'not started'}`);
      table.get(name);
      const { attempts, backoff } = checkEnqueueOptions(name, options);
      await queue.add(name, data, { attempts, backoff: { type: 'exponential', delay: backoff }, ...KEEP });
    },
    async start() {
      if (closed) throw new Error('the job runner is closed');
      if (queue) return;
      queue = new Queue(QUEUE, { connection: conn, prefix, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
      queue.on('error', warn);
      worker = new Worker(QUEUE, runJob, { connection: conn, prefix, concurrency: opts.concurrency ?? 4, ...KEEP });
      worker.on('error', warn);
      worker.on('failed', failureReporter(log));
      await worker.waitUntilReady();
      for (const [name, s] of schedules) await upsert(queue, name, s);
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeQueue(conn, worker, queue, log);
    },
  };
}
