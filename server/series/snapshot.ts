// The series' background work: every minute, each app's counters become its points, and points
// past their retention are dropped. It runs as a periodic job, so on Redis one process runs each
// minute's snapshot however many share the queue (BullMQ job scheduler), and in process on the
// embedded store. Hour points are the last snapshot of their hour (the state at the hour's end,
// whole node counts), written with every snapshot: a missed minute never loses an hour.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import { StoreUnavailableError } from '../../kernel/storage/unavailable.ts';
import type { ReleaseStore, InstanceStore } from '../store/types.ts';
import { encodeSnapshot } from './points.ts';
import { MINUTE_MS, RETENTION_MS, stepStart, STEP_MS, type SeriesStore } from './types.ts';

export const SNAPSHOT_JOB = 'series.snapshot';

export interface SnapshotDeps {
  store: Pick<ReleaseStore, 'listApps'> & Pick<InstanceStore, 'counters'>;
  series: SeriesStore;
  now: () => number;
  log: Logger;
}

/** The oldest step of each resolution kept at `minute`: 2,880 minute points, 1,440 hour points. */
export function keptFrom(minute: number): { minute: number; hour: number } {
  return {
    minute: minute - RETENTION_MS.minute + STEP_MS.minute,
    hour: stepStart(minute, 'hour') - RETENTION_MS.hour + STEP_MS.hour,
  };
}

/** One app's snapshot at `minute`, then its trim. Reads counters: O(buckets), whatever the fleet size. */
export async function snapshotApp(deps: SnapshotDeps, appId: string, minute: number): Promise<void> {
  const counters = await deps.store.counters(appId);
  await deps.series.write(appId, minute, encodeSnapshot(counters));
  const keep = keptFrom(minute);
  await deps.series.trim(appId, keep.minute, keep.hour);
}

/** Every app's snapshot for the current minute; returns how many apps were recorded. */
export async function snapshotAll(deps: SnapshotDeps): Promise<number> {
  const minute = stepStart(deps.now(), 'minute');
  let done = 0;
  for (const app of await deps.store.listApps()) {
    // One app's failure (a bug in its data) does not cost the others their point.
    try {
      await snapshotApp(deps, app.id, minute);
      done++;
    } catch (err) {
      // The store away: the run fails as a whole (the runner logs it), the next minute tries again.
      if (err instanceof StoreUnavailableError) throw err;
      deps.log.error({ err, appId: app.id }, 'series: snapshot failed');
    }
  }
  return done;
}

/** Defines the job (before the runner starts); `start()` schedules it every minute. */
export function defineSnapshotJob(jobs: JobRunner, deps: SnapshotDeps): { start(): Promise<void> } {
  jobs.define(SNAPSHOT_JOB, async () => {
    await snapshotAll(deps);
  });
  return { start: () => jobs.every(SNAPSHOT_JOB, MINUTE_MS) };
}
