// Serves the built dashboard (build/dashboard, made by `npm run build`) at `/`: its hashed assets
// with long caching, index.html for each of the page's routes, and index.html with status 404 for
// any other path outside the API (the page shows its own "not found"). Every answer carries the
// page's security headers: a Content-Security-Policy with no inline script and no framing, nosniff.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import { API_PREFIX } from '../kernel/http/route-spec.ts';
import { isPageRoute } from '../web/src/routes.ts';

/** The folder `npm run build` writes the page to, found from this file in the sources or in build/. */
export function dashboardDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(dir, 'build', 'dashboard');
}

/** Strict: scripts, styles, images and connections from this origin only; never framed. */
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // Platte often runs on plain HTTP inside a network; TLS and HSTS are the front proxy's to set.
  strictTransportSecurity: false,
  frameguard: { action: 'deny' },
});

const YEAR_MS = 365 * 86_400_000;

/** Paths the page never owns: the JSON API (its own JSON 404 answers there). */
function isApiPath(p: string): boolean {
  return p === API_PREFIX || p.startsWith(`${API_PREFIX}/`) || p === '/api' || p.startsWith('/api/');
}

/** Sends one file of the built page; false when there is none by that name. */
async function sendFile(ctx: Parameters<Middleware>[0], file: string, opts: Parameters<typeof send>[2]): Promise<boolean> {
  try {
    return Boolean(await send(ctx, file, opts));
  } catch (err) {
    // @koa/send throws 404 (no such file) and 400 (a malformed path) as http-errors.
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 400) return false;
    throw err;
  }
}

export function dashboardPage(dir = dashboardDir()): Middleware {
  const index = path.join(dir, 'index.html');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isApiPath(ctx.path)) return next();
    if (!fs.existsSync(index)) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'The dashboard is not built: run `npm run build`.\n';
      return;
    }
    await pageHeaders(ctx, async () => {
      // Hashed names under /assets/: a file never changes under its name.
      const asset = ctx.path.startsWith('/assets/');
      const looksLikeFile = asset || /^\/[^/]+\.[a-z0-9]+$/i.test(ctx.path);
      if (looksLikeFile && ctx.path !== '/index.html') {
        const opts = asset ? { root: dir, index: false as const, immutable: true, maxage: YEAR_MS } : { root: dir, index: false as const };
        if (await sendFile(ctx, ctx.path, opts)) return;
        if (asset) {
          ctx.status = 404;
          ctx.type = 'text/plain';
          ctx.body = 'not found\n';
          return;
        }
      }
      await sendFile(ctx, 'index.html', { root: dir, index: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
      ctx.status = isPageRoute(ctx.path) ? 200 : 404;
    });
  };
}
