// Mounts every JSON API route under /api/v1 from the route table.
import Router from '@koa/router';
import { OPERATOR_ROUTES } from '../../coordinator/http/operator-api.ts';
import type { RouteDeps } from '../app.ts';
import { openApiDocument } from './openapi.ts';
import { registerRoutes, type RouteSpec } from './route-spec.ts';
import { appRoutes } from './routes/apps.ts';
import { channelRoutes } from './routes/channels.ts';
import { groupRoutes } from './routes/groups.ts';
import { instanceRoutes } from './routes/instances.ts';
import { packageRoutes } from './routes/packages.ts';
import { tokenRoutes } from './routes/tokens.ts';

export const API_PREFIX = '/api/v1';

export const ROUTES: RouteSpec[] = [...appRoutes, ...packageRoutes, ...channelRoutes, ...groupRoutes, ...instanceRoutes, ...tokenRoutes];

/** Everything under /api/v1, for the OpenAPI description (the coordinator mounts its own routes). */
export const DOCUMENTED_ROUTES = [...ROUTES, ...OPERATOR_ROUTES];

export function apiRouter(deps: RouteDeps): Router {
  const router = new Router({ prefix: API_PREFIX });
  const doc = openApiDocument(DOCUMENTED_ROUTES);
  router.get('/openapi.json', (ctx) => {
    ctx.body = doc;
  });
  registerRoutes(router, ROUTES, deps, deps.auth.requireRole);
  return router;
}
