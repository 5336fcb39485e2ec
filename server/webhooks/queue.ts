// Puts a delivery in its webhook's log (pending) and queues the job that sends it. Used for events
// (sink.ts) and test deliveries (service.ts): both only record and queue, never send in the
// caller's time.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import { newMessageId } from './ids.ts';
import { DELIVER_JOB, type DeliveryOptions } from './options.ts';
import type { Delivery, DeliveryType, WebhookStore } from './types.ts';

export interface QueueDeps {
  store: WebhookStore;
  jobs: JobRunner;
  log: Logger;
  now: () => number;
  options: DeliveryOptions;
}

/** The delivery as recorded, or null when the webhook is gone. Store errors are the caller's to handle. */
export async function queueDelivery(deps: QueueDeps, hookId: string, type: DeliveryType, payload: string): Promise<Delivery | null> {
  const delivery: Delivery = {
    id: newMessageId(),
    hookId,
    type,
    payload,
    status: 'pending',
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    createdAt: deps.now(),
    lastAttemptAt: null,
    deliveredAt: null,
  };
  if (!(await deps.store.addDelivery(delivery))) return null;
  try {
    await deps.jobs.enqueue(DELIVER_JOB, { deliveryId: delivery.id }, { attempts: deps.options.attempts, backoff: deps.options.backoffMs });
    return delivery;
  } catch (err) {
    // Recorded but never sent: the log says so instead of showing it pending for ever.
    const error = `could not be queued: ${(err as Error).message}`;
    deps.log.error({ err, hookId, deliveryId: delivery.id }, 'webhook delivery could not be queued');
    await deps.store.markFailed(delivery.id, error).catch(() => {});
    return { ...delivery, status: 'failed', lastError: error };
  }
}
