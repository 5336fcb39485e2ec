// What every part of the Redis store works with: the connection and the key builder.
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.ts';

export interface RedisContext {
  redis: Redis;
  keys: StoreKeys;
}

