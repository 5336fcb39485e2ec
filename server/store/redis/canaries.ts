// Canaries on Redis: a set per app, changed by one script that also bumps the config epoch.
import { ACTIVITY_CAP, MAX_CANARIES, type ReleaseStore } from '../types.ts';
import { encodeActivity } from './codec.ts';
import type { RedisContext } from './context.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';

const REPLIES = new Map<number, Awaited<ReturnType<ReleaseStore['setCanary']>>>([
  [ReplyCode.ok, 'changed'],
  [ReplyCode.exists, 'unchanged'],
  [ReplyCode.missing, 'no-app'],
  [ReplyCode.full, 'too-many'],
]);

export function createCanaryWrites({ redis, keys }: RedisContext): Pick<ReleaseStore, 'setCanary'> {
  return {
    async setCanary(appId, machineId, canary, activity) {
      const reply = await runScript<number>(
        redis,
        'setCanary',
        [keys.app(appId), keys.canaries(appId), keys.activity(appId)],
        [machineId, canary ? '1' : '0', MAX_CANARIES, encodeActivity(activity), ACTIVITY_CAP],
      );
      const out = REPLIES.get(reply);
      if (out === undefined) throw unexpectedReply('setCanary', reply);
      return out;
    },
  };
}
