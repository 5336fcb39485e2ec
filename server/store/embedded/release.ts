// Release data: apps, packages, channels, groups, pulled versions, activity. Every successful write
// appends its activity entry and bumps the app's config epoch in the same durable transaction (the
// writes that move a channel or pull a version are in channel-writes.ts).
import type Database from 'better-sqlite3';
import type { AppRecord, TrackGroupRecord } from '../../domain/types.ts';
import type { AppConfig, ReleaseStore } from '../types.ts';
import { changeLog, type ChangeLog } from './change-log.ts';
import { createChannelWrites } from './channel-writes.ts';
import { createCanaryWrites } from './canaries.ts';
import {
  activityFromRow,
  channelFromRow,
  channelToRow,
  packageFromRow,
  packageToRow,
  pulledFromRow,
  toLimit,
  type ActivityRow,
  type ChannelRow,
  type PackageRow,
  type PulledRow,
} from './codec.ts';
import { durableWriter, type Durable } from './durable.ts';
import { DEFAULT_POLICY } from '../../domain/rollout/policy.ts';
import { policyJson, storedPolicy } from '../../domain/rollout/policy-record.ts';

interface AppRow {
  id: string;
  name: string;
  created_at: number;
  epoch: number;
}
interface GroupRow {
  app_id: string;
  id: string;
  name: string;
  track: string;
  channel: string;
  policy: string | null;
  created_at: number;
  updated_at: number;
}

