// Reads the session cookie on API requests that carry no Authorization header, and leaves the
// session in ctx.state.session, where requireRole (kernel/auth/auth.ts) finds its token hash.
// CSRF: a state-changing request signed in by cookie must send CSRF_HEADER with the session's
// value, else 403; SameSite=Strict keeps the cookie off other sites' requests as a second guard.
import crypto from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { ApiError } from '../../kernel/http/errors.ts';
import { API_PREFIX } from '../../kernel/http/route-spec.ts';
import { clearSessionCookie, type TlsCheck } from './cookie.ts';
import { CSRF_HEADER, SESSION_COOKIE, type SessionRecord, type SessionStore } from './types.ts';

/** What the middleware leaves in ctx.state.session (a SessionCredential and more). */
export interface ActiveSession extends SessionRecord {
  /** The store key of the session (the hash of the cookie's id). */
  key: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in is authenticated by the token in its body, not by the cookie: no CSRF value yet. */
const SIGN_IN_PATH = `${API_PREFIX}/session`;

/** The store key of a cookie's session id. */
export function sessionKey(id: string): string {
  return crypto.createHash('sha256').update(id).digest('hex');
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export interface SessionMiddlewareDeps {
  store: SessionStore;
  now: () => number;
  isTls: TlsCheck;
}

async function activeSession(ctx: Context, deps: SessionMiddlewareDeps): Promise<ActiveSession | null> {
  const id = ctx.cookies.get(SESSION_COOKIE);
  if (!id) return null;
  const key = sessionKey(id);
  const found = await deps.store.get(key, deps.now());
  // An ended or unknown session: the browser may as well forget the cookie.
  if (!found) clearSessionCookie(ctx, deps.isTls(ctx));
  return found ? { ...found, key } : null;
}

export function sessionMiddleware(deps: SessionMiddlewareDeps): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(`${API_PREFIX}/`) || ctx.get('authorization')) return next();
    const session = await activeSession(ctx, deps);
    if (!session) return next();
    const signingIn = ctx.method === 'POST' && ctx.path === SIGN_IN_PATH;
    if (!SAFE_METHODS.has(ctx.method) && !signingIn && !sameSecret(ctx.get(CSRF_HEADER), session.csrf)) {
      throw new ApiError('forbidden', `a change made with a session cookie needs the ${CSRF_HEADER} header with the value GET ${SIGN_IN_PATH} answers`);
    }
    ctx.state.session = session;
    return next();
  };
}
