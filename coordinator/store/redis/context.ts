// What every part of the Redis slot store works with: the connection, the key builder, the
// options, and the cache of each group's windows that the batches decide against (apply.ts).
import type { Redis } from 'ioredis';
import type { RebootWindow } from '../../domain/types.ts';
import type { SlotStoreOptions } from '../types.ts';
import type { SlotKeys } from './keys.ts';

/** Windows and lease length per group as last seen, with the epoch they belong to. */
export type WindowCache = Map<string, { epoch: number; windows: RebootWindow[]; leaseMs: number }>;

export interface SlotRedisContext {
  redis: Redis;
  keys: SlotKeys;
  opts: SlotStoreOptions;
  /** Kept current by the batches (staleConfig answers), configure and forget. */
  windowCache: WindowCache;
}
