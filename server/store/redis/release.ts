// Release data on Redis: apps, packages, channels, groups, pulled versions, activity. Each write is
// one Lua script that also appends the activity entry and bumps the app's config epoch (the writes
// that move a channel or pull a version are in channel-writes.ts); reads are plain commands
// (loadAppConfig reads in one MULTI so the epoch matches the data).
import type { AppRecord, ChannelRecord, TrackGroupRecord, PackageRecord, PulledRecord } from '../../domain/types.ts';
import { ACTIVITY_CAP, type AppConfig, type ReleaseStore } from '../types.ts';
import { createChannelWrites } from './channel-writes.ts';
import { createCanaryWrites } from './canaries.ts';
import {
  decodeActivity,
  decodeApp,
  decodeChannel,
  decodeGroup,
  decodePackage,
  decodePulled,
  encodeActivity,
  encodeChannel,
  encodePackage,
  num,
  packageField,
} from './codec.ts';
import type { RedisContext } from './context.ts';
import { policyJson } from '../../domain/rollout/policy-record.ts';
import { execAll } from '../../../kernel/storage/redis/multi.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';

const byCreated = <T extends { createdAt: number }>(key: (x: T) => string) => (a: T, b: T) =>
  a.createdAt - b.createdAt || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
const sortPackages = (list: PackageRecord[]) => list.sort(byCreated((p) => `${p.version}\n${p.arch}`));
const sortGroups = (list: TrackGroupRecord[]) => list.sort(byCreated((g) => g.id));
const sortChannels = (list: ChannelRecord[]) => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
/** Oldest first, ties by version (as the embedded store orders them). */
const sortPulled = (list: PulledRecord[]) => list.sort((a, b) => a.at - b.at || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));

function groupsFrom(appId: string, h: Record<string, string>): TrackGroupRecord[] {
  return sortGroups(Object.entries(h).map(([id, json]) => decodeGroup(appId, id, json)));
}

/** Apps: the global id list plus one hash per app (its name, creation time and config epoch). */
function appCalls({ redis, keys }: RedisContext): Pick<ReleaseStore, 'createApp' | 'getApp' | 'listApps'> {
  return {
    async createApp(app, activity) {
      // The global app list is a separate key (another Cluster slot): add the id first, so an app
      // is never missing from it; listApps skips ids whose app was never written.
      await redis.sadd(keys.apps(), app.id);
      const reply = await runScript<number>(
        redis,
        'createApp',
        [keys.app(app.id), keys.activity(app.id)],
        [app.name, app.createdAt, encodeActivity(activity), ACTIVITY_CAP],
      );
      if (reply === ReplyCode.ok) return 'created';
      if (reply === ReplyCode.exists) return 'exists';
      throw unexpectedReply('createApp', reply);
    },

    async getApp(appId) {
      return decodeApp(appId, await redis.hgetall(keys.app(appId)));
    },

    async listApps() {
      const ids = await redis.smembers(keys.apps());
      const hashes = await Promise.all(ids.map((id) => redis.hgetall(keys.app(id))));
      const apps = ids.map((id, i) => decodeApp(id, hashes[i]!)).filter((a): a is AppRecord => a !== null);
      return apps.sort(byCreated((a) => a.id));
    },
  };
}

/** Packages: one hash per app (field per version and arch) and the set of its versions. */
function packageCalls({ redis, keys }: RedisContext): Pick<ReleaseStore, 'addPackage' | 'listPackages'> {
  return {
    async addPackage(pkg, activity) {
      const reply = await runScript<number>(
        redis,
        'addPackage',
        [keys.app(pkg.appId), keys.packages(pkg.appId), keys.versions(pkg.appId), keys.activity(pkg.appId)],
        [packageField(pkg.version, pkg.arch), encodePackage(pkg), pkg.version, encodeActivity(activity), ACTIVITY_CAP],
      );
      if (reply === ReplyCode.ok) return 'created';
      if (reply === ReplyCode.exists) return 'exists';
      if (reply === ReplyCode.missing) return 'no-app';
      throw unexpectedReply('addPackage', reply);
    },

    async listPackages(appId) {
      const values = await redis.hvals(keys.packages(appId));
      return sortPackages(values.map((v) => decodePackage(appId, v)));
    },
  };
}

