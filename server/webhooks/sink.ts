// The EventSink webhooks listen through: each event becomes one pending delivery per subscribed
// webhook, queued as a job. It never throws and never waits for a target, so whatever emits (an
// update check, a rollout step) is not slowed by a slow or dead receiver.
import type { EventSink, PlatteEvent } from '../rollout/events.ts';
import { eventBody } from './payload.ts';
import { queueDelivery, type QueueDeps } from './queue.ts';

export function createWebhookSink(deps: QueueDeps): EventSink {
  const { log } = deps;
  return {
    async emit(event: PlatteEvent) {
      try {
        const hooks = (await deps.store.listHooks()).filter((h) => h.events.includes(event.type));
        if (hooks.length === 0) return;
        const payload = eventBody(event);
        for (const hook of hooks) {
          // One webhook's failure (its log, the queue) does not cost the others their delivery.
          await queueDelivery(deps, hook.id, event.type, payload).catch((err: unknown) => {
            log.error({ err, hookId: hook.id, event: event.type }, 'webhook delivery not recorded');
          });
        }
      } catch (err) {
        log.error({ err, event: event.type }, 'webhooks: event not delivered (webhooks could not be read)');
      }
    },
  };
}
