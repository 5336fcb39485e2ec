// The Koa application: error boundary, health, Omaha endpoint, release API, coordinator.
import Koa from 'koa';
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
      if (e.status >= 500) deps.log.error({ err: (e as { cause?: unknown }).cause ?? e, path: ctx.path }, 'request failed');
      ctx.status = e.status;
      ctx.body = { error: { code: e.code, message: e.expose ? e.message : 'internal server error', ...(e.details ? { details: e.details } : {}) } };
    }
  });

  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.body = { status: 'ok', store: deps.store.kind };
      return;
    }
    await next();
  });

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
