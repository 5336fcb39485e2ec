// The use cases behind the webhook API: create (the secret is answered once), read, delete, read
// a webhook's delivery log, queue a test delivery. Records shown to callers never carry the secret.
import { ApiError } from '../../kernel/http/errors.ts';
import { newSigningSecret, newWebhookId, WEBHOOK_ID } from './ids.ts';
import { testBody } from './payload.ts';
import { queueDelivery, type QueueDeps } from './queue.ts';
import type { WebhookCreate } from './schemas.ts';
import { TEST_EVENT_TYPE, WEBHOOK_CAP, type Delivery, type StoredWebhook, type Webhook } from './types.ts';

/** A delivery as the API shows it: the body as JSON rather than the string that was signed. */
export type DeliveryView = Omit<Delivery, 'payload'> & { payload: unknown };

export interface WebhookService {
  create(input: WebhookCreate): Promise<{ webhook: Webhook; secret: string }>;
  list(): Promise<Webhook[]>;
  /** Throws a 404 ApiError for an unknown id. */
  get(id: string): Promise<Webhook>;
  /** Throws a 404 ApiError for an unknown id. */
  remove(id: string): Promise<void>;
  deliveries(id: string, limit: number): Promise<DeliveryView[]>;
  test(id: string): Promise<DeliveryView>;
}

function publicView(h: StoredWebhook): Webhook {
  return { id: h.id, url: h.url, events: h.events, description: h.description, createdAt: h.createdAt };
}

function deliveryView(d: Delivery): DeliveryView {
  return { ...d, payload: JSON.parse(d.payload) as unknown };
}

const notFound = (id: string) => new ApiError('not_found', `no webhook ${id}`);

export function createWebhookService(deps: QueueDeps): WebhookService {
  const { store } = deps;
  const requireHook = async (id: string): Promise<StoredWebhook> => {
    const hook = WEBHOOK_ID.test(id) ? await store.getHook(id) : null;
    if (!hook) throw notFound(id);
    return hook;
  };
  return {
    async create(input) {
      const hook: StoredWebhook = {
        id: newWebhookId(),
        url: input.url,
        events: input.events,
        description: input.description || null,
        createdAt: deps.now(),
        secret: newSigningSecret(),
      };
      if ((await store.createHook(hook)) === 'full') throw new ApiError('conflict', `there are ${WEBHOOK_CAP} webhooks already, the most Platte keeps; delete one first`);
      return { webhook: publicView(hook), secret: hook.secret };
    },
    list: async () => (await store.listHooks()).map(publicView),
    get: async (id) => publicView(await requireHook(id)),
    async remove(id) {
      if (!WEBHOOK_ID.test(id) || !(await store.deleteHook(id))) throw notFound(id);
    },
    async deliveries(id, limit) {
      await requireHook(id);
      return (await store.listDeliveries(id, limit)).map(deliveryView);
    },
    async test(id) {
      await requireHook(id);
      const delivery = await queueDelivery(deps, id, TEST_EVENT_TYPE, testBody(id, deps.now()));
      if (!delivery) throw notFound(id);
      return deliveryView(delivery);
    },
  };
}
