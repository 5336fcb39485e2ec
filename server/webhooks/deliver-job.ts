// The job that sends one delivery, one attempt per run: a 2xx delivers it; anything else is
// recorded and thrown, so the runner retries with backoff, until the last attempt marks it failed.
// A delivery whose webhook was deleted meanwhile is dropped, not retried.
import type { JobContext, JobData, JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import { DELIVER_JOB, type DeliveryOptions } from './options.ts';
import { postDelivery, type Fetch } from './post.ts';
import type { WebhookStore } from './types.ts';

export interface DeliverDeps {
  store: WebhookStore;
  log: Logger;
  now: () => number;
  fetch: Fetch;
  options: DeliveryOptions;
}

/** A failed attempt with retries left: the runner logs it and tries again. */
class AttemptFailed extends Error {
  override readonly name = 'AttemptFailed';
}

async function deliverOnce(deps: DeliverDeps, data: JobData, ctx: JobContext): Promise<void> {
  const { store, log } = deps;
  const id = String(data.deliveryId);
  const delivery = await store.getDelivery(id);
  // Gone from the log (its webhook deleted, or trimmed past the cap) or done by an earlier run.
  if (!delivery || delivery.status !== 'pending') return;
  const hook = await store.getHook(delivery.hookId);
  if (!hook) {
    await store.markFailed(id, 'the webhook was deleted');
    return;
  }
  const at = deps.now();
  const outcome = await postDelivery(hook, delivery, at, { fetch: deps.fetch, timeoutMs: deps.options.timeoutMs });
  const last = ctx.attempt >= deps.options.attempts;
  const status = outcome.ok ? 'delivered' : last ? 'failed' : 'pending';
  await store.recordAttempt(id, { at, statusCode: outcome.statusCode, error: outcome.error, status });
  if (outcome.ok) return;
  const context = { hookId: hook.id, deliveryId: id, attempt: ctx.attempt, error: outcome.error };
  if (!last) throw new AttemptFailed(`webhook ${hook.id} delivery ${id}: ${outcome.error}`);
  // Given up: the delivery log says failed; the job itself ends (no error-level "job failed" line
  // for a receiver that is down, which is the receiver's problem, not Platte's).
  log.warn(context, 'webhook delivery failed after its last attempt');
}

/** Defines the delivery job on `jobs` (before the runner starts). */
export function defineDeliveryJob(jobs: JobRunner, deps: DeliverDeps): void {
  jobs.define(DELIVER_JOB, (data, ctx) => deliverOnce(deps, data, ctx));
}
