// Slot store on Redis. Every change is ONE Lua script over the group's keys (one hash tag), so
// several Platte processes sharing a Redis never exceed `max` and never fail on a race. Takes and
// releases go through the group commit of batch.ts; the rest are single scripts or reads.
// The parts: slots.ts (take, give back, lease sweep), groups.ts (create, configure, forget),
// read.ts, targets.ts; context.ts is what they share.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { defineScripts } from '../../../kernel/storage/redis/scripts.ts';
import type { SlotStore, SlotStoreOptions } from '../types.ts';
import type { SlotRedisContext } from './context.ts';
import { groupOps } from './groups.ts';
import { SlotKeys } from './keys.ts';
import { readOps } from './read.ts';
import { slotOps } from './slots.ts';
import { targetOps } from './targets.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');

export function createRedisSlotStore(redis: Redis, prefix: string, opts: SlotStoreOptions): SlotStore {
  defineScripts(redis, LUA_DIR);
  const ctx: SlotRedisContext = { redis, keys: new SlotKeys(prefix), opts, windowCache: new Map() };
  // Every call answers StoreUnavailableError when Redis does not answer (kernel/storage/redis/guard.ts).
  return guardRedisStore(redis, { kind: 'redis', ...slotOps(ctx), ...groupOps(ctx), ...readOps(ctx), ...targetOps(ctx) });
}
