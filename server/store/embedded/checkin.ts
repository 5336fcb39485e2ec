// The hot path: one check-in applied atomically. Reads the app's epoch and the instance row, lets
// domain/apply-check-in.ts decide the new state (status, history edit, buckets, the unknown-track
// and unknown-version caps against the tallies read in this transaction), and writes the row back
// and moves the counters (and counts the failure the step noticed, if any); a stale node comes back. The node's progress moves with the row; a grant under group limits is
// first checked against the progress counts read in the same transaction (grantHold, nothing written
// when one binds). The step is a better-sqlite3 transaction function: on its own it is one
// IMMEDIATE transaction; inside a group commit (instances.ts) it is one savepoint of the batch.
import type Database from 'better-sqlite3';
import { applyCheckIn, CHECK_IN_LIMITS, type CheckInLimits, type StoredInstance } from '../../domain/apply-check-in.ts';
import { grantHold } from '../../domain/rollout/limits.ts';
import type { InstanceStatus } from '../../domain/types.ts';
import type { CheckInResult, InstanceChange } from '../types.ts';
import { decodeBuckets, encodeBuckets } from './codec.ts';
import { splitBuckets, storedBuckets, type Counters } from './counters.ts';
import { editStoredHistory, historyTail } from './history.ts';
import type { ProgressStore } from './progress.ts';

export interface CurrentRow {
  status: InstanceStatus;
  status_since: number;
  first_seen: number;
  target_version: string;
  error_code: number;
  error_name: string;
  boot_id: string;
  buckets: string;
  history: string;
  progress_group: string | null;
  progress_since: number | null;
  stale: number;
}

/** The columns a CurrentRow is read from. */
export const CURRENT_COLUMNS = `status, status_since, first_seen, target_version, error_code, error_name, boot_id, buckets,
  history, progress_group, progress_since, stale`;

/** What the rule reads of the row. */
export function storedInstance(row: CurrentRow): StoredInstance {
  return {
    status: row.status,
    statusSince: row.status_since,
    firstSeen: row.first_seen,
    targetVersion: row.target_version,
    errorCode: row.error_code,
    errorName: row.error_name,
    bootId: row.boot_id,
    ...splitBuckets(decodeBuckets(row.buckets)),
    ...historyTail(row.history),
    progress: row.progress_group === null ? null : { group: row.progress_group, since: row.progress_since ?? 0 },
    stale: row.stale === 1,
  };
}

export type ApplyCheckIn = Database.Transaction<
  (appId: string, epoch: number, change: InstanceChange, now: number) => CheckInResult
>;

export function createCheckIn(
  db: Database.Database,
  counters: Counters,
  progress: ProgressStore,
  limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS,
): ApplyCheckIn {
  const epochOf = db.prepare<[string], number>('SELECT epoch FROM apps WHERE id = ?').pluck();
  const current = db.prepare<[string, string], CurrentRow>(`SELECT ${CURRENT_COLUMNS} FROM instances WHERE app_id = ? AND machine_id = ?`);
  const columns = `alias = @alias, ip = @ip, oem = @oem, oem_version = @oemVersion,
    aleph_version = @alephVersion, boot_id = @bootId, version = @version, track = @track, grp = @group,
    channel = @channel, arch = @arch, held = @held, status = @status, target_version = @targetVersion,
    error_code = @errorCode, error_name = @errorName, last_check = @lastCheck,
    status_since = @statusSince, buckets = @buckets, history = @history,
    progress_group = @progressGroup, progress_since = @progressSince, stale = 0`;
  const update = db.prepare(`UPDATE instances SET ${columns} WHERE app_id = @appId AND machine_id = @machineId`);
  const insert = db.prepare(`INSERT INTO instances (app_id, machine_id, alias, ip, oem, oem_version,
    aleph_version, boot_id, version, track, grp, channel, arch, held, status, target_version, error_code,
    error_name, first_seen, last_check, status_since, buckets, history, progress_group, progress_since)
    VALUES (@appId, @machineId, @alias, @ip, @oem, @oemVersion, @alephVersion, @bootId, @version,
    @track, @group, @channel, @arch, @held, @status, @targetVersion, @errorCode, @errorName, @firstSeen,
    @lastCheck, @statusSince, @buckets, @history, @progressGroup, @progressSince)`);
  const countOne = db.prepare('UPDATE apps SET instance_count = instance_count + 1 WHERE id = ?');

  return db.transaction((appId: string, epoch: number, change: InstanceChange, now: number): CheckInResult => {
    if (epochOf.get(appId) !== epoch) return { applied: false, reason: 'stale-config' };
    const cur = current.get(appId, change.machineId) ?? null;
    const tallies = { tracks: counters.tally(appId), versions: counters.versionTally(appId) };
    const out = applyCheckIn(cur && storedInstance(cur), change, now, tallies, limits);
    const hold = grantHold(change.grantLimits, out.progress, now, progress.counts(appId));
    if (hold !== null) return { applied: false, reason: 'held', hold };
    const { instance } = out;
    const row = {
      ...change.attrs, // first: the keys below must win over anything extra a caller passed
      appId,
      machineId: change.machineId,
      status: instance.status,
      targetVersion: instance.targetVersion,
      errorCode: instance.errorCode,
      errorName: instance.errorName,
      firstSeen: instance.firstSeen,
      lastCheck: instance.lastCheck,
      statusSince: instance.statusSince,
      buckets: encodeBuckets(storedBuckets(instance.buckets, instance.talliedVersion)),
      history: editStoredHistory(cur?.history ?? '', out.history),
      progressGroup: instance.progress?.group ?? null,
      progressSince: instance.progress?.since ?? null,
    };
    if (cur) {
      update.run(row);
    } else {
      insert.run(row);
      countOne.run(appId);
    }
    counters.apply(appId, out.counters);
    if (out.failure !== null) counters.bump(appId, out.failure);
    if (out.progress.entered && instance.progress) progress.recordGrant(appId, instance.progress.group, change.machineId, now);
    return { applied: true, previousStatus: out.previousStatus, status: instance.status };
  });
}
