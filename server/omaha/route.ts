// HTTP side of the Omaha endpoint: POST /v1/update and /v1/update/.
// Limits: body ≤ 64 KiB (413), valid UTF-8, XML guarded and parsed (400 with a short text body on
// bad input), protocol 3.x only (others get updatecheck error-unsupportedProtocol and change nothing).
// Other failures are Omaha's rendering of the error contract (kernel/http/errors.ts), as short text:
// a store outage is a 503, a bug a 500 logged with its stack; update_engine backs off after either.
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import proxyaddr from 'proxy-addr';
import type { ServerDeps } from '../deps.ts';
import { classify, logFailure } from '../../kernel/http/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import { decodeUtf8 } from '../../kernel/unicode.ts';
import { answerApp, type AnswerDeps } from './answer-app.ts';
import { buildOmahaResponse } from '../../protocol/omaha/build.ts';
import { parseOmahaRequest } from '../../protocol/omaha/parse.ts';
import { OmahaInputError } from '../../protocol/omaha/xml-guard.ts';
import type { OmahaAppResponse, OmahaRequest } from '../../protocol/omaha/types.ts';

const OMAHA_MAX_BODY = 64 * 1024;
const PATHS = new Set(['/v1/update', '/v1/update/']);

function secondsSinceMidnightUtc(now: number): number {
  return Math.floor((now % 86_400_000) / 1000);
}

function unsupportedProtocol(req: OmahaRequest): OmahaAppResponse[] {
  return req.apps.map((a) => ({
    appIdRaw: a.appIdRaw,
    status: 'ok',
    ping: false,
    events: 0,
    updateCheck: { status: 'error-unsupportedProtocol' },
  }));
}

function answerText(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = `${message}\n`;
}

/** Omaha's renderer of the error contract: short text, no internals. */
function answerFailure(ctx: Context, log: Logger, err: unknown): void {
  const f = classify(err);
  logFailure(log, f, {}, 'update check failed');
  if (f.retryAfter !== undefined) ctx.set('Retry-After', String(f.retryAfter));
  if (f.kind === 'outage') return answerText(ctx, 503, 'update service temporarily unavailable');
  if (f.kind === 'bug') return answerText(ctx, 500, 'internal server error');
  answerText(ctx, f.status, `bad Omaha request: ${f.message}`);
}

/** The request's body as text, or null once a 4xx has been answered. */
async function readBody(ctx: Context): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, { limit: OMAHA_MAX_BODY, length: ctx.get('content-length') || undefined });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') answerText(ctx, 413, `request body larger than ${OMAHA_MAX_BODY} bytes`);
    else answerText(ctx, e.status && e.status < 500 ? e.status : 400, 'could not read request body');
    return null;
  }
  // update_engine sends UTF-8; anything else is refused rather than stored with U+FFFD in it.
  const body = decodeUtf8(bytes);
  if (body === null) answerText(ctx, 400, 'bad Omaha request: body is not valid UTF-8');
  return body;
}

export function omahaMiddleware(deps: ServerDeps): Middleware {
  const trust = proxyaddr.compile(deps.settings.trustedProxies);
  const answer: AnswerDeps = {
    releases: deps.releases,
    instances: deps.store,
    observer: deps.observer,
    events: deps.events,
    log: deps.log,
    now: deps.now,
    ...(deps.settings.pollInterval ? { pollInterval: deps.settings.pollInterval } : {}),
  };
  const log = deps.log.child({ component: 'omaha' });

  return async (ctx, next) => {
    if (!PATHS.has(ctx.path)) return next();
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      return answerText(ctx, 405, 'method not allowed: use POST');
    }
    try {
      const body = await readBody(ctx);
      if (body === null) return;
      let req: OmahaRequest;
      try {
        req = await parseOmahaRequest(body);
      } catch (err) {
        if (err instanceof OmahaInputError) return answerText(ctx, 400, `bad Omaha request: ${err.message}`);
        throw err;
      }
      const now = deps.now();
      let apps: OmahaAppResponse[];
      if (!/^3\.\d+$/.test(req.protocol)) {
        apps = unsupportedProtocol(req);
      } else {
        const ip = normalizeIp(proxyaddr(ctx.req, trust));
        apps = [];
        for (const app of req.apps) apps.push(await answerApp(answer, req, app, ip));
      }
      // Throws OmahaBuildError for a package the clients would refuse: the API validates digests
      // and sizes, so that is a bug, answered 500 like any other.
      const xml = buildOmahaResponse({ daystartElapsedSeconds: secondsSinceMidnightUtc(now), apps });
      ctx.status = 200;
      ctx.type = 'text/xml; charset=utf-8';
      ctx.body = xml;
    } catch (err) {
      answerFailure(ctx, log, err);
    }
  };
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
