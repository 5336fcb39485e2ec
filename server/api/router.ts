// Mounts every JSON API route under /api/v1 from the route table.
import Router from '@koa/router';
import type { RouteDeps } from '../app.ts';
import { readJson, validate } from './body.ts';
import { openApiDocument } from './openapi.ts';
import type { RouteSpec } from './route-spec.ts';
import { appRoutes } from './routes/apps.ts';
import { channelRoutes } from './routes/channels.ts';
import { groupRoutes } from './routes/groups.ts';
import { instanceRoutes } from './routes/instances.ts';
import { packageRoutes } from './routes/packages.ts';
import { tokenRoutes } from './routes/tokens.ts';

export const API_PREFIX = '/api/v1';

export const ROUTES: RouteSpec[] = [...appRoutes, ...packageRoutes, ...channelRoutes, ...groupRoutes, ...instanceRoutes, ...tokenRoutes];

export function apiRouter(deps: RouteDeps): Router {
  const router = new Router({ prefix: API_PREFIX });
  const doc = openApiDocument(ROUTES);
  router.get('/openapi.json', (ctx) => {
    ctx.body = doc;
  });
  for (const spec of ROUTES) {
    const guard = spec.role ? deps.auth.requireRole(spec.role) : async (_ctx: unknown, next: () => Promise<unknown>) => next();
    router.register(spec.path, [spec.method], [
      guard,
      async (ctx) => {
        const body = spec.body ? validate(spec.body, await readJson(ctx), 'request body') : undefined;
        const out = await spec.handler(ctx, deps, body);
        ctx.status = out.status ?? 200;
        if (out.body !== null) ctx.body = out.body;
      },
    ]);
  }
  return router;
}
