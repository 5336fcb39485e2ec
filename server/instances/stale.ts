// The stale sweep, run as a periodic job: nodes not seen for the stale period (`--stale-after`)
// leave the live counts and are counted as `stale` until they check in again (domain/counters.ts
// STALE). Each app's store marks them in batches read from its watermark on, so a run only looks at
// the nodes that went quiet since the last one, never at the whole fleet; a run is bounded too, and
// the next one (a minute later) takes what it left.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import type { InstanceStore, ReleaseStore } from '../store/types.ts';

export const STALE_SWEEP_JOB = 'instances.stale-sweep';
const SWEEP_EVERY_MS = 60_000;
/** Nodes marked per store call; a shorter batch means the app is done. */
const BATCH = 1000;
/** Batches per app and run at most, so one run stays short even after a long outage. */
const MAX_BATCHES = 20;

export interface StaleDeps {
  store: Pick<InstanceStore, 'markStale'> & Pick<ReleaseStore, 'listApps'>;
  log: Logger;
  now: () => number;
}

/** Marks stale, in every app, the nodes last seen more than `staleAfterMs` ago; answers how many. */
export async function sweepStale(deps: StaleDeps, staleAfterMs: number): Promise<number> {
  let marked = 0;
  for (const app of await deps.store.listApps()) {
    try {
      const before = deps.now() - staleAfterMs;
      let inApp = 0;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const n = await deps.store.markStale(app.id, before, BATCH);
        inApp += n;
        if (n < BATCH) break;
      }
      if (inApp > 0) deps.log.info({ appId: app.id, nodes: inApp }, 'nodes went stale');
      marked += inApp;
    } catch (err) {
      deps.log.warn({ err, appId: app.id }, 'stale sweep failed');
    }
  }
  return marked;
}

/** Defines the job and schedules it when the runner starts; `sweep` runs it now (tests, tools). */
export function defineStaleJob(jobs: JobRunner, deps: StaleDeps, staleAfterMs: number): { start(): Promise<void>; sweep(): Promise<number> } {
  jobs.define(STALE_SWEEP_JOB, async () => {
    await sweepStale(deps, staleAfterMs);
  });
  return {
    start: () => jobs.every(STALE_SWEEP_JOB, SWEEP_EVERY_MS),
    sweep: () => sweepStale(deps, staleAfterMs),
  };
}
