// The tail every release write ends with, inside the caller's transaction: the activity entries
// appended (at most ACTIVITY_CAP kept per app) and the app's config epoch bumped, so check-ins
// decided on the old config are refused.
import type Database from 'better-sqlite3';
import type { ActivityEntry } from '../../domain/types.ts';
import { ACTIVITY_CAP } from '../types.ts';

export interface ChangeLog {
  /** Appends one entry without touching the epoch (createApp: the new app starts at epoch 1). */
  append(appId: string, a: ActivityEntry): void;
  /** Bumps the epoch once and appends the entries in order (the last is the newest). */
  record(appId: string, entries: readonly ActivityEntry[]): void;
}

export function changeLog(db: Database.Database): ChangeLog {
  const insert = db.prepare('INSERT INTO activity (app_id, at, kind, actor, message, data) VALUES (?, ?, ?, ?, ?, ?)');
  const trim = db.prepare(`DELETE FROM activity WHERE app_id = @appId AND seq <= (
    SELECT seq FROM activity WHERE app_id = @appId ORDER BY seq DESC LIMIT 1 OFFSET @keep)`);
  const bump = db.prepare('UPDATE apps SET epoch = epoch + 1 WHERE id = ?');
  const append = (appId: string, a: ActivityEntry) => {
    insert.run(appId, a.at, a.kind, a.actor, a.message, JSON.stringify(a.data));
    trim.run({ appId, keep: ACTIVITY_CAP });
  };
  return {
    append,
    record(appId, entries) {
      bump.run(appId);
      for (const a of entries) append(appId, a);
    },
  };
}
