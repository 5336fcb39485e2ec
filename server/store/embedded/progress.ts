// The progress bookkeeping of domain/rollout/limits.ts on SQLite: which nodes are in progress in
// which group lives on their instance row (progress_group, progress_since, found through the
// partial index instances_in_progress), each group's grants of the last period in group_grants.
// Callers run these inside their own transaction (the check-in step, the timeout step, the end of
// progress when a node gives its reboot slot back).
import type Database from 'better-sqlite3';
import { GRANT_RETENTION_MS, type ProgressCounts } from '../../domain/rollout/limits.ts';

export interface ProgressStore {
  /** The counts a hold is decided on, read now (inside the caller's transaction). */
  counts(appId: string): ProgressCounts;
  /** Records a grant that took a new place: the node's latest grant in the group, older ones dropped. */
  recordGrant(appId: string, group: string, machineId: string, now: number): void;
  /** Nodes in progress in the group since before `before`, oldest grant first (then machine id). */
  oldest(appId: string, group: string, before: number, limit: number): string[];
  /** Takes the node out of progress (its row's group and grant time cleared); false when it was not in it. */
  leave(appId: string, machineId: string): boolean;
}

export function createProgressStore(db: Database.Database): ProgressStore {
  const grantedSince = db
    .prepare<[string, string, number], number>('SELECT COUNT(*) FROM group_grants WHERE app_id = ? AND grp = ? AND granted_at > ?')
    .pluck();
  const inProgress = db
    .prepare<[string, string], number>('SELECT COUNT(*) FROM instances WHERE app_id = ? AND progress_group = ?')
    .pluck();
  const bucket = db.prepare<[string, string], number>('SELECT count FROM counters WHERE app_id = ? AND bucket = ?').pluck();
  const grant = db.prepare(`INSERT INTO group_grants (app_id, grp, machine_id, granted_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (app_id, grp, machine_id) DO UPDATE SET granted_at = excluded.granted_at`);
  const trim = db.prepare('DELETE FROM group_grants WHERE app_id = ? AND grp = ? AND granted_at <= ?');
  const oldest = db
    .prepare<[string, string, number, number], string>(`SELECT machine_id FROM instances
      WHERE app_id = ? AND progress_group = ? AND progress_since < ? ORDER BY progress_since, machine_id LIMIT ?`)
    .pluck();

  const leave = db.prepare(`UPDATE instances SET progress_group = NULL, progress_since = NULL
    WHERE app_id = ? AND machine_id = ? AND progress_group IS NOT NULL`);

  return {
    counts(appId) {
      return {
        grantedSince: (group, since) => grantedSince.get(appId, group, since) ?? 0,
        inProgress: (group) => inProgress.get(appId, group) ?? 0,
        bucket: (name) => bucket.get(appId, name) ?? 0,
      };
    },
    recordGrant(appId, group, machineId, now) {
      grant.run(appId, group, machineId, now);
      trim.run(appId, group, now - GRANT_RETENTION_MS);
    },
    oldest(appId, group, before, limit) {
      return oldest.all(appId, group, before, limit);
    },
    leave(appId, machineId) {
      return leave.run(appId, machineId).changes === 1;
    },
  };
}
