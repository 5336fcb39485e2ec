// Webhooks in a Platte process: built on the process's backend and job runner (before the runner
// starts, since that defines the delivery job), their API served beside the release API, their
// sink handed to whatever emits Platte events.
import type { Middleware } from 'koa';
import type { RequireRole } from '../kernel/auth/auth.ts';
import type { JobRunner } from '../kernel/jobs/runner.ts';
import type { Logger } from '../kernel/log.ts';
import type { Backend } from '../kernel/storage/backend.ts';
import { createWebhooks, webhookRouter, type Webhooks } from '../server/webhooks/index.ts';

export interface WebhookWiring {
  backend: Backend;
  jobs: JobRunner;
  log: Logger;
  now: () => number;
}

/** Call before `jobs.start()`. */
export function openWebhooks({ backend, jobs, log, now }: WebhookWiring): Webhooks {
  return createWebhooks({ backend, jobs, log: log.child({ component: 'webhooks' }), now });
}

/** The webhook API under /api/v1/webhooks, for the Koa app (before its JSON 404). */
export function webhookMiddleware(webhooks: Webhooks, requireRole: RequireRole): Middleware {
  const router = webhookRouter({ webhooks: webhooks.service }, requireRole);
  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  return (ctx, next) => routes(ctx, () => allowed(ctx, next));
}
