// Groups map a node-sent track to a channel. Without a group, a track equal to a channel's name
// follows that channel.
import type { Context } from 'koa';
import type { ServerDeps } from '../../deps.ts';
import type { TrackGroupRecord } from '../../domain/types.ts';
import { ApiError } from '../../../kernel/http/errors.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { nameParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { groupBody, groupCreate } from '../schemas.ts';

async function saveGroup(
  ctx: Context,
  deps: ServerDeps,
  appId: string,
  id: string,
  body: { name?: string | undefined; track: string; channel: string },
) {
  const at = deps.now();
  const group: TrackGroupRecord = { appId, id, name: body.name ?? id, track: body.track, channel: body.channel, createdAt: at, updatedAt: at };
  const msg = `group ${id} set: track ${body.track} → channel ${body.channel}`;
  const r = await deps.store.putTrackGroup(group, activity(appId, 'group-changed', actorOf(ctx.state), at, msg, { group: id, track: body.track, channel: body.channel }));
  if (r === 'no-app') throw new ApiError('not_found', `no app ${appId}`);
  if (r === 'track-taken') throw new ApiError('conflict', `another group of app ${appId} already uses track ${body.track}`);
  deps.releases.invalidate(appId);
  return { r, group };
}

export const groupRoutes = [
  route({
    method: 'GET',
    path: '/apps/:app/groups',
    role: 'read-only',
    tag: 'groups',
    summary: 'List groups',
    responses: { 200: '{ groups: Group[] }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      return { body: { groups: await deps.store.listTrackGroups(app.id) } };
    },
  }),
  route({
    method: 'POST',
    path: '/apps/:app/groups',
    role: 'release',
    tag: 'groups',
    summary: 'Create a group mapping a track to a channel',
    body: groupCreate,
    responses: { 201: '{ group }', 409: 'the group or its track exists' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const existing = (await deps.store.listTrackGroups(app.id)).find((g) => g.id === body.id);
      if (existing) throw new ApiError('conflict', `group ${body.id} exists; use PUT to change it`);
      const { group } = await saveGroup(ctx, deps, app.id, body.id, body);
      return { status: 201, body: { group } };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/groups/:group',
    role: 'read-only',
    tag: 'groups',
    summary: 'One group',
    responses: { 200: '{ group }', 404: 'no such group' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const id = nameParam(ctx, 'group');
      const group = (await deps.store.listTrackGroups(app.id)).find((g) => g.id === id);
      if (!group) throw new ApiError('not_found', `no group ${id} in app ${app.id}`);
      return { body: { group } };
    },
  }),
  route({
    method: 'PUT',
    path: '/apps/:app/groups/:group',
    role: 'release',
    tag: 'groups',
    summary: 'Create or replace a group',
    body: groupBody,
    responses: { 200: '{ group } (replaced)', 201: '{ group } (created)', 409: 'track used by another group' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const { r, group } = await saveGroup(ctx, deps, app.id, nameParam(ctx, 'group'), body);
      return { status: r === 'created' ? 201 : 200, body: { group } };
    },
  }),
  route({
    method: 'DELETE',
    path: '/apps/:app/groups/:group',
    role: 'release',
    tag: 'groups',
    summary: 'Delete a group (its nodes fall back to a channel named like their track, if any)',
    responses: { 204: 'deleted', 404: 'no such group' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const id = nameParam(ctx, 'group');
      const ok = await deps.store.deleteTrackGroup(app.id, id, activity(app.id, 'group-deleted', actorOf(ctx.state), deps.now(), `group ${id} deleted`, { group: id }));
      if (!ok) throw new ApiError('not_found', `no group ${id} in app ${app.id}`);
      deps.releases.invalidate(app.id);
      return { status: 204, body: null };
    },
  }),
];
