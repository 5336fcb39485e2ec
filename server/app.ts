// The Koa application: error boundary, health, Omaha endpoint, release API, coordinator.
import Koa, { type Middleware } from 'koa';
import type { Coordinator } from '../coordinator/index.ts';
import type { Auth } from './api/auth.ts';
import { apiRouter } from './api/router.ts';
import type { Config } from './config.ts';
import { toApiError } from './errors.ts';
import type { Logger } from './log.ts';
import { accessLog } from './access-log.ts';
import { ReleaseCache } from './omaha/release-cache.ts';
import { omahaMiddleware } from './omaha/route.ts';
import type { Store } from './store/types.ts';
import { withDeadline } from './store/unavailable.ts';

export interface AppDeps {
  config: Config;
  store: Store;
  auth: Auth;
  coordinator: Coordinator;
  log: Logger;
  now: () => number;
}

/** What the routes share beyond AppDeps: one release cache per process. */
export interface RouteDeps extends AppDeps {
  releases: ReleaseCache;
}

/** Seconds a client is asked to wait (Retry-After) when the store is not answering. */
const RETRY_AFTER_S = 5;
/** /readyz answers unavailable when the store round trip takes longer than this. */
const READY_DEADLINE_MS = 1_000;

/** /healthz: the process is alive (liveness). /readyz: the store answers (readiness), else 503. */
function health(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    if ((ctx.path !== '/healthz' && ctx.path !== '/readyz') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const store = deps.store.kind;
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok', store };
      return;
    }
    try {
      await withDeadline(deps.store.ready(), READY_DEADLINE_MS);
      ctx.body = { status: 'ready', store };
    } catch (err) {
      deps.log.warn({ err }, 'not ready: the store is not answering');
      ctx.status = 503;
      ctx.set('Retry-After', String(RETRY_AFTER_S));
      ctx.body = { status: 'unavailable', store, message: 'the store is not answering' };
    }
  };
}

export function buildApp(appDeps: AppDeps): Koa {
  const deps: RouteDeps = { ...appDeps, releases: new ReleaseCache(appDeps.store, appDeps.now) };
  const app = new Koa({ proxy: false });
  app.silent = true;

  app.use(accessLog(deps.log));

  // JSON error boundary for everything that does not render its own errors (Omaha and FleetLock do).
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = toApiError(err);
      const cause = (e as { cause?: unknown }).cause ?? e;
      if (e.code === 'unavailable') {
        deps.log.warn({ err: cause, path: ctx.path }, 'store unavailable');
        ctx.set('Retry-After', String(RETRY_AFTER_S));
      } else if (e.status >= 500) deps.log.error({ err: cause, path: ctx.path }, 'request failed');
      ctx.status = e.status;
      ctx.body = { error: { code: e.code, message: e.expose ? e.message : 'internal server error', ...(e.details ? { details: e.details } : {}) } };
    }
  });

  app.use(health(deps));

  app.use(omahaMiddleware(deps));
  app.use(deps.coordinator.middleware);
  const api = apiRouter(deps);
  app.use(api.routes());
  app.use(api.allowedMethods());
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
  });
  return app;
}
