// Picks the webhook store for the backend Platte runs on.
import type { Backend } from '../../../kernel/storage/backend.ts';
import type { WebhookStore } from '../types.ts';
import { createEmbeddedWebhookStore } from './embedded.ts';
import { createRedisWebhookStore } from './redis.ts';

export function openWebhookStore(backend: Backend): WebhookStore {
  return backend.kind === 'embedded' ? createEmbeddedWebhookStore(backend.db) : createRedisWebhookStore(backend.redis, backend.prefix);
}
