// The instance store: check-ins (group-committed), lookups, history, newest-first paging, counters,
// pruning (which takes a node out of progress with its row), grant timeouts, ended progress (a node
// that gave its reboot slot back), stale marks (stale.ts) and failure counts.
import type Database from 'better-sqlite3';
import { forgetInstance, type CheckInLimits } from '../../domain/apply-check-in.ts';
import { isFailureBucket } from '../../domain/failure-counters.ts';
import type { InstanceStore } from '../types.ts';
import { createCheckIn } from './checkin.ts';
import {
  decodeBuckets,
  decodeHistory,
  INSTANCE_COLUMNS,
  instanceFromRow,
  toLimit,
  type InstanceRow,
} from './codec.ts';
import { createCounters, splitBuckets, type Counters } from './counters.ts';
import { createProgressStore, type ProgressStore } from './progress.ts';
import { createStaleMarks } from './stale.ts';
import { createTimeOuts } from './timeouts.ts';
import { createGroupCommit } from '../../../kernel/storage/sqlite/group-commit.ts';
import { decodeCursor, encodeCursor } from '../../../kernel/storage/cursor.ts';

export interface InstanceStoreOptions {
  /**
   * true (the default): check-ins arriving in the same event-loop turn share ONE transaction, each
   * in its own savepoint, answered after the commit. false: one transaction per check-in (the
   * baseline bench/embedded-checkin.ts compares against).
   */
  groupCommit?: boolean;
  /** The check-in step's bounds (domain/apply-check-in.ts); tests choose small ones. */
  limits?: Readonly<CheckInLimits>;
}

/** The open batch of this turn's check-ins, or null when each check-in commits on its own. */
type Batch = ReturnType<typeof createGroupCommit> | null;

/** The check-ins and the sweeps that must come after the check-ins queued for this turn. */
function batchedWrites(
  db: Database.Database,
  counters: Counters,
  progress: ProgressStore,
  batch: Batch,
  limits: Readonly<CheckInLimits> | undefined,
): Pick<InstanceStore, 'applyCheckIn' | 'timeOutGrants' | 'endProgress' | 'markStale'> & { flushCheckIns(): void } {
  const checkIn = createCheckIn(db, counters, progress, limits);
  const timeOutGrants = createTimeOuts(db, counters, progress, limits);
  const endProgress = db.transaction((appId: string, machineId: string) => progress.leave(appId, machineId));
  const markStale = createStaleMarks(db, counters);
  return {
    async applyCheckIn(appId, epoch, change, now) {
      // Both ways the write lock is taken up front (IMMEDIATE), so another process on the file (the
      // CLI) can never make a check-in fail half-way with SQLITE_BUSY when it upgrades to write.
      if (batch) return batch(() => checkIn(appId, epoch, change, now));
      return checkIn.immediate(appId, epoch, change, now);
    },

    /** Commits check-ins still waiting for their batch (close() calls it before the checkpoint). */
    flushCheckIns() {
      batch?.flush();
    },

    async timeOutGrants(appId, group, grantedBefore, now, limit) {
      // Check-ins queued for this turn go first, so a node that just completed is not timed out.
      batch?.flush();
      return timeOutGrants.immediate(appId, group, grantedBefore, now, toLimit(limit));
    },

    async endProgress(appId, machineId) {
      // A check-in of this turn (the node's grant, its installed report) lands first, so the node
      // leaves the progress it is in once all of them are written. `now` is not needed: leaving
      // progress keeps no time.
      batch?.flush();
      return endProgress.immediate(appId, machineId);
    },

    async markStale(appId, lastCheckBefore, limit) {
      // As for timeouts: a check-in queued for this turn is a sign of life that must land first.
      batch?.flush();
      return markStale.immediate(appId, lastCheckBefore, toLimit(limit));
    },
  };
}

