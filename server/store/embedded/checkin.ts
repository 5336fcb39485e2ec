// The hot path: one check-in applied atomically. Reads the app's epoch and the instance row, writes
// the row back (attributes, status, buckets, history together) and moves counters only when the
// instance's buckets changed; the unknown-track and unknown-version caps (domain/counters.ts) are
// decided here, in the same transaction. The step is a better-sqlite3 transaction function: on its
// own it is one IMMEDIATE transaction; inside a group commit (instances.ts) it is one savepoint of
// the batch.
import type Database from 'better-sqlite3';
import { capUnknownTrack, capUnknownVersion } from '../../domain/counters.ts';
import type { InstanceStatus } from '../../domain/types.ts';
import type { CheckInResult, InstanceChange } from '../types.ts';
import { decodeBuckets, encodeBuckets } from './codec.ts';
import { talliedVersionOf, versionRow, type Counters } from './counters.ts';
import { appendHistory } from './history.ts';

interface CurrentRow {
  status: InstanceStatus;
  status_since: number;
  target_version: string;
  error_code: number;
  error_name: string;
  buckets: string;
  history: string;
}

/** Step 3 of the spec: null keeps, unlessIn keeps, otherwise `to`; a new instance starts idle. */
export function finalStatus(cur: InstanceStatus | null, wanted: InstanceChange['status']): InstanceStatus {
  if (wanted === null) return cur ?? 'idle';
  if (cur !== null && wanted.unlessIn.includes(cur)) return cur;
  return wanted.to;
}

/** The distinct buckets an instance with these prefixes and status is counted in. */
export function bucketsOf(prefixes: readonly string[], status: InstanceStatus): string[] {
  return [...new Set(prefixes.map((p) => `${p}|${status}`))];
}

/** The instance's new buckets, both caps applied (plus its unknown-version tally entry). */
function cappedBuckets(
  counters: Counters,
  appId: string,
  change: InstanceChange,
  old: readonly string[],
  status: InstanceStatus,
): string[] {
  const tracked = capUnknownTrack(change.counterPrefixes, old, counters.tally(appId));
  const versionTally = counters.versionTally(appId);
  const { prefixes, tallied } = capUnknownVersion(tracked, change.unknownVersion, talliedVersionOf(old), versionTally);
  const buckets = bucketsOf(prefixes, status);
  return tallied === null ? buckets : [...buckets, versionRow(tallied)];
}

export type ApplyCheckIn = Database.Transaction<
  (appId: string, epoch: number, change: InstanceChange, now: number) => CheckInResult
>;

export function createCheckIn(db: Database.Database, counters: Counters): ApplyCheckIn {
  const epochOf = db.prepare<[string], number>('SELECT epoch FROM apps WHERE id = ?').pluck();
  const current = db.prepare<[string, string], CurrentRow>(`SELECT status, status_since, target_version,
    error_code, error_name, buckets, history FROM instances WHERE app_id = ? AND machine_id = ?`);
  const columns = `alias = @alias, ip = @ip, oem = @oem, oem_version = @oemVersion,
    aleph_version = @alephVersion, boot_id = @bootId, version = @version, track = @track, grp = @group,
    channel = @channel, arch = @arch, status = @status, target_version = @targetVersion,
    error_code = @errorCode, error_name = @errorName, last_check = @lastCheck,
    status_since = @statusSince, buckets = @buckets, history = @history`;
  const update = db.prepare(`UPDATE instances SET ${columns} WHERE app_id = @appId AND machine_id = @machineId`);
  const insert = db.prepare(`INSERT INTO instances (app_id, machine_id, alias, ip, oem, oem_version,
    aleph_version, boot_id, version, track, grp, channel, arch, status, target_version, error_code,
    error_name, first_seen, last_check, status_since, buckets, history)
    VALUES (@appId, @machineId, @alias, @ip, @oem, @oemVersion, @alephVersion, @bootId, @version,
    @track, @group, @channel, @arch, @status, @targetVersion, @errorCode, @errorName, @lastCheck,
    @lastCheck, @statusSince, @buckets, @history)`);
  const countOne = db.prepare('UPDATE apps SET instance_count = instance_count + 1 WHERE id = ?');

  return db.transaction((appId: string, epoch: number, change: InstanceChange, now: number): CheckInResult => {
    if (epochOf.get(appId) !== epoch) return { applied: false, reason: 'stale-config' };
    const cur = current.get(appId, change.machineId) ?? null;
    const previousStatus = cur?.status ?? null;
    const status = finalStatus(previousStatus, change.status);
    const oldBuckets = cur ? decodeBuckets(cur.buckets) : [];
    const newBuckets = cappedBuckets(counters, appId, change, oldBuckets, status);
    const row = {
      ...change.attrs, // first: the keys below must win over anything extra a caller passed
      appId,
      machineId: change.machineId,
      status,
      targetVersion: change.targetVersion ?? cur?.target_version ?? '',
      errorCode: change.error ? change.error.code : (cur?.error_code ?? 0),
      errorName: change.error ? change.error.name : (cur?.error_name ?? ''),
      lastCheck: now,
      statusSince: cur && cur.status === status ? cur.status_since : now,
      buckets: encodeBuckets(newBuckets),
      history: appendHistory(cur?.history ?? '', change.history),
    };
    if (cur) {
      update.run(row);
    } else {
      insert.run(row);
      countOne.run(appId);
    }
    counters.move(appId, oldBuckets, newBuckets);
    return { applied: true, previousStatus, status };
  });
}
