// Channels: create one, promote a version, read where a channel points. Creating is its own act:
// a promotion of a channel that does not exist is a 404 naming those that do, so a typo
// (`stabel`) never becomes a channel.
import { ApiError } from '../../../kernel/http/errors.ts';
import { noChannelError } from '../../rollout/channel-write.ts';
import { dryRunPromotion } from '../../rollout/dry-run.ts';
import { promote } from '../../rollout/promote.ts';
import { buildRolloutView } from '../../rollout/view.ts';
import { rebootingCounts, rebootingInto } from '../../rollout/rebooting.ts';
import { CHANNEL_DEFAULTS } from '../../domain/types.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { nameParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { channelCreate, channelPromote } from '../schemas.ts';

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
      const channel = { appId: app.id, name: body.name, version: null, updatedAt: at, updatedBy: by, ...CHANNEL_DEFAULTS };
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
    summary:
      'Promote a version to an existing channel, with a rollout plan (`rollout`) or to every node at once; `dryRun` answers what would happen and changes nothing',
    body: channelPromote,
    responses: {
      200: '{ channel, previous, rollout: RolloutView | null, missingArches } (with dryRun: { dryRun: true, groups, eligible, steps, missingArches, refused })',
      404: 'no such app or channel (the message names the channels)',
      409: 'no package of that version; the version is pulled; older than the channel\'s (allowDowngrade); no package for an arch nodes run (allowMissingArch)',
    },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const name = nameParam(ctx, 'channel');
      const input = { version: body.version, plan: body.rollout ?? null, allowDowngrade: body.allowDowngrade, floors: body.floors, allowMissingArch: body.allowMissingArch };
      if (body.dryRun) {
        const [config, counters] = await Promise.all([deps.store.loadAppConfig(app.id), deps.store.counters(app.id)]);
        const channel = config?.channels.find((c) => c.name === name);
        if (!config || !channel) throw noChannelError(app.id, name, config?.channels.map((c) => c.name) ?? []);
        return { body: dryRunPromotion(config, counters, channel, input) };
      }
      const r = await promote(deps, app.id, name, input, actorOf(ctx.state));
      const rollout = r.rollout
        ? buildRolloutView(app.id, name, r.rollout, await deps.store.counters(app.id), deps.now(), rebootingInto(await rebootingCounts(deps, app.id), name, r.rollout.version))
        : null;
      return { body: { channel: r.channel, previous: r.previous, rollout, missingArches: r.missingArches } };
    },
  }),
];
