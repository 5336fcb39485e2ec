// Grants that took longer than their group allows: the nodes in progress in a group since before a
// cutoff, found through the partial index instances_in_progress (oldest grant first), each moved to
// `timed-out` by domain/apply-check-in.ts' timeOut rule (status, one history entry, counters) and
// taken out of progress, all in one IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import { CHECK_IN_LIMITS, timeOut, type CheckInLimits } from '../../domain/apply-check-in.ts';
import { CURRENT_COLUMNS, storedInstance, type CurrentRow } from './checkin.ts';
import { encodeBuckets } from './codec.ts';
import { storedBuckets, type Counters } from './counters.ts';
import { editStoredHistory } from './history.ts';
import type { ProgressStore } from './progress.ts';

export type TimeOutGrants = Database.Transaction<(appId: string, group: string, grantedBefore: number, now: number, limit: number) => string[]>;

export function createTimeOuts(
  db: Database.Database,
  counters: Counters,
  progress: ProgressStore,
  limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS,
): TimeOutGrants {
  const current = db.prepare<[string, string], CurrentRow>(`SELECT ${CURRENT_COLUMNS} FROM instances WHERE app_id = ? AND machine_id = ?`);
  const update = db.prepare(`UPDATE instances SET status = @status, status_since = @statusSince, buckets = @buckets,
    history = @history, progress_group = NULL, progress_since = NULL WHERE app_id = @appId AND machine_id = @machineId`);

  return db.transaction((appId: string, group: string, grantedBefore: number, now: number, limit: number): string[] => {
    const ids = progress.oldest(appId, group, grantedBefore, limit);
    for (const machineId of ids) {
      const row = current.get(appId, machineId)!;
      const cur = storedInstance(row);
      const out = timeOut(cur, now, limits);
      update.run({
        appId,
        machineId,
        status: out.status,
        statusSince: out.statusSince,
        buckets: encodeBuckets(storedBuckets(out.buckets, cur.talliedVersion)),
        history: editStoredHistory(row.history, out.history),
      });
      counters.apply(appId, out.counters);
    }
    return ids;
  });
}
