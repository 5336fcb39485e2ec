// The dashboard's server-side data in a Platte process: the time series (its store on the
// process's backend, its snapshot job on the process's runner) and the live event streams (the
// change feed, the hub, the sink rollout events reach them through). Built before the runner
// starts, since the series defines its job; the check-in path reports through `watch(store)`.
import type { Middleware } from 'koa';
import type { RequireRole } from '../kernel/auth/auth.ts';
import type { JobRunner } from '../kernel/jobs/runner.ts';
import type { Timers } from '../kernel/jobs/local-runner.ts';
import type { Logger } from '../kernel/log.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import { createLive, LIVE_ROUTES, liveRouter, notifyingStore, type Live } from '../server/live/index.ts';
import { createSeries, SERIES_ROUTES, seriesRouter, type Series } from '../server/series/index.ts';
import type { Store } from '../server/store/types.ts';

export interface LiveWiring {
  backend: Backend;
  jobs: JobRunner;
  /** The store as opened (reads counters and apps). */
  store: Store;
  log: Logger;
  now: () => number;
  /** Tests: fake timers and short intervals for the live streams. */
  timers?: Timers;
  publishMs?: number;
  refreshMs?: number;
  recheckMs?: number;
}

export interface LiveParts {
  series: Series;
  live: Live;
  /** `store` whose check-ins (and grant time-outs, prunes) tell the live streams that counters moved. */
  watch(store: Store): Store;
  /** Schedules the series snapshot job: call before `jobs.start()`. */
  start(): Promise<void>;
  /** Ends every event stream and stops listening; safe to call twice. */
  close(): Promise<void>;
}

/** The series and live routes, for the OpenAPI document. */
export const LIVE_DOCUMENTED_ROUTES = [...SERIES_ROUTES, ...LIVE_ROUTES];

/** Call before `jobs.start()`. */
export function openLive(w: LiveWiring): LiveParts {
  const series = createSeries({ backend: w.backend, jobs: w.jobs, store: w.store, log: w.log.child({ component: 'series' }), now: w.now });
  const live = createLive({
    backend: w.backend,
    store: w.store,
    log: w.log.child({ component: 'live' }),
    timers: w.timers,
    publishMs: w.publishMs,
    refreshMs: w.refreshMs,
    recheckMs: w.recheckMs,
  });
  return {
    series,
    live,
    watch: (store) => notifyingStore(store, live.counters),
    start: () => series.start(),
    close: () => live.close(),
  };
}

/** The series API and the event stream under /api/v1, for the Koa app (before its JSON 404). */
export function liveMiddleware(parts: LiveParts, requireRole: RequireRole): Middleware {
  const routers = [seriesRouter(parts.series.api, requireRole), liveRouter(parts.live.api, requireRole)];
  const chain = routers.flatMap((r) => [r.routes() as unknown as Middleware, r.allowedMethods() as unknown as Middleware]);
  return (ctx, next) => {
    const run = (i: number): Promise<unknown> => (i === chain.length ? next() : Promise.resolve(chain[i]!(ctx, () => run(i + 1))));
    return run(0) as Promise<void>;
  };
}
