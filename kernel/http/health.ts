// /healthz: the process is alive (liveness). /readyz: the store answers (readiness), else 503.
import type { Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { withDeadline } from '../storage/unavailable.ts';
import { RETRY_AFTER_S } from './errors.ts';

/** /readyz answers unavailable when the store round trip takes longer than this. */
const READY_DEADLINE_MS = 1_000;

export interface HealthTarget {
  /** Named in the answers (`embedded`, `redis`). */
  kind: string;
  /** A cheap round trip to the store; rejects when it cannot be made. */
  ready(): Promise<void>;
}

export function healthRoutes(store: HealthTarget, log: Logger): Middleware {
  return async (ctx, next) => {
    if ((ctx.path !== '/healthz' && ctx.path !== '/readyz') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok', store: store.kind };
      return;
    }
    try {
      await withDeadline(store.ready(), READY_DEADLINE_MS);
      ctx.body = { status: 'ready', store: store.kind };
    } catch (err) {
      log.warn({ err }, 'not ready: the store is not answering');
      ctx.status = 503;
      ctx.set('Retry-After', String(RETRY_AFTER_S));
      ctx.body = { status: 'unavailable', store: store.kind, message: 'the store is not answering' };
    }
  };
}
