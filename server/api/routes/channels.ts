// Channels: create one, promote a version, read where a channel points. Creating is its own act:
// a promotion of a channel that does not exist is a 404 naming those that do, so a typo
// (`stabel`) never becomes a channel.
import { ApiError } from '../../../kernel/http/errors.ts';
import type { ReleaseStore } from '../../store/types.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { nameParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { channelCreate, channelPromote } from '../schemas.ts';

/** The 404 of a channel that does not exist, naming the app's channels so a typo is plain to see. */
async function noChannel(store: ReleaseStore, appId: string, name: string): Promise<ApiError> {
  const names = (await store.listChannels(appId)).map((c) => c.name);
  const known = names.length > 0 ? `channels: ${names.join(', ')}` : 'the app has no channels yet';
  return new ApiError('not_found', `no channel "${name}"; ${known} (create one with POST /api/v1/apps/{app}/channels)`);
}

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
    method: 'POST',
    path: '/apps/:app/channels',
    role: 'release',
    tag: 'channels',
    summary: 'Create a channel (pointing at no version until promoted)',
    body: channelCreate,
    responses: { 201: '{ channel }', 404: 'no such app', 409: 'the channel exists' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const at = deps.now();
      const by = actorOf(ctx.state);
      const channel = { appId: app.id, name: body.name, version: null, updatedAt: at, updatedBy: by };
      const r = await deps.store.createChannel(channel, activity(app.id, 'channel-created', by, at, `channel ${body.name} created`, { channel: body.name }));
      if (r === 'no-app') throw new ApiError('not_found', `no app ${app.id}`);
      if (r === 'exists') throw new ApiError('conflict', `channel "${body.name}" exists in app ${app.id}`);
      deps.releases.invalidate(app.id);
      return { status: 201, body: { channel } };
    },
  }),
  route({
    method: 'PUT',
    path: '/apps/:app/channels/:channel',
    role: 'release',
    tag: 'channels',
    summary: 'Promote a version to an existing channel; answers the previous version',
    body: channelPromote,
    responses: { 200: '{ channel, previous }', 404: 'no such app or channel (the message names the channels)', 409: 'no package of that version' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const name = nameParam(ctx, 'channel');
      const at = deps.now();
      const by = actorOf(ctx.state);
      const channel = { appId: app.id, name, version: body.version, updatedAt: at, updatedBy: by };
      const r = await deps.store.promoteChannel(
        channel,
        activity(app.id, 'channel-promoted', by, at, `channel ${name} promoted to ${body.version}`, { channel: name, version: body.version }),
      );
      if (r === 'no-app') throw new ApiError('not_found', `no app ${app.id}`);
      if (r === 'no-channel') throw await noChannel(deps.store, app.id, name);
      if (r === 'no-package') throw new ApiError('conflict', `no package of version ${body.version} in app ${app.id}; publish it first`);
      deps.releases.invalidate(app.id);
      return { body: { channel, previous: r.previous } };
    },
  }),
];
