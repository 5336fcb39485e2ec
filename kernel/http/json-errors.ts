// The JSON API's renderer of the one error contract (errors.ts): `{error: {code, message,
// details?}}` with the error's status. A store that does not answer is a 503 with Retry-After,
// logged as a warning; any other 5xx is a bug, logged with its stack and shown only as its status.
import type { Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { toApiError } from './errors.ts';

/** Seconds a client is asked to wait (Retry-After) when the store is not answering. */
export const RETRY_AFTER_S = 5;

export function jsonErrorBoundary(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = toApiError(err);
      const cause = (e as { cause?: unknown }).cause ?? e;
      if (e.code === 'unavailable') {
        log.warn({ err: cause, path: ctx.path }, 'store unavailable');
        ctx.set('Retry-After', String(RETRY_AFTER_S));
      } else if (e.status >= 500) log.error({ err: cause, path: ctx.path }, 'request failed');
      ctx.status = e.status;
      ctx.body = { error: { code: e.code, message: e.expose ? e.message : 'internal server error', ...(e.details ? { details: e.details } : {}) } };
    }
  };
}

/** The JSON 404 for a path no surface served. */
export const jsonNotFound: Middleware = async (ctx) => {
  ctx.status = 404;
  ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
};
