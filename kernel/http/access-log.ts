// Access log: API calls (people and automation, rare) at info; node traffic (Omaha, FleetLock,
// thousands per second) only at debug, so it costs nothing at the default level.
import type { Middleware } from 'koa';
import type { Logger } from '../log.ts';

export function accessLog(log: Logger): Middleware {
  const http = log.child({ component: 'http' });
  return async (ctx, next) => {
    const api = ctx.path.startsWith('/api/');
    if (!api && !http.isLevelEnabled('debug')) return next();
    const start = performance.now();
    try {
      await next();
    } finally {
      const entry = {
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        ms: Math.round((performance.now() - start) * 10) / 10,
        ...(ctx.state.principal ? { who: (ctx.state.principal as { name: string }).name } : {}),
      };
      if (api) http.info(entry, 'api request');
      else http.debug(entry, 'node request');
    }
  };
}
