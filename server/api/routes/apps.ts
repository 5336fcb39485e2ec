// Apps and their activity log.
import { ApiError } from '../../../kernel/http/errors.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { intQuery, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { appCreate } from '../schemas.ts';

export const appRoutes = [
  route({
    method: 'GET',
    path: '/apps',
    role: 'read-only',
    tag: 'apps',
    summary: 'List apps',
    responses: { 200: '{ apps: App[] }' },
    handler: async (_ctx, deps) => ({ body: { apps: await deps.store.listApps() } }),
  }),
  route({
    method: 'POST',
    path: '/apps',
    role: 'release',
    tag: 'apps',
    summary: 'Create an app (its Omaha appid, with or without braces)',
    body: appCreate,
    responses: { 201: '{ app }', 409: 'the app exists' },
    handler: async (ctx, deps, body) => {
      const at = deps.now();
      const app = { id: body.id, name: body.name, createdAt: at };
      const actor = actorOf(ctx.state);
      const r = await deps.store.createApp(app, activity(app.id, 'app-created', actor, at, `app ${app.id} (${app.name}) created`));
      if (r === 'exists') throw new ApiError('conflict', `app ${app.id} exists`);
      deps.releases.invalidate(app.id);
      return { status: 201, body: { app } };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app',
    role: 'read-only',
    tag: 'apps',
    summary: 'One app',
    responses: { 200: '{ app }', 404: 'no such app' },
    handler: async (ctx, deps) => ({ body: { app: await requireApp(ctx, deps.store) } }),
  }),
  route({
    method: 'GET',
    path: '/apps/:app/activity',
    role: 'read-only',
    tag: 'apps',
    summary: 'Activity log, newest first',
    query: { limit: 'at most this many entries (1-1000, default 100)' },
    responses: { 200: '{ activity: ActivityEntry[] }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const limit = intQuery(ctx, 'limit', 100, 1, 1000);
      return { body: { activity: await deps.store.listActivity(app.id, limit) } };
    },
  }),
];
