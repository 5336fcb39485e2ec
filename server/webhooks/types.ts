// What a webhook and a delivery are, and the store port both stores implement (embedded: SQLite
// tables of their own; Redis: keys under `<prefix>:{webhooks}`). The store only keeps records;
// what to deliver, when to retry and how to sign is decided by the delivery code.
import { PLATTE_EVENT_TYPES, type PlatteEventType } from '../rollout/events.ts';

/** The event types a webhook may subscribe to: every PlatteEvent type. */
export const WEBHOOK_EVENT_TYPES = PLATTE_EVENT_TYPES;
export type WebhookEventType = PlatteEventType;

/** The type of a delivery asked for with POST /webhooks/{id}/test; never subscribed to. */
export const TEST_EVENT_TYPE = 'webhook.test';
export type DeliveryType = WebhookEventType | typeof TEST_EVENT_TYPE;

/** Deliveries kept per webhook: adding one more forgets the oldest. */
export const DELIVERY_LOG_CAP = 200;
/** Webhooks at most: each event is fanned out to every subscriber, so their number stays bounded. */
export const WEBHOOK_CAP = 100;

export interface Webhook {
  /** `wh_…`, chosen by Platte. */
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  /** ms since the epoch. */
  createdAt: number;
}

/** A webhook as stored: with the signing secret (`whsec_…`), which only the delivery code reads. */
export interface StoredWebhook extends Webhook {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  /** `msg_…`: the `webhook-id` header, the same on every attempt, so receivers can drop repeats. */
  id: string;
  hookId: string;
  type: DeliveryType;
  /** The JSON body exactly as signed and sent. */
  payload: string;
  status: DeliveryStatus;
  /** HTTP attempts made so far. */
  attempts: number;
  /** The status the target answered last, null when it did not answer (refused, timed out). */
  lastStatusCode: number | null;
  /** Why the last attempt failed, null after a success or before any attempt. */
  lastError: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
}

/** One HTTP attempt's outcome, as the store records it. */
export interface AttemptRecord {
  at: number;
  statusCode: number | null;
  error: string | null;
  /** `pending` while retries remain, `failed` after the last one, `delivered` on a 2xx. */
  status: DeliveryStatus;
}

export interface WebhookStore {
  /** 'full' when WEBHOOK_CAP webhooks exist (nothing stored). */
  createHook(hook: StoredWebhook): Promise<'ok' | 'full'>;
  getHook(id: string): Promise<StoredWebhook | null>;
  /** Every webhook, oldest first. */
  listHooks(): Promise<StoredWebhook[]>;
  /** Deletes the webhook and its delivery log; false if there was none. */
  deleteHook(id: string): Promise<boolean>;
  /**
   * Adds a delivery to its webhook's log, forgetting the oldest beyond DELIVERY_LOG_CAP; false
   * (nothing stored) when the webhook does not exist (any more).
   */
  addDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(id: string): Promise<Delivery | null>;
  /** Counts one attempt and its outcome; the delivery after it, null if it is gone. */
  recordAttempt(id: string, attempt: AttemptRecord): Promise<Delivery | null>;
  /** Gives up on a pending delivery without an attempt (it could not be queued); false if it is gone or not pending. */
  markFailed(id: string, error: string): Promise<boolean>;
  /** The webhook's deliveries, newest first, at most `limit`. */
  listDeliveries(hookId: string, limit: number): Promise<Delivery[]>;
}
