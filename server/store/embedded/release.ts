// Release data: apps, packages, channels, groups, activity. Every successful write appends its
// activity entry and bumps the app's config epoch in the same durable transaction.
import type Database from 'better-sqlite3';
import type { ActivityEntry, AppRecord, ChannelRecord, TrackGroupRecord } from '../../domain/types.ts';
import { ACTIVITY_CAP, type AppConfig, type ReleaseStore } from '../types.ts';
import {
  activityFromRow,
  packageFromRow,
  packageToRow,
  toLimit,
  type ActivityRow,
  type PackageRow,
} from './codec.ts';
import { durableWriter } from './durable.ts';

interface AppRow {
  id: string;
  name: string;
  created_at: number;
  epoch: number;
}
interface ChannelRow {
  app_id: string;
  name: string;
  version: string | null;
  updated_at: number;
  updated_by: string;
}
interface GroupRow {
  app_id: string;
  id: string;
  name: string;
  track: string;
  channel: string;
  created_at: number;
  updated_at: number;
}

const appFromRow = (r: AppRow): AppRecord => ({ id: r.id, name: r.name, createdAt: r.created_at });
const channelFromRow = (r: ChannelRow): ChannelRecord => ({
  appId: r.app_id,
  name: r.name,
  version: r.version,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});
const groupFromRow = (r: GroupRow): TrackGroupRecord => ({
  appId: r.app_id,
  id: r.id,
  name: r.name,
  track: r.track,
  channel: r.channel,
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
    bumpEpoch: db.prepare('UPDATE apps SET epoch = epoch + 1 WHERE id = ?'),
    insertActivity: db.prepare(
      'INSERT INTO activity (app_id, at, kind, actor, message, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    trimActivity: db.prepare(`DELETE FROM activity WHERE app_id = @appId AND seq <= (
      SELECT seq FROM activity WHERE app_id = @appId ORDER BY seq DESC LIMIT 1 OFFSET @keep)`),
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
    hasVersion: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM packages WHERE app_id = ? AND version = ? LIMIT 1',
    ),
    getChannel: db.prepare<[string, string], ChannelRow>('SELECT * FROM channels WHERE app_id = ? AND name = ?'),
    listChannels: db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE app_id = ? ORDER BY name'),
    insertChannel: db.prepare(`INSERT INTO channels (app_id, name, version, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, name) DO NOTHING`),
    updateChannel: db.prepare('UPDATE channels SET version = ?, updated_at = ?, updated_by = ? WHERE app_id = ? AND name = ?'),
    getGroup: db.prepare<[string, string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? AND id = ?'),
    groupByTrack: db.prepare<[string, string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? AND track = ?'),
    listTrackGroups: db.prepare<[string], GroupRow>('SELECT * FROM app_groups WHERE app_id = ? ORDER BY id'),
    insertGroup: db.prepare(`INSERT INTO app_groups (app_id, id, name, track, channel, created_at, updated_at)
      VALUES (@appId, @id, @name, @track, @channel, @createdAt, @updatedAt)`),
    updateGroup: db.prepare(`UPDATE app_groups SET name = @name, track = @track, channel = @channel,
      updated_at = @updatedAt WHERE app_id = @appId AND id = @id`),
    deleteTrackGroup: db.prepare('DELETE FROM app_groups WHERE app_id = ? AND id = ?'),
  };
}

export function createReleaseStore(db: Database.Database): ReleaseStore {
  const s = statements(db);
  const durable = durableWriter(db);

  /** The common tail of every successful write: epoch + activity (inside the caller's transaction). */
  const logActivity = (appId: string, a: ActivityEntry) => {
    s.insertActivity.run(appId, a.at, a.kind, a.actor, a.message, JSON.stringify(a.data));
    s.trimActivity.run({ appId, keep: ACTIVITY_CAP });
  };
  const recorded = (appId: string, a: ActivityEntry) => {
    s.bumpEpoch.run(appId);
    logActivity(appId, a);
  };
  const appExists = (appId: string) => s.getApp.get(appId) !== undefined;

  const readConfig = db.transaction((appId: string): AppConfig | null => {
    const app = s.getApp.get(appId);
    if (!app) return null;
    return {
      epoch: app.epoch,
      app: appFromRow(app),
      channels: s.listChannels.all(appId).map(channelFromRow),
      groups: s.listTrackGroups.all(appId).map(groupFromRow),
      packages: s.listPackages.all(appId).map(packageFromRow),
    };
  });

  return {
    async createApp(app, activity) {
      return durable(() => {
        // The insert itself sets epoch 1 (the spec's starting value), so only log here.
        if (s.insertApp.run(app.id, app.name, app.createdAt).changes === 0) return 'exists';
        logActivity(app.id, activity);
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

    async addPackage(pkg, activity) {
      return durable(() => {
        if (!appExists(pkg.appId)) return 'no-app';
        if (s.insertPackage.run(packageToRow(pkg)).changes === 0) return 'exists';
        recorded(pkg.appId, activity);
        return 'created';
      });
    },

    async listPackages(appId) {
      return s.listPackages.all(appId).map(packageFromRow);
    },

    async createChannel(channel, activity) {
      return durable(() => {
        if (!appExists(channel.appId)) return 'no-app';
        const { appId, name, version, updatedAt, updatedBy } = channel;
        if (s.insertChannel.run(appId, name, version, updatedAt, updatedBy).changes === 0) return 'exists';
        recorded(appId, activity);
        return 'created';
      });
    },

    async promoteChannel(channel, activity) {
      return durable(() => {
        if (!appExists(channel.appId)) return 'no-app';
        const current = s.getChannel.get(channel.appId, channel.name);
        if (!current) return 'no-channel';
        if (channel.version === null || !s.hasVersion.get(channel.appId, channel.version)) return 'no-package';
        s.updateChannel.run(channel.version, channel.updatedAt, channel.updatedBy, channel.appId, channel.name);
        recorded(channel.appId, activity);
        return { previous: current.version };
      });
    },

    async getChannel(appId, name) {
      const row = s.getChannel.get(appId, name);
      return row ? channelFromRow(row) : null;
    },

    async listChannels(appId) {
      return s.listChannels.all(appId).map(channelFromRow);
    },

    async putTrackGroup(group, activity) {
      return durable(() => {
        if (!appExists(group.appId)) return 'no-app';
        const holder = s.groupByTrack.get(group.appId, group.track);
        if (holder && holder.id !== group.id) return 'track-taken';
        const existing = s.getGroup.get(group.appId, group.id);
        if (existing) s.updateGroup.run(group);
        else s.insertGroup.run(group);
        recorded(group.appId, activity);
        return existing ? 'updated' : 'created';
      });
    },

    async deleteTrackGroup(appId, groupId, activity) {
      return durable(() => {
        if (s.deleteTrackGroup.run(appId, groupId).changes === 0) return false;
        recorded(appId, activity);
        return true;
      });
    },

    async listTrackGroups(appId) {
      return s.listTrackGroups.all(appId).map(groupFromRow);
    },

    async listActivity(appId, limit) {
      return s.listActivity.all(appId, toLimit(limit)).map(activityFromRow);
    },

    async loadAppConfig(appId) {
      return readConfig(appId);
    },
  };
}
