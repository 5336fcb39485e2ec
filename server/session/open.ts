// Picks the session store for the backend Platte runs on; in memory when there is none.
import type { Backend } from '../../kernel/storage/backend.ts';
import { createEmbeddedSessionStore } from './store-embedded.ts';
import { createMemorySessionStore } from './store-memory.ts';
import { createRedisSessionStore } from './store-redis.ts';
import type { SessionStore } from './types.ts';

export function openSessionStore(backend: Backend | undefined): SessionStore {
  if (!backend) return createMemorySessionStore();
  return backend.kind === 'embedded' ? createEmbeddedSessionStore(backend.db) : createRedisSessionStore(backend.redis, backend.prefix);
}
