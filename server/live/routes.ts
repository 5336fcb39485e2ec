// The live events endpoint as a RouteSpec under /api/v1 (read-only role, the same token check as
// every route): `GET /events?app=<appid>` answers a server-sent event stream (better-sse) of the
// app's summary, rollout events, reboot-slot changes (every stream, whatever its app) and a
// closing reason (hub.ts). The browser's EventSource
// reconnects by itself (`retry` below) after the stream ends, a server restart included.
import Router from '@koa/router';
import { createSession, type Session } from 'better-sse';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { RequireRole } from '../../kernel/auth/auth.ts';
import { ApiError } from '../../kernel/http/errors.ts';
import { API_PREFIX, registerRoutes, route, type RouteSpec } from '../../kernel/http/route-spec.ts';
import { isValidAppId, normalizeAppId } from '../../protocol/omaha/appid.ts';
import type { ReleaseStore } from '../store/types.ts';
import { passJson, type LiveHub } from './hub.ts';

/** What the browser waits before it reconnects a stream that ended (ms). */
export const RECONNECT_MS = 2_000;
/** A comment line this often keeps proxies from closing an idle stream (ms). */
const KEEP_ALIVE_MS = 15_000;

export interface LiveApiDeps {
  hub: LiveHub;
  store: Pick<ReleaseStore, 'getApp'>;
  /** The same guard the route stands behind, run again now and then on each open stream. */
  requireRole: RequireRole;
}

export type LiveRoute = RouteSpec<z.ZodType, LiveApiDeps>;

function appQuery(ctx: Context): string {
  const raw = ctx.query.app;
  if (typeof raw !== 'string' || raw === '') throw new ApiError('bad_request', 'query parameter app is required, once: the app id');
  const id = normalizeAppId(raw);
  if (!isValidAppId(id)) throw new ApiError('bad_request', `query parameter app is not an app id: ${raw}`);
  return id;
}

/** False once the request's credentials no longer pass the guard; rejects when they cannot be checked. */
function recheckOf(ctx: Context, requireRole: RequireRole): () => Promise<boolean> {
  const guard = requireRole('read-only');
  return () =>
    guard(ctx, async () => {}).then(
      () => true,
      (err: unknown) => {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return false;
        throw err;
      },
    );
}

export const LIVE_ROUTES: LiveRoute[] = [
  route({
    method: 'GET',
    path: '/events',
    role: 'read-only',
    tag: 'live',
    summary:
      'Server-sent events for one app: `summary` (as GET …/summary answers, when it changed, at most every 1.5 s), `rollout` (rollout and release events), `reboot` ({groups, all}: reboot groups whose slots or settings changed, on every stream whatever its app, at most every 1.5 s), `closed` ({reason}) before the server ends the stream',
    query: { app: 'the app id (required)' },
    responses: { 200: 'text/event-stream', 404: 'no such app', 503: 'this process has as many streams as it keeps: poll instead' },
    handler: async (ctx, deps: LiveApiDeps) => {
      const appId = appQuery(ctx);
      if (!(await deps.store.getApp(appId))) throw new ApiError('not_found', `no app ${appId}`);
      if (deps.hub.full()) throw new ApiError('unavailable', 'too many live streams on this server; poll the summary instead');
      // From here on the response is the stream's: Koa leaves it alone.
      ctx.respond = false;
      let session: Session;
      try {
        session = await createSession(ctx.req, ctx.res, {
          // Koa's response starts as a 404 until a body is set; the session would take that status.
          statusCode: 200,
          serializer: passJson,
          retry: RECONNECT_MS,
          keepAlive: KEEP_ALIVE_MS,
          trustClientEventId: false,
          headers: { 'X-Accel-Buffering': 'no' },
        });
      } catch (err) {
        // No stream after all: the error boundary answers.
        ctx.respond = true;
        throw err;
      }
      deps.hub.add(appId, { session, recheck: recheckOf(ctx, deps.requireRole), end: () => ctx.res.end() });
      return { body: null };
    },
  }),
];

/** A router serving LIVE_ROUTES under /api/v1, each behind its role. */
export function liveRouter(deps: Omit<LiveApiDeps, 'requireRole'>, requireRole: RequireRole): Router {
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, LIVE_ROUTES, { ...deps, requireRole }, requireRole);
  return router;
}
