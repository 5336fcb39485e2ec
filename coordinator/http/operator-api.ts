// Operator API under /api/v1/reboot-groups: look at groups (read-only role) and act on them
// (release role): set max, windows and lease policy, pause / resume, force-unlock one holder.
// /api/v1/reboot-history reads the slot history across groups (one node's, or operators' actions).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { actorOf, type RequireRole } from '../../kernel/auth/auth.ts';
import { API_PREFIX, registerRoutes, route } from '../../kernel/http/route-spec.ts';
import { ApiError } from '../../kernel/http/errors.ts';
import { parseMinutes } from '../../kernel/duration.ts';
import { LEASE_POLICIES, type GroupChange, type LeasePolicy } from '../domain/types.ts';
import { parseWindow, WindowError } from '../../kernel/time/window-parse.ts';
import type { HistoryFilter, RebootService } from '../service.ts';
import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, HISTORY_SEARCH_DEPTH } from '../history-across.ts';
import { holderIdProblem, isGroupName, GROUP_PATTERN } from '../../protocol/fleetlock/names.ts';

const MAX_BODY = 16 * 1024;
const LEASE_MIN_S = 10;
const LEASE_MAX_S = 30 * 86400;

const windowSchema = z.strictObject({
  days: z.union([z.string(), z.array(z.string()).max(7)]).optional(),
  start: z.string().max(32),
  length: z.union([z.string().max(32), z.number().int()]),
  zone: z.string().max(64).optional(),
});

const putSchema = z
  .strictObject({
    max: z.number().int().min(0).max(1_000_000).optional(),
    windows: z.array(windowSchema).max(32).optional(),
    leaseSeconds: z.number().int().min(LEASE_MIN_S).max(LEASE_MAX_S).optional(),
    /** The same as leaseSeconds, written as a duration: `90m`, `2h`, `1d`. */
    lease: z.string().max(32).optional(),
    leasePolicy: z.enum(LEASE_POLICIES as [LeasePolicy, ...LeasePolicy[]]).optional(),
  })
  .refine((b) => !(b.lease !== undefined && b.leaseSeconds !== undefined), { message: 'give lease or leaseSeconds, not both' });

const reasonSchema = z.strictObject({ reason: z.string().max(500).optional() });

function groupParam(ctx: Context): string {
  const g = String((ctx as unknown as { params: Record<string, string> }).params.group ?? '');
  if (!isGroupName(g)) throw new ApiError('bad_request', `group must match ${GROUP_PATTERN.source} (at most 128 characters)`);
  return g;
}

/** The holder id in the path. koa-router hands back a segment that is not UTF-8 (`%ED%A0%80`) undecoded: refused. */
function holderParam(ctx: Context): string {
  const raw = String((ctx as unknown as { params: Record<string, string> }).params.id ?? '');
  try {
    decodeURIComponent(ctx.path);
  } catch {
    throw new ApiError('bad_request', 'holder id is not valid percent-encoded UTF-8');
  }
  const problem = holderIdProblem(raw);
  if (problem) throw new ApiError('bad_request', `holder id ${problem}`);
  return raw;
}

function toChange(body: z.infer<typeof putSchema>): GroupChange {
  const change: GroupChange = {};
  if (body.max !== undefined) change.max = body.max;
  if (body.leasePolicy !== undefined) change.leasePolicy = body.leasePolicy;
  if (body.leaseSeconds !== undefined) change.leaseSeconds = body.leaseSeconds;
  if (body.lease !== undefined) {
    const minutes = parseMinutes(body.lease);
    if (minutes === null || minutes * 60 > LEASE_MAX_S) throw new ApiError('validation_failed', `invalid lease "${body.lease}": use 30m, 2h, 1d (at most 30 days)`);
    change.leaseSeconds = minutes * 60;
  }
  if (body.windows !== undefined) {
    change.windows = body.windows.map((w, i) => {
      try {
        return parseWindow(w);
      } catch (err) {
        if (err instanceof WindowError) throw new ApiError('validation_failed', `windows[${i}]: ${err.message}`);
        throw err;
      }
    });
  }
  return change;
}

function historyLimit(ctx: Context): number {
  const raw = ctx.query.history;
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new ApiError('bad_request', 'history must be an integer from 0 to 1000');
  return n;
}

const HISTORY_PARAMS: ReadonlySet<string> = new Set(['node', 'actions', 'limit']);

/** One parameter of /reboot-history: at most once, never empty. */
function oneParam(ctx: Context, name: string): string | undefined {
  const raw = ctx.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '') throw new ApiError('bad_request', `query parameter ${name} must be given once, not empty`);
  return raw;
}

/**
 * The query of /reboot-history, strictly: known parameters only, each once, exactly one of node and
 * actions. Koa decodes bad percent-encoding to U+FFFD, which would quietly look for another id: the
 * raw query is checked first, as holderParam checks the path.
 */
function historyQuery(ctx: Context): { filter: HistoryFilter; limit: number } {
  for (const part of ctx.querystring.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ApiError('bad_request', 'the query is not valid percent-encoded UTF-8');
    }
  }
  for (const name of Object.keys(ctx.query)) {
    if (!HISTORY_PARAMS.has(name)) throw new ApiError('bad_request', `unknown query parameter ${JSON.stringify(name.slice(0, 64))}: use node, actions or limit`);
  }
  const node = oneParam(ctx, 'node');
  const actions = oneParam(ctx, 'actions');
  if ((node === undefined) === (actions === undefined)) throw new ApiError('bad_request', 'give exactly one of node=<id> and actions=operator');
  if (actions !== undefined && actions !== 'operator') throw new ApiError('bad_request', 'query parameter actions must be operator');
  const problem = node === undefined ? null : holderIdProblem(node);
  if (problem) throw new ApiError('bad_request', `query parameter node ${problem}`);
  const rawLimit = oneParam(ctx, 'limit');
  const limit = rawLimit === undefined ? HISTORY_LIMIT_DEFAULT : /^[0-9]{1,3}$/.test(rawLimit) ? Number(rawLimit) : 0;
  if (limit < 1 || limit > HISTORY_LIMIT_MAX) throw new ApiError('bad_request', `query parameter limit must be a whole number from 1 to ${HISTORY_LIMIT_MAX}`);
  return { filter: node !== undefined ? { node } : { actions: 'operator' }, limit };
}

