// Instances (nodes) as Platte last saw them, their history, and the fleet summary.
import { summarize } from '../../domain/counters.ts';
import { ApiError } from '../../../kernel/http/errors.ts';
import { HISTORY_CAP } from '../../store/types.ts';
import { intQuery, machineIdParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { pruneBody } from '../schemas.ts';

export const instanceRoutes = [
  route({
    method: 'GET',
    path: '/apps/:app/instances',
    role: 'read-only',
    tag: 'instances',
    summary: 'Instances, most recently seen first (paged)',
    query: { limit: '1-1000, default 100', cursor: 'from the previous page' },
    responses: { 200: '{ instances: Instance[], next: string|null }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const limit = intQuery(ctx, 'limit', 100, 1, 1000);
      const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
      try {
        const page = await deps.store.listInstances(app.id, { limit, ...(cursor ? { cursor } : {}) });
        return { body: { instances: page.items, next: page.next } };
      } catch (err) {
        if ((err as Error).message.startsWith('bad cursor')) throw new ApiError('bad_request', 'bad cursor');
        throw err;
      }
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/instances/:machineid',
    role: 'read-only',
    tag: 'instances',
    summary: 'One instance: current state and event history (newest first)',
    responses: { 200: '{ instance, history }', 404: 'never seen' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const id = machineIdParam(ctx);
      const instance = await deps.store.getInstance(app.id, id);
      if (!instance) throw new ApiError('not_found', `instance ${id} has not checked in to app ${app.id}`);
      const history = await deps.store.getHistory(app.id, id, HISTORY_CAP);
      return { body: { instance, history } };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/summary',
    role: 'read-only',
    tag: 'instances',
    summary: 'Fleet summary from counters: nodes per version, status, channel, group; unknown tracks',
    responses: { 200: 'Summary' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const [counters, total] = await Promise.all([deps.store.counters(app.id), deps.store.countInstances(app.id)]);
      return { body: { ...summarize(counters, total), counters } };
    },
  }),
  route({
    method: 'POST',
    path: '/apps/:app/instances/prune',
    role: 'admin',
    tag: 'instances',
    summary: 'Forget instances not seen for a number of days',
    body: pruneBody,
    responses: { 200: '{ removed }' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const before = deps.now() - body.olderThanDays * 86_400_000;
      return { body: { removed: await deps.store.pruneInstances(app.id, before, body.limit) } };
    },
  }),
];
