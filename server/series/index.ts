// The time series of node statuses: the store on the process's backend, the snapshot job, and the
// read API. createSeries defines its job on the runner, so it is called before the runner starts;
// start() schedules the snapshot every minute.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Backend } from '../../kernel/storage/backend.ts';
import type { Store } from '../store/types.ts';
import { SERIES_ROUTES, seriesRouter, type SeriesApiDeps } from './routes.ts';
import { defineSnapshotJob, snapshotAll } from './snapshot.ts';
import { openSeriesStore } from './store/open.ts';
import type { SeriesStore } from './types.ts';

export interface SeriesDeps {
  backend: Backend;
  jobs: JobRunner;
  store: Store;
  log: Logger;
  now: () => number;
}

export interface Series {
  store: SeriesStore;
  /** What the API routes need. */
  api: SeriesApiDeps;
  /** Schedules the snapshot job (call before the runner starts, after createSeries). */
  start(): Promise<void>;
  /** Takes every app's snapshot now (the job does it every minute): for tests, tools and benchmarks. */
  snapshotNow(): Promise<number>;
}

export function createSeries(deps: SeriesDeps): Series {
  const series = openSeriesStore(deps.backend);
  const snapshotDeps = { store: deps.store, series, now: deps.now, log: deps.log };
  const job = defineSnapshotJob(deps.jobs, snapshotDeps);
  return {
    store: series,
    api: { store: deps.store, series, now: deps.now },
    start: job.start,
    snapshotNow: () => snapshotAll(snapshotDeps),
  };
}

export { SERIES_ROUTES, seriesRouter, type SeriesApiDeps };
export { SNAPSHOT_JOB } from './snapshot.ts';
