// Instances (nodes) as Platte last saw them, their history, and the fleet summary.
import type { Context } from 'koa';
import { summarize } from '../../domain/summary.ts';
import { rebootingCounts } from '../../rollout/rebooting.ts';
import { INSTANCE_STATUSES } from '../../domain/statuses.ts';
import type { InstanceRecord } from '../../domain/types.ts';
import { ApiError } from '../../../kernel/http/errors.ts';
import { HISTORY_CAP, MAX_CANARIES, type InstanceStore, type Page } from '../../store/types.ts';
import { intQuery, machineIdParam, requireApp } from '../params.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { route } from '../route.ts';
import { instanceChange, pruneBody } from '../schemas.ts';

/**
 * Most store pages one filtered listing reads. Filters read pages of the list, not an index: a
 * request scans at most FILTER_PAGE_READS × limit instances and may answer fewer than `limit`
 * matches (even none) with a `next` cursor; the caller keeps paging until `next` is null.
 */
export const FILTER_PAGE_READS = 10;

type InstanceFilter = { version?: string; status?: string; group?: string };

/** An optional text query parameter, given at most once. */
function textQuery(ctx: Context, name: string, max = 128): string | undefined {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > max) throw new ApiError('bad_request', `query parameter ${name} must be given once, at most ${max} characters`);
  return raw;
}

function filterQuery(ctx: Context): InstanceFilter | null {
  const f: InstanceFilter = {};
  for (const name of ['version', 'status', 'group'] as const) {
    const v = textQuery(ctx, name);
    if (v !== undefined) f[name] = v;
  }
  if (f.status !== undefined && !(INSTANCE_STATUSES as readonly string[]).includes(f.status)) {
    throw new ApiError('bad_request', `query parameter status must be one of ${INSTANCE_STATUSES.join(', ')}`);
  }
  return Object.keys(f).length ? f : null;
}

const matches = (f: InstanceFilter) => (i: InstanceRecord) =>
  (f.version === undefined || i.version === f.version) && (f.status === undefined || i.status === f.status) && (f.group === undefined || i.group === f.group);

/**
 * Up to `limit` matching instances. Each store page asks for just the matches still missing, so
 * the store's own cursor marks where the answer stops: no match is skipped or handed out twice.
 */
async function filteredPage(store: InstanceStore, appId: string, f: InstanceFilter, limit: number, cursor: string | undefined): Promise<Page<InstanceRecord>> {
  const items: InstanceRecord[] = [];
  let next = cursor;
  for (let read = 0; read < FILTER_PAGE_READS && items.length < limit; read++) {
    const page = await store.listInstances(appId, { limit: limit - items.length, ...(next ? { cursor: next } : {}) });
    items.push(...page.items.filter(matches(f)));
    if (page.next === null) return { items, next: null };
    next = page.next;
  }
  return { items, next: next ?? null };
}

export const instanceRoutes = [
  route({
    method: 'GET',
    path: '/apps/:app/instances',
    role: 'read-only',
    tag: 'instances',
    summary: `Instances, most recently seen first (paged). Filters read pages, not an index: a filtered request reads at most ${FILTER_PAGE_READS} pages of \`limit\` and may answer fewer matches (even none) with a \`next\` cursor; page on until \`next\` is null`,
    query: {
      limit: '1-1000, default 100',
      cursor: 'from the previous page',
      version: 'filter: only instances running this version',
      status: `filter: only instances in this status (${INSTANCE_STATUSES.join(', ')})`,
      group: 'filter: only instances of this group',
    },
    responses: { 200: '{ instances: Instance[], next: string|null }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const limit = intQuery(ctx, 'limit', 100, 1, 1000);
      const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
      const filter = filterQuery(ctx);
      // A cursor the store cannot decode rejects with BadCursorError: a 400 by the error contract.
      const page = filter
        ? await filteredPage(deps.store, app.id, filter, limit, cursor)
        : await deps.store.listInstances(app.id, { limit, ...(cursor ? { cursor } : {}) });
      return { body: { instances: page.items, next: page.next } };
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
      const [history, index] = await Promise.all([deps.store.getHistory(app.id, id, HISTORY_CAP), deps.releases.get(app.id)]);
      return { body: { instance: { ...instance, canary: index?.canaries.has(id) ?? false }, history } };
    },
  }),
  route({
    method: 'PUT',
    path: '/apps/:app/instances/:machineid',
    role: 'release',
    tag: 'instances',
    summary: 'Mark a node as a canary (in every rollout from its first step) or unmark it; the node need not have checked in yet',
    body: instanceChange,
    responses: { 200: '{ machineId, canary, changed }', 400: 'not a machine id', 409: `the app has ${MAX_CANARIES} canaries already` },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const id = machineIdParam(ctx);
      if (!/^[0-9a-z_-]{1,128}$/.test(id)) throw new ApiError('bad_request', 'machineid must be 1-128 letters, digits, "-" or "_"');
      const by = actorOf(ctx.state);
      const at = deps.now();
      const what = body.canary ? 'marked as a canary' : 'no longer a canary';
      const r = await deps.store.setCanary(app.id, id, body.canary, activity(app.id, 'instance-changed', by, at, `${id} ${what}`, { machineId: id, canary: body.canary ? 'yes' : 'no' }));
      if (r === 'no-app') throw new ApiError('not_found', `no app ${app.id}`);
      if (r === 'too-many') throw new ApiError('conflict', `app ${app.id} has ${MAX_CANARIES} canaries already; unmark some first`);
      deps.releases.invalidate(app.id);
      return { body: { machineId: id, canary: body.canary, changed: r === 'changed' } };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/summary',
    role: 'read-only',
    tag: 'instances',
    summary:
      'Fleet summary from counters: nodes per version, status, channel, group; unknown tracks; nodes held back per channel and reason; nodes rebooting now (holding a reboot slot while installed) per channel and target version',
    responses: { 200: 'Summary' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      const [counters, total, rebooting] = await Promise.all([deps.store.counters(app.id), deps.store.countInstances(app.id), rebootingCounts(deps, app.id)]);
      return { body: { ...summarize(counters, total), rebooting, counters } };
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