const notFound = (group: string) => new ApiError('not_found', `no reboot group "${group}"`);

interface OperatorDeps {
  service: RebootService;
}

/** The operator API, described once: registered below and documented in docs/openapi.json. */
export const OPERATOR_ROUTES = [
  route({
    method: 'GET',
    path: '/reboot-groups',
    role: 'read-only',
    tag: 'reboot-groups',
    summary: 'Reboot groups: max, holders, paused, windows',
    responses: { 200: '{ groups }' },
    handler: async (_ctx, { service }: OperatorDeps) => ({ body: { groups: await service.list() } }),
  }),
  route({
    method: 'GET',
    path: '/reboot-groups/:group',
    role: 'read-only',
    tag: 'reboot-groups',
    summary: 'One reboot group: holders (since, lease left, fencing token, target version), waiting nodes, windows, history',
    query: { history: 'history entries, 0-1000 (default 50)' },
    responses: { 200: 'group view', 404: 'no such group' },
    handler: async (ctx, { service }: OperatorDeps) => {
      const group = groupParam(ctx);
      const view = await service.view(group, historyLimit(ctx));
      if (!view) throw notFound(group);
      return { body: view };
    },
  }),
  route({
    method: 'GET',
    path: '/reboot-history',
    role: 'read-only',
    tag: 'reboot-groups',
    summary: `Slot history across all reboot groups, newest first: one node's slots or what operators did (the newest ${HISTORY_SEARCH_DEPTH} lines of each group are searched)`,
    query: {
      node: "only the lines of this holder id (its grants, releases, expiries, force-unlocks); give node or actions",
      actions: 'operator: only what an operator did (force-unlock, configure, pause, resume, create)',
      limit: `lines answered, 1-${HISTORY_LIMIT_MAX} (default ${HISTORY_LIMIT_DEFAULT})`,
    },
    responses: { 200: '{ events: [{ group, at, event, holder?, fencingToken?, by?, detail?, max?, freed? }] }', 400: 'unknown, repeated or bad query parameter' },
    handler: async (ctx, { service }: OperatorDeps) => {
      const { filter, limit } = historyQuery(ctx);
      return { body: { events: await service.historyAcross(filter, limit) } };
    },
  }),
  route({
    method: 'PUT',
    path: '/reboot-groups/:group',
    role: 'release',
    tag: 'reboot-groups',
    summary: 'Set max, windows, lease and lease policy (creates the group when new)',
    body: putSchema,
    bodyLimit: MAX_BODY,
    responses: { 200: 'group view' },
    handler: async (ctx, { service }: OperatorDeps, body) => ({ body: await service.configure(groupParam(ctx), toChange(body), actorOf(ctx.state), true) }),
  }),
  route({
    method: 'POST',
    path: '/reboot-groups/:group/pause',
    role: 'release',
    tag: 'reboot-groups',
    summary: 'Pause a group: no slot is granted until it is resumed',
    body: reasonSchema,
    bodyOptional: true,
    bodyLimit: MAX_BODY,
    responses: { 200: 'group view' },
    handler: async (ctx, { service }: OperatorDeps, { reason }) => ({
      body: await service.configure(groupParam(ctx), { paused: true, pauseReason: reason ?? null }, actorOf(ctx.state), true),
    }),
  }),
  route({
    method: 'POST',
    path: '/reboot-groups/:group/resume',
    role: 'release',
    tag: 'reboot-groups',
    summary: 'Resume a paused group',
    responses: { 200: 'group view', 404: 'no such group' },
    handler: async (ctx, { service }: OperatorDeps) => {
      const group = groupParam(ctx);
      const view = await service.configure(group, { paused: false }, actorOf(ctx.state), false);
      if (!view) throw notFound(group);
      return { body: view };
    },
  }),
  route({
    method: 'DELETE',
    path: '/reboot-groups/:group/holders/:id',
    role: 'release',
    tag: 'reboot-groups',
    summary: 'Force-unlock one holder',
    query: { reason: 'why, for the history' },
    responses: { 200: '{ released, group, id, fencingToken, since }', 404: 'no such group or holder' },
    handler: async (ctx, { service }: OperatorDeps) => {
      const group = groupParam(ctx);
      const id = holderParam(ctx);
      const reason = typeof ctx.query.reason === 'string' ? ctx.query.reason.slice(0, 500) : undefined;
      const out = await service.forceUnlock(group, id, actorOf(ctx.state), reason);
      if (out.kind === 'unknown-group') throw notFound(group);
      if (out.kind === 'not-held') throw new ApiError('not_found', `"${id}" holds no slot in group "${group}"`);
      return { body: { released: true, group, id, fencingToken: out.holder.fencingToken, since: new Date(out.holder.since).toISOString() } };
    },
  }),
];

export function operatorRouter(service: RebootService, requireRole: RequireRole): Router {
  // Under the same /api/v1 prefix as the release API. Failures go to the JSON error boundary
  // (kernel/http/errors.ts): a store that does not answer is a 503, a bug a logged 500.
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, OPERATOR_ROUTES, { service }, requireRole);
  return router;
}
