// Writes that move what a channel offers, on Redis: writeChannel (the whole record, optionally a
// compare-and-set on the app's config epoch) and pullPackage, each one Lua script that checks,
// writes, appends the activity and bumps the epoch. promoteChannel keeps its own script (release.ts).
import { ACTIVITY_CAP, type ReleaseStore } from '../types.ts';
import { encodeActivity, encodeChannel, encodePulled } from './codec.ts';
import type { RedisContext } from './context.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';

const WRITE_REPLIES = new Map<number, Awaited<ReturnType<ReleaseStore['writeChannel']>>>([
  [ReplyCode.ok, 'written'],
  [ReplyCode.missing, 'no-app'],
  [ReplyCode.noChannel, 'no-channel'],
  [ReplyCode.staleConfig, 'stale'],
  [ReplyCode.noPackage, 'no-package'],
]);

const PULL_REPLIES = new Map<number, Awaited<ReturnType<ReleaseStore['pullPackage']>>>([
  [ReplyCode.ok, 'pulled'],
  [ReplyCode.missing, 'no-app'],
  [ReplyCode.noPackage, 'no-package'],
  [ReplyCode.exists, 'already'],
]);

export function createChannelWrites({ redis, keys }: RedisContext): Pick<ReleaseStore, 'writeChannel' | 'pullPackage'> {
  return {
    async writeChannel(channel, epoch, activity) {
      const { appId } = channel;
      const reply = await runScript<number>(
        redis,
        'writeChannel',
        [keys.app(appId), keys.channels(appId), keys.versions(appId), keys.activity(appId)],
        [
          channel.name,
          channel.version ?? '',
          channel.version === null ? '0' : '1',
          encodeChannel(channel),
          epoch === null ? '' : epoch,
          ACTIVITY_CAP,
          ...activity.map(encodeActivity),
        ],
      );
      const result = WRITE_REPLIES.get(reply);
      if (result === undefined) throw unexpectedReply('writeChannel', reply);
      return result;
    },

    async pullPackage(pull, activity) {
      const { appId } = pull;
      const reply = await runScript<number>(
        redis,
        'pullPackage',
        [keys.app(appId), keys.versions(appId), keys.pulled(appId), keys.activity(appId)],
        [pull.version, encodePulled(pull), encodeActivity(activity), ACTIVITY_CAP],
      );
      const result = PULL_REPLIES.get(reply);
      if (result === undefined) throw unexpectedReply('pullPackage', reply);
      return result;
    },
  };
}