const appFromRow = (r: AppRow): AppRecord => ({ id: r.id, name: r.name, createdAt: r.created_at });
const groupFromRow = (r: GroupRow): TrackGroupRecord => ({
  appId: r.app_id,
  id: r.id,
  name: r.name,
  track: r.track,
  channel: r.channel,
  policy: r.policy === null ? DEFAULT_POLICY : storedPolicy(JSON.parse(r.policy)),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function statements(db: Database.Database) {
  return {
    getApp: db.prepare<[string], AppRow>('SELECT id, name, created_at, epoch FROM apps WHERE id = ?'),
    listApps: db.prepare<[], AppRow>('SELECT id, name, created_at, epoch FROM apps ORDER BY created_at, id'),
    insertApp: db.prepare(
      'INSERT INTO apps (id, name, created_at, epoch) VALUES (?, ?, ?, 1) ON CONFLICT (id) DO NOTHING',
    ),
    listActivity: db.prepare<[string, number], ActivityRow>(
      'SELECT app_id, at, kind, actor, message, data FROM activity WHERE app_id = ? ORDER BY seq DESC LIMIT ?',
    ),
    insertPackage: db.prepare(`INSERT INTO packages
      (app_id, version, arch, url, name, size, sha256, sha1, extra_files, created_at)
      VALUES (@app_id, @version, @arch, @url, @name, @size, @sha256, @sha1, @extra_files, @created_at)
      ON CONFLICT (app_id, version, arch) DO NOTHING`),
    listPackages: db.prepare<[string], PackageRow>(
      'SELECT * FROM packages WHERE app_id = ? ORDER BY created_at, version, arch',
    ),
    getChannel: db.prepare<[string, string], ChannelRow>('SELECT * FROM channels WHERE app_id = ? AND name = ?'),
    listChannels: db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE app_id = ? ORDER BY name'),
    insertChannel: db.prepare(`INSERT INTO channels
      (app_id, name, version, updated_at, updated_by, floors, allow_downgrade, rollout)
      VALUES (@app_id, @name, @version, @updated_at, @updated_by, @floors, @allow_downgrade, @rollout)
      ON CONFLICT (app_id, name) DO NOTHING`),
    // Oldest first; (at, version) so both stores list ties alike.
    listPulled: db.prepare<[string], PulledRow>('SELECT * FROM pulled WHERE app_id = ? ORDER BY at, version'),
    getGroup: db.prepare<[string, string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? AND id = ?'),
    groupByTrack: db.prepare<[string, string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? AND track = ?'),
    listTrackGroups: db.prepare<[string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? ORDER BY id'),
    insertGroup: db.prepare(`INSERT INTO app_groups (app_id, id, name, track, channel, policy, created_at, updated_at)
      VALUES (@appId, @id, @name, @track, @channel, @policy, @createdAt, @updatedAt)`),
    updateGroup: db.prepare(`UPDATE app_groups SET name = @name, track = @track, channel = @channel, policy = @policy,
      updated_at = @updatedAt WHERE app_id = @appId AND id = @id`),
    deleteTrackGroup: db.prepare('DELETE FROM app_groups WHERE app_id = ? AND id = ?'),
  };
}

type Statements = ReturnType<typeof statements>;

/** What every part of the release store writes with: its statements, durable transactions and the change log. */
interface ReleaseContext {
  s: Statements;
  durable: Durable;
  log: ChangeLog;
}

const appExists = (s: Statements, appId: string) => s.getApp.get(appId) !== undefined;

/** Apps: the insert sets the starting epoch; the other writes bump it through the change log. */
function appCalls({ s, durable, log }: ReleaseContext): Pick<ReleaseStore, 'createApp' | 'getApp' | 'listApps'> {
  return {
    async createApp(app, activity) {
      return durable(() => {
        // The insert itself sets epoch 1 (the spec's starting value), so only log here.
        if (s.insertApp.run(app.id, app.name, app.createdAt).changes === 0) return 'exists';
        log.append(app.id, activity);
        return 'created';
      });
    },

    async getApp(appId) {
      const row = s.getApp.get(appId);
      return row ? appFromRow(row) : null;
    },

    async listApps() {
      return s.listApps.all().map(appFromRow);
    },
  };
}

/** Packages, refused for an unknown app. */
function packageCalls({ s, durable, log }: ReleaseContext): Pick<ReleaseStore, 'addPackage' | 'listPackages'> {
  return {
    async addPackage(pkg, activity) {
      return durable(() => {
        if (!appExists(s, pkg.appId)) return 'no-app';
        if (s.insertPackage.run(packageToRow(pkg)).changes === 0) return 'exists';
        log.record(pkg.appId, [activity]);
        return 'created';
      });
    },

    async listPackages(appId) {
      return s.listPackages.all(appId).map(packageFromRow);
    },
  };
}

/** Channels: creation and reads; the writes that move a channel are in channel-writes.ts. */
function channelCalls({ s, durable, log }: ReleaseContext): Pick<ReleaseStore, 'createChannel' | 'getChannel' | 'listChannels'> {
  return {
    async createChannel(channel, activity) {
      return durable(() => {
        if (!appExists(s, channel.appId)) return 'no-app';
        if (s.insertChannel.run(channelToRow(channel)).changes === 0) return 'exists';
        log.record(channel.appId, [activity]);
        return 'created';
      });
    },

    async getChannel(appId, name) {
      const row = s.getChannel.get(appId, name);
      return row ? channelFromRow(row) : null;
    },

    async listChannels(appId) {
      return s.listChannels.all(appId).map(channelFromRow);
    },
  };
}

/** Track groups: one group per track, created or replaced whole. */
function groupCalls({ s, durable, log }: ReleaseContext): Pick<ReleaseStore, 'putTrackGroup' | 'deleteTrackGroup' | 'listTrackGroups'> {
  return {
    async putTrackGroup(group, activity) {
      return durable(() => {
        if (!appExists(s, group.appId)) return 'no-app';
        const holder = s.groupByTrack.get(group.appId, group.track);
        if (holder && holder.id !== group.id) return 'track-taken';
        const existing = s.getGroup.get(group.appId, group.id);
        const row = { ...group, policy: policyJson(group.policy) };
        if (existing) s.updateGroup.run(row);
        else s.insertGroup.run(row);
        log.record(group.appId, [activity]);
        return existing ? 'updated' : 'created';
      });
    },

    async deleteTrackGroup(appId, groupId, activity) {
      return durable(() => {
        if (s.deleteTrackGroup.run(appId, groupId).changes === 0) return false;
        log.record(appId, [activity]);
        return true;
      });
    },

    async listTrackGroups(appId) {
      return s.listTrackGroups.all(appId).map(groupFromRow);
    },
  };
}

/** Reads of what the writes left behind; loadAppConfig reads in one transaction so the epoch matches the data. */
function configReads(db: Database.Database, s: Statements, listCanaries: (appId: string) => string[]): Pick<ReleaseStore, 'listPulled' | 'listActivity' | 'loadAppConfig'> {
  const readConfig = db.transaction((appId: string): AppConfig | null => {
    const app = s.getApp.get(appId);
    if (!app) return null;
    return {
      epoch: app.epoch,
      app: appFromRow(app),
      channels: s.listChannels.all(appId).map(channelFromRow),
      groups: s.listTrackGroups.all(appId).map(groupFromRow),
      packages: s.listPackages.all(appId).map(packageFromRow),
      pulled: s.listPulled.all(appId).map(pulledFromRow),
      canaries: listCanaries(appId),
    };
  });

  return {
    async listPulled(appId) {
      return s.listPulled.all(appId).map(pulledFromRow);
    },

    async listActivity(appId, limit) {
      return s.listActivity.all(appId, toLimit(limit)).map(activityFromRow);
    },

    async loadAppConfig(appId) {
      return readConfig(appId);
    },
  };
}

export function createReleaseStore(db: Database.Database): ReleaseStore {
  const s = statements(db);
  const ctx: ReleaseContext = { s, durable: durableWriter(db), log: changeLog(db) };
  const { listCanaries, setCanary } = createCanaryWrites(db, ctx.log);
  return {
    ...createChannelWrites(db, ctx.log),
    setCanary,
    ...appCalls(ctx),
    ...packageCalls(ctx),
    ...channelCalls(ctx),
    ...groupCalls(ctx),
    ...configReads(db, s, listCanaries),
  };
}
