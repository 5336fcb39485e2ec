// The guard every Redis-backed store is wrapped in: a call Redis does not answer rejects with
// StoreUnavailableError, which every surface turns into a 503.
import { ReplyError, type Redis } from 'ioredis';
import { StoreUnavailableError, withDeadline } from '../unavailable.ts';

/**
 * How long a store call may wait for Redis. ioredis alone would wait for its reconnection attempts
 * (seconds, growing) and forever for a Redis that keeps the connection open but does not reply.
 */
const STORE_DEADLINE_MS = 3_000;

/**
 * A failure of a call on `redis`, classified. Redis replying with an error (ReplyError) answered:
 * that is passed on (a bug, a 500). Anything else while the client is not connected and ready
 * (retries exhausted, connection closed, offline) is Redis not answering. The status is read when
 * the rejection arrives, in the same turn as ioredis flushing its queue on a lost connection.
 */
function redisFailure(redis: Redis, err: unknown): unknown {
  if (err instanceof StoreUnavailableError || err instanceof ReplyError || redis.status === 'ready') return err;
  return new StoreUnavailableError(`Redis is not answering (connection ${redis.status})`, { cause: err });
}

/**
 * Wraps every method of a store built on `redis` (release, instances, tokens, reboot slots) so a
 * call Redis does not answer rejects with StoreUnavailableError: when the connection is down, and
 * at the latest after `deadlineMs`. `close` (no call on Redis) and methods that return no promise
 * are called as they are.
 */
export function guardRedisStore<T extends object>(redis: Redis, store: T, deadlineMs = STORE_DEADLINE_MS): T {
  const guarded: Record<string, unknown> = { ...(store as Record<string, unknown>) };
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function' || name === 'close') continue;
    const method = value as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => {
      let out: unknown;
      try {
        out = method.apply(store, args);
      } catch (err) {
        throw redisFailure(redis, err);
      }
      if (!(out instanceof Promise)) return out;
      return withDeadline(out, deadlineMs, 'Redis').catch((err: unknown) => {
        throw redisFailure(redis, err);
      });
    };
  }
  return guarded as T;
}
