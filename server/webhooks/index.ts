// Webhooks: the EventSink that turns Platte events into signed deliveries, the delivery job, and
// the admin API. createWebhooks defines its job on the runner, so it is called before the runner
// starts (the composition root does so); nothing is sent until the runner runs.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Backend } from '../../kernel/storage/backend.ts';
import type { EventSink } from '../rollout/events.ts';
import { defineDeliveryJob } from './deliver-job.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './options.ts';
import type { Fetch } from './post.ts';
import { WEBHOOK_ROUTES, type WebhookRoute } from './routes.ts';
import { createWebhookService, type WebhookService } from './service.ts';
import { createWebhookSink } from './sink.ts';
import { openWebhookStore } from './store/open.ts';
import type { WebhookStore } from './types.ts';

export interface WebhooksDeps {
  backend: Backend;
  jobs: JobRunner;
  log: Logger;
  now: () => number;
  /** The HTTP client deliveries use (default: global fetch). */
  fetch?: Fetch;
  /** Retries and deadline (default DEFAULT_DELIVERY); tests shorten them. */
  delivery?: Partial<DeliveryOptions>;
}

export interface Webhooks {
  /** Where Platte's events go: records and queues deliveries, never waits for a target. */
  sink: EventSink;
  /** What the API routes call. */
  service: WebhookService;
  /** The API routes (they need `{ webhooks: service }`). */
  routes: WebhookRoute[];
  store: WebhookStore;
}

export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const options = { ...DEFAULT_DELIVERY, ...deps.delivery };
  const store = openWebhookStore(deps.backend);
  const log = deps.log;
  defineDeliveryJob(deps.jobs, { store, log, now: deps.now, fetch: deps.fetch ?? fetch, options });
  const queueDeps = { store, jobs: deps.jobs, log, now: deps.now, options };
  return { sink: createWebhookSink(queueDeps), service: createWebhookService(queueDeps), routes: WEBHOOK_ROUTES, store };
}

export { WEBHOOK_ROUTES, webhookRouter, type WebhookApiDeps } from './routes.ts';
export { DELIVER_JOB, DEFAULT_DELIVERY } from './options.ts';
