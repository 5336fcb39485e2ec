// HTTP side of the Omaha endpoint: POST /v1/update and /v1/update/.
// Limits: body ≤ 64 KiB (413), valid UTF-8, XML guarded and parsed (400 with a short text body on
// bad input), protocol 3.x only (others get updatecheck error-unsupportedProtocol and change nothing).
// A store failure answers 503, which makes update_engine back off.
import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import proxyaddr from 'proxy-addr';
import type { ServerDeps } from '../deps.ts';
import { decodeUtf8 } from '../../kernel/unicode.ts';
import { answerApp, type AnswerDeps } from './answer-app.ts';
import { buildOmahaResponse, OmahaBuildError } from '../../protocol/omaha/build.ts';
import { parseOmahaRequest } from '../../protocol/omaha/parse.ts';
import { OmahaInputError } from '../../protocol/omaha/xml-guard.ts';
import type { OmahaAppResponse, OmahaRequest } from '../../protocol/omaha/types.ts';

export const OMAHA_MAX_BODY = 64 * 1024;
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

export function omahaMiddleware(deps: ServerDeps): Middleware {
  const trust = proxyaddr.compile(deps.settings.trustedProxies);
  const answer: AnswerDeps = {
    releases: deps.releases,
    instances: deps.store,
    observer: deps.observer,
    log: deps.log,
    now: deps.now,
    ...(deps.settings.pollInterval ? { pollInterval: deps.settings.pollInterval } : {}),
  };
  const log = deps.log.child({ component: 'omaha' });

  return async (ctx, next) => {
    if (!PATHS.has(ctx.path)) return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.type = 'text/plain';
      ctx.body = 'method not allowed: use POST';
      return;
    }
    const fail = (status: number, message: string) => {
      ctx.status = status;
      ctx.type = 'text/plain';
      ctx.body = `${message}\n`;
    };

    let bytes: Buffer;
    try {
      bytes = await getRawBody(ctx.req, { limit: OMAHA_MAX_BODY, length: ctx.get('content-length') || undefined });
    } catch (err) {
      const e = err as { type?: string; status?: number };
      if (e.type === 'entity.too.large') return fail(413, `request body larger than ${OMAHA_MAX_BODY} bytes`);
      return fail(e.status && e.status < 500 ? e.status : 400, 'could not read request body');
    }
    // update_engine sends UTF-8; anything else is refused rather than stored with U+FFFD in it.
    const body = decodeUtf8(bytes);
    if (body === null) return fail(400, 'bad Omaha request: body is not valid UTF-8');

    let req: OmahaRequest;
    try {
      req = await parseOmahaRequest(body);
    } catch (err) {
      if (err instanceof OmahaInputError) return fail(400, `bad Omaha request: ${err.message}`);
      throw err;
    }

    const now = deps.now();
    let apps: OmahaAppResponse[];
    if (!/^3\.\d+$/.test(req.protocol)) {
      apps = unsupportedProtocol(req);
    } else {
      const ip = normalizeIp(proxyaddr(ctx.req, trust));
      try {
        apps = [];
        for (const app of req.apps) apps.push(await answerApp(answer, req, app, ip));
      } catch (err) {
        log.error({ err }, 'update check failed');
        return fail(503, 'update service temporarily unavailable');
      }
    }
    let xml: string;
    try {
      xml = buildOmahaResponse({ daystartElapsedSeconds: secondsSinceMidnightUtc(now), apps });
    } catch (err) {
      // A package the clients would refuse (the API validates digests and sizes, so this is a bug).
      if (!(err instanceof OmahaBuildError)) throw err;
      log.error({ err }, 'refused to send an Omaha answer update_engine would reject');
      return fail(500, 'internal error building the answer');
    }
    ctx.status = 200;
    ctx.type = 'text/xml; charset=utf-8';
    ctx.body = xml;
  };
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
