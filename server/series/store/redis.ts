// The series store on Redis (keys in redis-keys.ts). Each scope's write and trim is one Lua script
// (the step's point replaced only by a later snapshot, the scope cap, forgetting a scope with its
// points); a snapshot's scripts for one app go out together on the auto-pipelined client.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { defineScripts, runScript } from '../../../kernel/storage/redis/scripts.ts';
import { SCOPE_CAP, stepStart, type SeriesStore, type StoredPoint } from '../types.ts';
import { SeriesKeys } from './redis-keys.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');

const PUT_REPLIES: readonly number[] = [ReplyCode.ok, ReplyCode.none, ReplyCode.capReached];
const TRIM_REPLIES: readonly number[] = [ReplyCode.ok, ReplyCode.none];

/** `<taken>:<counts>` members with their scores, as ZRANGEBYSCORE … WITHSCORES answers. */
function pointsOf(reply: string[]): StoredPoint[] {
  const out: StoredPoint[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const member = reply[i]!;
    out.push({ at: Number(reply[i + 1]), text: member.slice(member.indexOf(':') + 1) });
  }
  return out;
}

export function createRedisSeriesStore(redis: Redis, prefix: string): SeriesStore {
  defineScripts(redis, LUA_DIR);
  const keys = new SeriesKeys(prefix);
  const scriptKeys = (appId: string, scope: string) => [keys.scopes(appId), keys.points(appId, 'minute', scope), keys.points(appId, 'hour', scope)];

  return guardRedisStore(redis, {
    async write(appId, minute, points) {
      const known = await redis.hkeys(keys.scopes(appId));
      const hour = stepStart(minute, 'hour');
      const scopes = new Set([...known, ...points.keys()]);
      await Promise.all(
        [...scopes].map(async (scope) => {
          const args = [scope, minute, hour, points.get(scope) ?? '', SCOPE_CAP];
          const reply = await runScript<number>(redis, 'seriesPut', scriptKeys(appId, scope), args);
          if (!PUT_REPLIES.includes(reply)) throw unexpectedReply('seriesPut', reply);
        }),
      );
    },
    async read(appId, resolution, scope, after, upTo) {
      return pointsOf(await redis.zrangebyscore(keys.points(appId, resolution, scope), `(${after}`, upTo, 'WITHSCORES'));
    },
    async trim(appId, keepMinutesFrom, keepHoursFrom) {
      const known = await redis.hkeys(keys.scopes(appId));
      await Promise.all(
        known.map(async (scope) => {
          const reply = await runScript<number>(redis, 'seriesTrim', scriptKeys(appId, scope), [scope, keepMinutesFrom, keepHoursFrom]);
          if (!TRIM_REPLIES.includes(reply)) throw unexpectedReply('seriesTrim', reply);
        }),
      );
    },
  } satisfies SeriesStore);
}
