// STUB — replaced by the Redis store implementation.
import type { Backend } from '../backend.ts';
import type { Store } from '../types.ts';
export async function createRedisStore(_backend: Extract<Backend, { kind: 'redis' }>): Promise<Store> {
  throw new Error('redis store not implemented yet');
}
