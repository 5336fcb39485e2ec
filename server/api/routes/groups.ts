// Groups map a node-sent track to a channel. Without a group, a track equal to a channel's name
// follows that channel.
import type { Context } from 'koa';
import type { ServerDeps } from '../../deps.ts';
import type { TrackGroupRecord } from '../../domain/types.ts';
import { DEFAULT_POLICY, type GroupPolicy } from '../../domain/rollout/policy.ts';
import ms from 'ms';
import { ApiError } from '../../../kernel/http/errors.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { nameParam, requireApp } from '../params.ts';
import { route } from '../route.ts';
import { groupBody, groupCreate } from '../schemas.ts';

interface GroupInput {
  name?: string | undefined;
  track?: string | undefined;
  channel?: string | undefined;
  policy?: GroupPolicy | undefined;
}

/**
 * The group a PUT writes: what the body gives, else what the group had. A new group needs its track
 * and channel, except one named like a channel (the implicit group nodes on that track are in), which
 * follows that channel from its own track, so a policy can be set on it alone.
 */
async function resolveGroup(deps: ServerDeps, appId: string, id: string, body: GroupInput): Promise<Omit<TrackGroupRecord, 'createdAt' | 'updatedAt'>> {
  const existing = (await deps.store.listTrackGroups(appId)).find((g) => g.id === id);
  const implicit = !existing && (await deps.store.getChannel(appId, id)) !== null;
  const track = body.track ?? existing?.track ?? (implicit ? id : undefined);
  const channel = body.channel ?? existing?.channel ?? (implicit ? id : undefined);
  if (track === undefined || channel === undefined) {
    throw new ApiError('validation_failed', `a new group needs "track" and "channel" (only a group named like a channel may leave them out)`, [
      ...(track === undefined ? [{ path: 'track', message: 'required for a new group' }] : []),
      ...(channel === undefined ? [{ path: 'channel', message: 'required for a new group' }] : []),
    ]);
  }
  return { appId, id, name: body.name ?? existing?.name ?? id, track, channel, policy: body.policy ?? existing?.policy ?? DEFAULT_POLICY };
}

function policyText(p: GroupPolicy): string {
  const parts: string[] = [];
  if (!p.updatesEnabled) parts.push('updates disabled');
  if (p.maxUpdatesPerPeriod) parts.push(`at most ${p.maxUpdatesPerPeriod.count} per ${ms(p.maxUpdatesPerPeriod.periodMs)}`);
  if (p.maxInProgress !== null) parts.push(`at most ${p.maxInProgress} in progress`);
  if (p.updateTimeoutMs !== null) parts.push(`timeout ${ms(p.updateTimeoutMs)}`);
  if (p.windows.length > 0) parts.push(`${p.windows.length} window${p.windows.length === 1 ? '' : 's'}`);
  if (p.safeMode) parts.push('safe mode');
  if (p.pinVersion) parts.push(`pinned to ${p.pinVersion}`);
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

async function saveGroup(ctx: Context, deps: ServerDeps, appId: string, id: string, body: GroupInput) {
  const at = deps.now();
  const group: TrackGroupRecord = { ...(await resolveGroup(deps, appId, id, body)), createdAt: at, updatedAt: at };
  const msg = `group ${id} set: track ${group.track} → channel ${group.channel}; policy: ${policyText(group.policy)}`;
  const data = { group: id, track: group.track, channel: group.channel, policy: policyText(group.policy) };
  const r = await deps.store.putTrackGroup(group, activity(appId, 'group-changed', actorOf(ctx.state), at, msg, data));
  if (r === 'no-app') throw new ApiError('not_found', `no app ${appId}`);
  if (r === 'track-taken') throw new ApiError('conflict', `another group of app ${appId} already uses track ${group.track}`);
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
