// The JSON API's renderer of the one error contract (errors.ts): `{error: {code, message,
// details?}}` with the status classify() chose, Retry-After during an outage.
import type { Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { classify, logFailure } from './errors.ts';

export function jsonErrorBoundary(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const f = classify(err);
      logFailure(log, f, { method: ctx.method, path: ctx.path });
      if (f.retryAfter !== undefined) ctx.set('Retry-After', String(f.retryAfter));
      ctx.status = f.status;
      ctx.body = { error: { code: f.code, message: f.message, ...(f.details ? { details: f.details } : {}) } };
    }
  };
}

/** The JSON 404 for a path no surface served. */
export const jsonNotFound: Middleware = async (ctx) => {
  ctx.status = 404;
  ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
};
