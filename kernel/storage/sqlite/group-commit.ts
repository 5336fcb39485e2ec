// Group commit: operations that arrive in the same turn of the event loop run one after another
// inside ONE write transaction, so N concurrent FleetLock calls pay for one commit instead of N.
// Each operation is its own savepoint: it sees every earlier one, and if it throws only it is
// rolled back and only its caller gets the error. Callers get their answer after the commit.
// Shared by the slot store (coordinator) and the instance store's check-in hot path.
import type Database from 'better-sqlite3';

interface Job {
  work: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  done?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** Most operations one commit carries; more wait for the next turn. */
const MAX_BATCH = 512;

export function createGroupCommit(db: Database.Database) {
  let queue: Job[] = [];
  const runBatch = db.transaction((jobs: Job[]) => {
    for (const job of jobs) {
      try {
        job.done = { ok: true, value: job.work() };
      } catch (error) {
        job.done = { ok: false, error };
      }
    }
  });

  function flush(): void {
    const jobs = queue.splice(0, MAX_BATCH);
    if (jobs.length === 0) return; // already run by an explicit flush()
    if (queue.length > 0) setImmediate(flush);
    try {
      runBatch.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const job of jobs) {
      const d = job.done as NonNullable<Job['done']>;
      if (d.ok) job.resolve(d.value);
      else job.reject(d.error);
    }
  }

  /** Runs `work` (a better-sqlite3 transaction function, so it nests as a savepoint) in the next batch. */
  function run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
    });
  }
  /** `flush()` commits what is queued now, without waiting for the next turn (graceful shutdown). */
  return Object.assign(run, {
    flush(): void {
      while (queue.length > 0) flush();
    },
  });
}
