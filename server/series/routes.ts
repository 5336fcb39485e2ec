// The series API as RouteSpecs under /api/v1 (read-only role). The routes need only
// `{ store, series, now }`, so they are registered on their own router (seriesRouter) by the
// composition root, beside the release API.
import Router from '@koa/router';
import type { z } from 'zod';
import type { RequireRole } from '../../kernel/auth/auth.ts';
import { API_PREFIX, registerRoutes, route, type RouteSpec } from '../../kernel/http/route-spec.ts';
import { requireApp } from '../api/params.ts';
import type { ReleaseStore } from '../store/types.ts';
import { parseSeriesQuery, SERIES_BY, SERIES_DIMENSIONS, SERIES_RANGES, DEFAULT_RANGE } from './query.ts';
import { readSeries } from './read.ts';
import type { SeriesStore } from './types.ts';

export interface SeriesApiDeps {
  store: ReleaseStore;
  series: SeriesStore;
  now: () => number;
}

export type SeriesRoute = RouteSpec<z.ZodType, SeriesApiDeps>;

export const SERIES_ROUTES: SeriesRoute[] = [
  route({
    method: 'GET',
    path: '/apps/:app/series',
    role: 'read-only',
    tag: 'instances',
    summary:
      "Nodes over time, from the per-minute snapshots of the counters: minute points for ranges up to 2 days, hour points (the last snapshot of each hour) beyond; dimension rollout reads a channel's rollout counts of one version. The cost does not depend on the fleet size",
    query: {
      dimension: `what the counts are per: ${SERIES_DIMENSIONS.join(', ')} (required)`,
      name: 'with dimension channel or group: that channel or group, its nodes per `by`; with dimension rollout (required): the channel',
      version:
        'with dimension rollout (required, refused otherwise): the version rolled out. Each point counts `granted` (nodes granted the version in the channel, stale ones left out), `failed` (what the halt rule counts, without the baseline of a resume: error + timeout + reverted + lease-expired) and each of those kinds by name, so failed / granted × 100 is the failure rate haltOn.failurePercent is held against',
      by: `with name, for dimension channel or group: ${SERIES_BY.join(' or ')} (default version)`,
      range: `${[...SERIES_RANGES.keys()].join(', ')} (default ${DEFAULT_RANGE})`,
    },
    responses: { 200: "{ resolution: 'minute'|'hour', from, to, points: [{ at, counts: { <name>: n } }] }", 404: 'no such app' },
    handler: async (ctx, deps: SeriesApiDeps) => {
      const app = await requireApp(ctx, deps.store);
      const q = parseSeriesQuery(ctx.query);
      return { body: await readSeries(deps.series, app.id, q, deps.now()) };
    },
  }),
];

/** A router serving SERIES_ROUTES under /api/v1, each behind its role. */
export function seriesRouter(deps: SeriesApiDeps, requireRole: RequireRole): Router {
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, SERIES_ROUTES, deps, requireRole);
  return router;
}
