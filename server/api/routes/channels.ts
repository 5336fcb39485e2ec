// Channels: promote a version, read where a channel points.
import { ApiError } from '../../../kernel/http/errors.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { nameParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { channelPromote } from '../schemas.ts';

export const channelRoutes = [
  route({
    method: 'GET',
    path: '/apps/:app/channels',
    role: 'read-only',
    tag: 'channels',
    summary: 'List channels',
    responses: { 200: '{ channels: Channel[] }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      return { body: { channels: await deps.store.listChannels(app.id) } };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/channels/:channel',
    role: 'read-only',
    tag: 'channels',
    summary: 'One channel',
    responses: { 200: '{ channel }', 404: 'no such app or channel' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const name = nameParam(ctx, 'channel');
      const channel = await deps.store.getChannel(app.id, name);
      if (!channel) throw new ApiError('not_found', `no channel ${name} in app ${app.id}`);
      return { body: { channel } };
    },
  }),
  route({
    method: 'PUT',
    path: '/apps/:app/channels/:channel',
    role: 'release',
    tag: 'channels',
    summary: 'Promote a version to a channel (creates the channel when new); answers the previous version',
    body: channelPromote,
    responses: { 200: '{ channel, previous }', 404: 'no such app', 409: 'no package of that version' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const name = nameParam(ctx, 'channel');
      const at = deps.now();
      const actor = actorOf(ctx.state);
      const channel = { appId: app.id, name, version: body.version, updatedAt: at, updatedBy: actor };
      const r = await deps.store.promoteChannel(
        channel,
        activity(app.id, 'channel-promoted', actor, at, `channel ${name} promoted to ${body.version}`, { channel: name, version: body.version }),
      );
      if (r === 'no-app') throw new ApiError('not_found', `no app ${app.id}`);
      if (r === 'no-package') throw new ApiError('conflict', `no package of version ${body.version} in app ${app.id}; publish it first`);
      deps.releases.invalidate(app.id);
      return { body: { channel, previous: r.previous } };
    },
  }),
];
