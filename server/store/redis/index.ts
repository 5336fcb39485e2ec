// The Redis store: release data, instances and tokens on the backend's ioredis client, every
// atomic write one Lua script (lua/*.lua). Works with many Platte processes on one Redis.
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../../kernel/storage/backend.ts';
import type { CheckInLimits } from '../../domain/apply-check-in.ts';
import type { Store } from '../types.ts';
import { StoreUnavailableError } from '../../../kernel/storage/unavailable.ts';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { createInstanceStore } from './instances.ts';
import { storeKeys } from './keys.ts';
import { createReleaseStore } from './release.ts';
import { defineScripts } from '../../../kernel/storage/redis/scripts.ts';
import { createTokenStore } from './tokens.ts';

const LUA_DIR = fileURLToPath(new URL('./lua', import.meta.url));

export interface RedisStoreOptions {
  /** The check-in step's bounds (domain/apply-check-in.ts); tests choose small ones. */
  limits?: Readonly<CheckInLimits>;
}

export async function createRedisStore(backend: Extract<Backend, { kind: 'redis' }>, opts: RedisStoreOptions = {}): Promise<Store> {
  const { redis, prefix } = backend;
  defineScripts(redis, LUA_DIR);
  const ctx = { redis, keys: storeKeys(prefix) };
  const { stopRevocations, ...tokens } = createTokenStore(ctx);
  // Every call answers StoreUnavailableError when Redis does not answer (see context.ts).
  return guardRedisStore(redis, {
    kind: 'redis',
    ...createReleaseStore(ctx),
    ...createInstanceStore(ctx, opts.limits),
    ...tokens,
    // Every write is acknowledged by Redis before its promise resolves: nothing to flush. The
    // connection is closed by closeBackend (the coordinator shares it); the token revocation
    // subscriber is the store's own.
    async close() {
      stopRevocations();
    },
    async ready() {
      // Not connected: say so at once instead of queueing a PING behind the reconnection attempts.
      if (redis.status !== 'ready') throw new StoreUnavailableError(`Redis connection is ${redis.status}`);
      await redis.ping();
    },
  });
}
