// The webhook API's request bodies (zod): they validate requests and describe them in OpenAPI.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './types.ts';

const URL_MAX = 2048;
const DESCRIPTION_MAX = 500;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const url = z.string().max(URL_MAX).refine(isHttpUrl, 'must be an http:// or https:// URL');

const eventType = z.enum(WEBHOOK_EVENT_TYPES, { error: () => `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` });

const events = z
  .array(eventType)
  .min(1, 'name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, 'must not name an event type twice');

export const webhookCreate = z.strictObject({
  url,
  events,
  description: z.string().trim().max(DESCRIPTION_MAX).optional(),
});

export type WebhookCreate = z.output<typeof webhookCreate>;
