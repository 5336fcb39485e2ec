// POST /api/v1/session signs a browser in with an API token (answers who it is and the CSRF value,
// sets the session cookie); GET answers who is signed in; DELETE signs out. Described as
// RouteSpecs like the rest of the API.
import crypto from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { hashToken, type Auth } from '../../kernel/auth/auth.ts';
import { ApiError } from '../../kernel/http/errors.ts';
import { API_PREFIX, registerRoutes, route, type RouteSpec } from '../../kernel/http/route-spec.ts';
import { clearSessionCookie, setSessionCookie, type TlsCheck } from './cookie.ts';
import { sessionKey, type ActiveSession } from './middleware.ts';
import { SESSION_TTL_MS, type SessionStore } from './types.ts';

export interface SessionApiDeps {
  auth: Auth;
  store: SessionStore;
  now: () => number;
  isTls: TlsCheck;
}

const signIn = z.strictObject({ token: z.string().min(1).max(512) });

const newSecret = () => crypto.randomBytes(32).toString('base64url');

export type SessionRoute = RouteSpec<z.ZodType, SessionApiDeps>;

export const SESSION_ROUTES: SessionRoute[] = [
  route({
    method: 'POST',
    path: '/session',
    role: null,
    tag: 'session',
    summary: `Sign a browser in with an API token: sets an HttpOnly, SameSite=Strict session cookie (Secure over TLS) that lasts ${SESSION_TTL_MS / 3600_000} h or until the token is revoked`,
    body: signIn,
    bodyLimit: 4096,
    responses: { 201: '{ role, name, csrf, expiresAt }: send csrf as X-Platte-CSRF on every change', 401: 'unknown or revoked token' },
    handler: async (ctx, deps: SessionApiDeps, body) => {
      const who = await deps.auth.resolve(body.token);
      if (!who) throw new ApiError('unauthorized', 'unknown or revoked token');
      const old = ctx.state.session as ActiveSession | undefined;
      if (old) await deps.store.remove(old.key);
      const id = newSecret();
      const at = deps.now();
      const session = { tokenHash: hashToken(body.token), csrf: newSecret(), createdAt: at, expiresAt: at + SESSION_TTL_MS };
      await deps.store.put(sessionKey(id), session);
      setSessionCookie(ctx, id, SESSION_TTL_MS, deps.isTls(ctx));
      return { status: 201, body: { role: who.role, name: who.name, csrf: session.csrf, expiresAt: session.expiresAt } };
    },
  }),
  route({
    method: 'GET',
    path: '/session',
    role: 'read-only',
    tag: 'session',
    summary: 'Who is signed in (by session cookie or bearer token), with the CSRF value of a cookie session',
    responses: { 200: '{ role, name, csrf: string|null, expiresAt: number|null }', 401: 'not signed in, or the token was revoked' },
    handler: async (ctx) => {
      const session = ctx.state.session as ActiveSession | undefined;
      const { role, name } = ctx.state.principal as { role: string; name: string };
      return { body: { role, name, csrf: session?.csrf ?? null, expiresAt: session?.expiresAt ?? null } };
    },
  }),
  route({
    method: 'DELETE',
    path: '/session',
    role: null,
    tag: 'session',
    summary: 'Sign out: ends the session and clears its cookie',
    responses: { 204: 'signed out (also when no session was open)' },
    handler: async (ctx, deps: SessionApiDeps) => {
      const session = ctx.state.session as ActiveSession | undefined;
      if (session) await deps.store.remove(session.key);
      clearSessionCookie(ctx, deps.isTls(ctx));
      return { status: 204, body: null };
    },
  }),
];

export function sessionRouter(deps: SessionApiDeps): Router {
  const router = new Router({ prefix: API_PREFIX });
  registerRoutes(router, SESSION_ROUTES, deps, deps.auth.requireRole);
  return router;
}
