// The Koa application: one process's HTTP surfaces in order. Health, the Omaha endpoint and
// FleetLock render their own errors; everything else is the JSON API behind its error boundary.
import Koa from 'koa';
import type { Coordinator } from '../coordinator/index.ts';
import type { Auth } from '../kernel/auth/auth.ts';
import { accessLog } from '../kernel/http/access-log.ts';
import { healthRoutes } from '../kernel/http/health.ts';
import { jsonErrorBoundary, jsonNotFound } from '../kernel/http/json-errors.ts';
import type { Logger } from '../kernel/log.ts';
import { releaseApiRouter } from '../server/api/router.ts';
import type { ServerDeps } from '../server/deps.ts';
import { ReleaseCache } from '../server/omaha/release-cache.ts';
import { omahaMiddleware } from '../server/omaha/route.ts';
import { NO_EVENTS, type EventSink } from '../server/rollout/events.ts';
import type { Store } from '../server/store/types.ts';
import type { Config } from './config.ts';
import { apiDocument } from './openapi.ts';
import { webhookMiddleware } from './webhooks-wiring.ts';
import type { Webhooks } from '../server/webhooks/index.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import { webSurfaces } from './web-wiring.ts';
import { liveMiddleware, type LiveParts } from './live-wiring.ts';
import { clockHeader } from './clock-header.ts';

export interface AppDeps {
  config: Config;
  store: Store;
  auth: Auth;
  coordinator: Coordinator;
  log: Logger;
  now: () => number;
  /** How fast `now` runs against real time, for the X-Platte-Clock header (1 when left out). */
  clockRate?: () => number;
  /** Where rollout and release events go (webhooks); none when left out. */
  events?: EventSink;
  /** The process's release cache, when the caller shares it with background jobs. */
  releases?: ReleaseCache;
  /** Webhooks: their API is served beside the release API. */
  webhooks?: Webhooks;
  /** The store's backend: dashboard sessions are kept there (in this process's memory without it). */
  backend?: Backend;
  /** The dashboard's time series and live event streams. */
  live?: LiveParts;
}

/** The update server's dependencies in this process. */
export function serverDeps({ config, store, auth, coordinator, log, now, events, releases }: AppDeps): ServerDeps {
  return {
    settings: { trustedProxies: config.trustedProxies, pollInterval: config.pollInterval },
    store,
    requireRole: auth.requireRole,
    observer: coordinator.hooks,
    log,
    now,
    releases: releases ?? new ReleaseCache(store, now),
    events: events ?? NO_EVENTS,
  };
}

export function buildApp(deps: AppDeps, server: ServerDeps = serverDeps(deps)): Koa {
  const { store, coordinator, log } = deps;
  const app = new Koa({ proxy: false });
  app.silent = true;

  app.use(accessLog(log));
  app.use(clockHeader(deps.now, deps.clockRate));
  app.use(jsonErrorBoundary(log));
  app.use(healthRoutes(store, log));
  app.use(omahaMiddleware(server));
  const web = webSurfaces(deps);
  app.use(web.sessions);
  app.use(coordinator.middleware);

  const doc = apiDocument();
  const api = releaseApiRouter(server);
  api.get('/openapi.json', (ctx) => {
    ctx.body = doc;
  });
  app.use(api.routes());
  app.use(api.allowedMethods());
  if (deps.webhooks) app.use(webhookMiddleware(deps.webhooks, deps.auth.requireRole));
  if (deps.live) app.use(liveMiddleware(deps.live, deps.auth.requireRole));
  app.use(web.page);
  app.use(jsonNotFound);
  return app;
}
