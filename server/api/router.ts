// The release API's route table, mounted under /api/v1.
import Router from '@koa/router';
import { API_PREFIX, registerRoutes } from '../../kernel/http/route-spec.ts';
import type { ServerDeps } from '../deps.ts';
import type { ServerRoute } from './route.ts';
import { appRoutes } from './routes/apps.ts';
import { channelRoutes } from './routes/channels.ts';
import { groupRoutes } from './routes/groups.ts';
import { instanceRoutes } from './routes/instances.ts';
import { packageRoutes } from './routes/packages.ts';
import { rolloutRoutes } from './routes/rollouts.ts';
import { tokenRoutes } from './routes/tokens.ts';

export const RELEASE_ROUTES: ServerRoute[] = [...appRoutes, ...packageRoutes, ...channelRoutes, ...rolloutRoutes, ...groupRoutes, ...instanceRoutes, ...tokenRoutes];

export function releaseApiRouter(deps: ServerDeps): Router {
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, RELEASE_ROUTES, deps, deps.requireRole);
  return router;
}
