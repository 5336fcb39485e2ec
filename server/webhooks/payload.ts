// The JSON body of a delivery, fixed when the event happens: every attempt sends the same bytes
// under the same webhook-id, so a receiver can recognise a repeat.
import type { PlatteEvent } from '../rollout/events.ts';
import { TEST_EVENT_TYPE, type DeliveryType } from './types.ts';

/** The body's shape (Standard Webhooks' recommended `type`, `timestamp`, `data`). */
interface DeliveryBody {
  type: DeliveryType;
  /** When the event happened, ISO 8601. */
  timestamp: string;
  data: Record<string, unknown>;
}

export function eventBody(event: PlatteEvent): string {
  const body: DeliveryBody = { type: event.type, timestamp: new Date(event.at).toISOString(), data: { ...event } };
  return JSON.stringify(body);
}

/** The body of a test delivery (POST /webhooks/{id}/test): shows a receiver what to expect. */
export function testBody(hookId: string, at: number): string {
  const body: DeliveryBody = { type: TEST_EVENT_TYPE, timestamp: new Date(at).toISOString(), data: { webhookId: hookId, message: 'a test delivery from Platte' } };
  return JSON.stringify(body);
}
