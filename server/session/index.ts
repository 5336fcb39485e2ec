// Dashboard sign-in sessions as one Koa middleware: the cookie reader (middleware.ts) and the
// /api/v1/session routes (routes.ts) over the backend's session store. Mounted before every API
// router, so each of them accepts a session wherever it accepts a bearer token.
import type { Middleware } from 'koa';
import type { Auth } from '../../kernel/auth/auth.ts';
import type { Backend } from '../../kernel/storage/backend.ts';
import { tlsCheck } from './cookie.ts';
import { sessionMiddleware } from './middleware.ts';
import { openSessionStore } from './open.ts';
import { sessionRouter } from './routes.ts';
import type { SessionStore } from './types.ts';

export { SESSION_ROUTES } from './routes.ts';
export { CSRF_HEADER, SESSION_COOKIE, SESSION_TTL_MS } from './types.ts';

export interface SessionDeps {
  auth: Auth;
  now: () => number;
  /** Proxies whose X-Forwarded-Proto is believed (the Secure flag). */
  trustedProxies: readonly string[];
  /** Where sessions are kept; this process's memory when absent. */
  backend?: Backend | undefined;
  /** A store of its own (tests). */
  store?: SessionStore;
}

export function sessions(deps: SessionDeps): Middleware {
  const store = deps.store ?? openSessionStore(deps.backend);
  const isTls = tlsCheck(deps.trustedProxies);
  const reader = sessionMiddleware({ store, now: deps.now, isTls });
  const router = sessionRouter({ auth: deps.auth, store, now: deps.now, isTls });
  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  return (ctx, next) => reader(ctx, () => routes(ctx, () => allowed(ctx, next)));
}
