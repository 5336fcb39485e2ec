// A channel's rollout: where it stands (from counters, never a scan) and the operator's actions.
import { ApiError } from '../../../kernel/http/errors.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import type { RolloutAction } from '../../domain/rollout/state.ts';
import { applyRolloutAction } from '../../rollout/actions.ts';
import { noChannelError } from '../../rollout/channel-write.ts';
import { buildRolloutView, type RolloutView } from '../../rollout/view.ts';
import { rebootingCounts, rebootingInto } from '../../rollout/rebooting.ts';
import type { ServerDeps } from '../../deps.ts';
import { nameParam, requireApp } from '../params.ts';
import { route, type ServerRoute } from '../route.ts';
import { rolloutActionBody } from '../schemas.ts';

async function viewOf(deps: ServerDeps, appId: string, name: string): Promise<RolloutView> {
  const [config, counters] = await Promise.all([deps.store.loadAppConfig(appId), deps.store.counters(appId)]);
  const channel = config?.channels.find((c) => c.name === name);
  if (!config || !channel) throw noChannelError(appId, name, config?.channels.map((c) => c.name) ?? []);
  // The newest rollout, also one the channel has moved on from (a rolled-back one shows as aborted).
  const r = channel.rollout;
  if (!r) throw new ApiError('not_found', `channel ${name} has no rollout: its version ${channel.version ?? '(none)'} was offered to every node at once`);
  return buildRolloutView(appId, name, r, counters, deps.now(), rebootingInto(await rebootingCounts(deps, appId), name, r.version));
}

const ACTIONS = ['pause', 'resume', 'advance', 'abort'] as const;

function actionRoute(action: (typeof ACTIONS)[number]): ServerRoute {
  return route({
    method: 'POST',
    path: `/apps/:app/channels/:channel/rollout/${action}`,
    role: 'release',
    tag: 'rollouts',
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} the channel's rollout${action === 'abort' ? ' (rollback: true promotes the previous version back)' : ''}`,
    body: rolloutActionBody,
    responses: { 200: '{ rollout: RolloutView }', 404: 'no such app, channel or rollout', 409: 'the rollout cannot do that now (the message says why)' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const name = nameParam(ctx, 'channel');
      if (body.rollback !== undefined && action !== 'abort') throw new ApiError('bad_request', 'rollback: only abort can roll back');
      const by = actorOf(ctx.state);
      const why = body.why !== undefined ? { why: body.why } : {};
      const a: RolloutAction = action === 'abort' ? { type: 'abort', by, ...why, rollback: body.rollback === true } : { type: action, by, ...why };
      await applyRolloutAction(deps, app.id, name, a);
      return { body: { rollout: await viewOf(deps, app.id, name) } };
    },
  });
}

export const rolloutRoutes: ServerRoute[] = [
  route({
    method: 'GET',
    path: '/apps/:app/channels/:channel/rollout',
    role: 'read-only',
    tag: 'rollouts',
    summary: "The channel's rollout: state, percent offered, steps, counts per status of its nodes (from counters), failures, halt reason, history",
    responses: { 200: '{ rollout: RolloutView }', 404: 'no such app or channel, or the channel has no rollout' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      return { body: { rollout: await viewOf(deps, app.id, nameParam(ctx, 'channel')) } };
    },
  }),
  ...ACTIONS.map(actionRoute),
];