/** Channels: creation, promotion (its own script) and reads; other channel writes are in channel-writes.ts. */
function channelCalls({ redis, keys }: RedisContext): Pick<ReleaseStore, 'createChannel' | 'promoteChannel' | 'getChannel' | 'listChannels'> {
  return {
    async createChannel(channel, activity) {
      const { appId } = channel;
      const reply = await runScript<number>(
        redis,
        'createChannel',
        [keys.app(appId), keys.channels(appId), keys.activity(appId)],
        [channel.name, encodeChannel(channel), encodeActivity(activity), ACTIVITY_CAP],
      );
      if (reply === ReplyCode.ok) return 'created';
      if (reply === ReplyCode.exists) return 'exists';
      if (reply === ReplyCode.missing) return 'no-app';
      throw unexpectedReply('createChannel', reply);
    },

    async promoteChannel(channel, activity) {
      const { appId } = channel;
      const reply = await runScript<number | string>(
        redis,
        'promoteChannel',
        [keys.app(appId), keys.channels(appId), keys.versions(appId), keys.activity(appId)],
        [
          channel.name,
          channel.version ?? '',
          channel.version === null ? '0' : '1',
          encodeChannel(channel),
          encodeActivity(activity),
          ACTIVITY_CAP,
        ],
      );
      if (reply === ReplyCode.missing) return 'no-app';
      if (reply === ReplyCode.noChannel) return 'no-channel';
      if (reply === ReplyCode.noPackage) return 'no-package';
      if (typeof reply !== 'string') throw unexpectedReply('promoteChannel', reply);
      return { previous: decodeChannel(appId, reply).version };
    },

    async getChannel(appId, name) {
      const json = await redis.hget(keys.channels(appId), name);
      return json === null ? null : decodeChannel(appId, json);
    },

    async listChannels(appId) {
      const values = await redis.hvals(keys.channels(appId));
      return sortChannels(values.map((v) => decodeChannel(appId, v)));
    },
  };
}

/** Track groups: a hash of groups and a hash of tracks, so a track belongs to one group. */
function groupCalls({ redis, keys }: RedisContext): Pick<ReleaseStore, 'putTrackGroup' | 'deleteTrackGroup' | 'listTrackGroups'> {
  return {
    async putTrackGroup(group, activity) {
      const { appId } = group;
      const reply = await runScript<number>(
        redis,
        'putTrackGroup',
        [keys.app(appId), keys.groups(appId), keys.tracks(appId), keys.activity(appId)],
        [
          group.id,
          group.name,
          group.track,
          group.channel,
          group.createdAt,
          group.updatedAt,
          encodeActivity(activity),
          ACTIVITY_CAP,
          policyJson(group.policy),
        ],
      );
      if (reply === ReplyCode.ok) return 'created';
      if (reply === ReplyCode.updated) return 'updated';
      if (reply === ReplyCode.missing) return 'no-app';
      if (reply === ReplyCode.trackTaken) return 'track-taken';
      throw unexpectedReply('putTrackGroup', reply);
    },

    async deleteTrackGroup(appId, groupId, activity) {
      const reply = await runScript<number>(
        redis,
        'deleteTrackGroup',
        [keys.app(appId), keys.groups(appId), keys.tracks(appId), keys.activity(appId)],
        [groupId, encodeActivity(activity), ACTIVITY_CAP],
      );
      if (reply !== ReplyCode.ok && reply !== ReplyCode.missing) throw unexpectedReply('deleteTrackGroup', reply);
      return reply === ReplyCode.ok;
    },

    async listTrackGroups(appId) {
      return groupsFrom(appId, await redis.hgetall(keys.groups(appId)));
    },
  };
}

/** Reads of what the writes left behind: pulled versions, the activity log and the whole config. */
function configReads({ redis, keys }: RedisContext): Pick<ReleaseStore, 'listPulled' | 'listActivity' | 'loadAppConfig'> {
  return {
    async listPulled(appId) {
      const values = await redis.hvals(keys.pulled(appId));
      return sortPulled(values.map((v) => decodePulled(appId, v)));
    },

    async listActivity(appId, limit) {
      const n = Math.min(Math.floor(limit), ACTIVITY_CAP);
      if (!(n > 0)) return [];
      const values = await redis.lrange(keys.activity(appId), 0, n - 1);
      return values.map(decodeActivity);
    },

    async loadAppConfig(appId): Promise<AppConfig | null> {
      const [appHash, packages, channels, groups, pulled, canaries] = (await execAll(
        redis
          .multi()
          .hgetall(keys.app(appId))
          .hvals(keys.packages(appId))
          .hvals(keys.channels(appId))
          .hgetall(keys.groups(appId))
          .hvals(keys.pulled(appId))
          .smembers(keys.canaries(appId)),
      )) as [Record<string, string>, string[], string[], Record<string, string>, string[], string[]];
      const app = decodeApp(appId, appHash);
      if (!app) return null;
      return {
        epoch: num(appHash.epoch),
        app,
        channels: sortChannels(channels.map((v) => decodeChannel(appId, v))),
        groups: groupsFrom(appId, groups),
        packages: sortPackages(packages.map((v) => decodePackage(appId, v))),
        pulled: sortPulled(pulled.map((v) => decodePulled(appId, v))),
        canaries: canaries.sort(),
      };
    },
  };
}

export function createReleaseStore(ctx: RedisContext): ReleaseStore {
  return {
    ...createChannelWrites(ctx),
    ...createCanaryWrites(ctx),
    ...appCalls(ctx),
    ...packageCalls(ctx),
    ...channelCalls(ctx),
    ...groupCalls(ctx),
    ...configReads(ctx),
  };
}