/** One instance, its history, newest-first pages, the counters and the instance count. */
function instanceReads(
  db: Database.Database,
  counters: Counters,
): Pick<InstanceStore, 'getInstance' | 'getHistory' | 'listInstances' | 'counters' | 'countInstances'> {
  const s = {
    get: db.prepare<[string, string], InstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE app_id = ? AND machine_id = ?`,
    ),
    history: db
      .prepare<[string, string], string>('SELECT history FROM instances WHERE app_id = ? AND machine_id = ?')
      .pluck(),
    // Newest first = (last_check, machine_id) descending: a walk down instances_by_last_check.
    firstPage: db.prepare<[string, number], InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE app_id = ?
      ORDER BY last_check DESC, machine_id DESC LIMIT ?`),
    nextPage: db.prepare<[string, number, string, number], InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM instances
      WHERE app_id = ? AND (last_check, machine_id) < (?, ?)
      ORDER BY last_check DESC, machine_id DESC LIMIT ?`),
    count: db.prepare<[string], number>('SELECT instance_count FROM apps WHERE id = ?').pluck(),
  };

  return {
    async getInstance(appId, machineId) {
      const row = s.get.get(appId, machineId);
      return row ? instanceFromRow(row) : null;
    },

    async getHistory(appId, machineId, limit) {
      const text = s.history.get(appId, machineId);
      if (text === undefined) return [];
      return decodeHistory(text).reverse().slice(0, toLimit(limit));
    },

    async listInstances(appId, opts) {
      const limit = toLimit(opts.limit, 1);
      const after = opts.cursor === undefined ? null : decodeCursor(opts.cursor);
      // One extra row tells whether another page exists, so the last page says next: null.
      const rows = after
        ? s.nextPage.all(appId, after.lastCheck, after.machineId, limit + 1)
        : s.firstPage.all(appId, limit + 1);
      const items = rows.slice(0, limit).map(instanceFromRow);
      const last = items.at(-1);
      const next = rows.length > limit && last ? encodeCursor(last) : null;
      return { items, next };
    },

    async counters(appId) {
      return counters.read(appId);
    },

    async countInstances(appId) {
      return s.count.get(appId) ?? 0;
    },
  };
}

/** Pruning (which takes a node out of progress with its row) and failure counts. */
function instanceUpkeep(db: Database.Database, counters: Counters): Pick<InstanceStore, 'pruneInstances' | 'countFailure'> {
  const s = {
    oldest: db.prepare<[string, number, number], { machine_id: string; buckets: string }>(`SELECT machine_id,
      buckets FROM instances WHERE app_id = ? AND last_check < ? ORDER BY last_check, machine_id LIMIT ?`),
    remove: db.prepare('DELETE FROM instances WHERE app_id = ? AND machine_id = ?'),
    uncount: db.prepare('UPDATE apps SET instance_count = instance_count - ? WHERE id = ?'),
  };

  const prune = db.transaction((appId: string, before: number, limit: number): number => {
    const victims = s.oldest.all(appId, before, limit);
    for (const v of victims) {
      s.remove.run(appId, v.machine_id);
      counters.apply(appId, forgetInstance(splitBuckets(decodeBuckets(v.buckets))));
    }
    if (victims.length > 0) s.uncount.run(victims.length, appId);
    return victims.length;
  });

  return {
    async pruneInstances(appId, lastCheckBefore, limit) {
      return prune.immediate(appId, lastCheckBefore, toLimit(limit));
    },

    async countFailure(appId, bucket) {
      if (!isFailureBucket(bucket)) throw new Error(`${JSON.stringify(bucket)} is no failure bucket`);
      // One UPSERT: atomic on its own, and never inside a check-in batch (nothing it reads moves).
      counters.bump(appId, bucket);
    },
  };
}

export function createInstanceStore(
  db: Database.Database,
  opts: InstanceStoreOptions = {},
): InstanceStore & { flushCheckIns(): void } {
  const counters = createCounters(db);
  const progress = createProgressStore(db);
  const batch: Batch = opts.groupCommit === false ? null : createGroupCommit(db);
  return {
    ...batchedWrites(db, counters, progress, batch, opts.limits),
    ...instanceReads(db, counters),
    ...instanceUpkeep(db, counters),
  };
}
