// Writes that move what a channel offers: promoteChannel, writeChannel (the whole record, optionally
// a compare-and-set on the app's config epoch) and pullPackage. Each is one durable transaction that
// checks, writes and ends with the change log (epoch bump + activity), so nothing is half done.
import type Database from 'better-sqlite3';
import type { ActivityEntry, ChannelRecord } from '../../domain/types.ts';
import type { ReleaseStore } from '../types.ts';
import { channelToRow, pulledToRow, type ChannelRow } from './codec.ts';
import type { ChangeLog } from './change-log.ts';
import { durableWriter } from './durable.ts';

type Refusal = 'no-app' | 'no-channel' | 'no-package' | 'stale';

function statements(db: Database.Database) {
  return {
    epochOf: db.prepare<[string], number>('SELECT epoch FROM apps WHERE id = ?').pluck(),
    getChannel: db.prepare<[string, string], ChannelRow>('SELECT * FROM channels WHERE app_id = ? AND name = ?'),
    hasVersion: db.prepare<[string, string], number>('SELECT 1 FROM packages WHERE app_id = ? AND version = ? LIMIT 1').pluck(),
    updateChannel: db.prepare(`UPDATE channels SET version = @version, updated_at = @updated_at, updated_by = @updated_by,
      floors = @floors, allow_downgrade = @allow_downgrade, rollout = @rollout WHERE app_id = @app_id AND name = @name`),
    insertPulled: db.prepare(`INSERT INTO pulled (app_id, version, reason, actor, at)
      VALUES (@app_id, @version, @reason, @actor, @at) ON CONFLICT (app_id, version) DO NOTHING`),
  };
}

type Statements = ReturnType<typeof statements>;

/**
 * writeChannel's steps, shared by promoteChannel (epoch null, a version required). Runs inside
 * the caller's transaction; returns the version the channel pointed at before.
 */
function writeWhole(
  s: Statements,
  log: ChangeLog,
  channel: ChannelRecord,
  epoch: number | null,
  activity: readonly ActivityEntry[],
  versionRequired: boolean,
): { previous: string | null } | Refusal {
  const { appId } = channel;
  const current = s.epochOf.get(appId);
  if (current === undefined) return 'no-app';
  const row = s.getChannel.get(appId, channel.name);
  if (!row) return 'no-channel';
  if (epoch !== null && current !== epoch) return 'stale';
  if (channel.version === null ? versionRequired : !s.hasVersion.get(appId, channel.version)) return 'no-package';
  s.updateChannel.run(channelToRow(channel));
  log.record(appId, activity);
  return { previous: row.version };
}

export function createChannelWrites(
  db: Database.Database,
  log: ChangeLog,
): Pick<ReleaseStore, 'promoteChannel' | 'writeChannel' | 'pullPackage'> {
  const durable = durableWriter(db);
  const s = statements(db);

  return {
    async promoteChannel(channel, activity) {
      return durable(() => {
        const result = writeWhole(s, log, channel, null, [activity], true);
        // Without an epoch there is nothing to compare.
        if (result === 'stale') throw new Error('promoteChannel: stale without an epoch');
        return result;
      });
    },

    async writeChannel(channel, epoch, activity) {
      return durable(() => {
        const result = writeWhole(s, log, channel, epoch, activity, false);
        return typeof result === 'string' ? result : 'written';
      });
    },

    async pullPackage(pull, activity) {
      return durable(() => {
        if (s.epochOf.get(pull.appId) === undefined) return 'no-app';
        if (!s.hasVersion.get(pull.appId, pull.version)) return 'no-package';
        if (s.insertPulled.run(pulledToRow(pull)).changes === 0) return 'already';
        log.record(pull.appId, [activity]);
        return 'pulled';
      });
    },
  };
}
