// Sessions on Redis: one key per session, `<prefix>:{session:<key>}:s`, holding its JSON and
// expiring with it (PX), so every process sees a session any of them opened and nothing sweeps.
// Each call is one command, atomic on its own: no script is needed.
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../kernel/storage/redis/guard.ts';
import { KeySpace } from '../../kernel/storage/redis/keys.ts';
import type { SessionRecord, SessionStore } from './types.ts';

export function createRedisSessionStore(redis: Redis, prefix: string): SessionStore {
  const tag = new KeySpace(prefix).tagged('session');
  const keyOf = (key: string) => tag(key).key('s');
  // Every call answers StoreUnavailableError when Redis does not answer (a 503).
  return guardRedisStore(redis, {
    async put(key: string, s: SessionRecord) {
      await redis.set(keyOf(key), JSON.stringify(s), 'PX', Math.max(1, s.expiresAt - s.createdAt));
    },
    async get(key: string, now: number) {
      const raw = await redis.get(keyOf(key));
      if (raw === null) return null;
      const s = JSON.parse(raw) as SessionRecord;
      // Redis expires the key on its own clock; the caller's clock decides too.
      return s.expiresAt > now ? s : null;
    },
    async remove(key: string) {
      await redis.del(keyOf(key));
    },
  });
}
