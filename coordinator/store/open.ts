// Picks the slot store for the backend Platte runs on.
import type { Backend } from '../../kernel/storage/backend.ts';
import { createEmbeddedSlotStore } from './embedded/index.ts';
import { createRedisSlotStore } from './redis/index.ts';
import type { SlotStore, SlotStoreOptions } from './types.ts';

export function openSlotStore(backend: Backend, opts: SlotStoreOptions): SlotStore {
  return backend.kind === 'embedded' ? createEmbeddedSlotStore(backend.db, opts) : createRedisSlotStore(backend.redis, backend.prefix, opts);
}
