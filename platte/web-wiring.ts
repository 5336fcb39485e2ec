// What the Koa app mounts for the dashboard: sign-in sessions (before every API router, so each
// accepts a session cookie where it accepts a bearer token) and the page itself (after them, before
// the JSON 404). Sessions live on the process's backend when it is given: on Redis every process
// sees them; without it (an app built alone) they stay in this process's memory.
import type { Middleware } from 'koa';
import type { Auth } from '../kernel/auth/auth.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import { sessions } from '../server/session/index.ts';
import { dashboardPage } from './web-page.ts';

export interface WebWiring {
  auth: Auth;
  now: () => number;
  config: { trustedProxies: string[] };
  backend?: Backend | undefined;
  /** The built page's folder (default: build/dashboard of this checkout). */
  dashboardDir?: string;
}

export interface WebSurfaces {
  /** Mount before the API routers. */
  sessions: Middleware;
  /** Mount after every other surface, before the JSON 404. */
  page: Middleware;
}

export function webSurfaces(deps: WebWiring): WebSurfaces {
  return {
    sessions: sessions({ auth: deps.auth, now: deps.now, trustedProxies: deps.config.trustedProxies, backend: deps.backend }),
    page: dashboardPage(deps.dashboardDir),
  };
}
