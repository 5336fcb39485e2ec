// The embedded slot store's rows, how they read as domain records, and every statement it runs
// (prepared once per store). The transactions that use them are in slots.ts and groups.ts.
import type Database from 'better-sqlite3';
import type { GroupConfig, Holder, LeasePolicy } from '../../domain/types.ts';

export interface GroupRow {
  name: string;
  max: number;
  paused: number;
  pause_reason: string | null;
  lease_seconds: number;
  lease_policy: string;
  windows: string;
  epoch: number;
  fence: number;
  seq: number;
  created_at: number;
  updated_at: number;
  auto: number;
  active_at: number;
}

export interface HolderRow {
  holder: string;
  token: number;
  since: number;
  lease_until: number;
  expired_at: number | null;
}

const HOLDER_COLUMNS = 'holder, token, since, lease_until, expired_at';

export function toConfig(r: GroupRow): GroupConfig {
  return {
    group: r.name,
    max: r.max,
    paused: r.paused === 1,
    pauseReason: r.pause_reason,
    leaseSeconds: r.lease_seconds,
    leasePolicy: r.lease_policy as LeasePolicy,
    windows: r.windows === '[]' ? [] : JSON.parse(r.windows),
    epoch: r.epoch,
    autoCreated: r.auto === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toHolder(r: HolderRow): Holder {
  return { id: r.holder, fencingToken: r.token, since: r.since, leaseUntil: r.lease_until, expiredAt: r.expired_at };
}

export function prepareStatements(db: Database.Database) {
  return {
    group: db.prepare<[string], GroupRow>('SELECT * FROM slot_groups WHERE name = ?'),
    groups: db.prepare<[], { name: string }>('SELECT name FROM slot_groups ORDER BY name'),
    insertGroup: db.prepare(
      'INSERT INTO slot_groups (name, max, lease_seconds, lease_policy, created_at, updated_at, auto, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    /** A configuration change; the group is the operator's from now on (auto = 0). */
    updateGroup: db.prepare(
      `UPDATE slot_groups SET max = @max, paused = @paused, pause_reason = @pause_reason, lease_seconds = @lease_seconds,
       lease_policy = @lease_policy, windows = @windows, epoch = epoch + 1, updated_at = @updated_at, auto = 0 WHERE name = @name`,
    ),
    /** Both read the partial index slot_groups_auto, never the whole table. */
    autoCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM slot_groups WHERE auto = 1'),
    autoIdle: db.prepare<[number], { name: string }>(
      'SELECT name FROM slot_groups WHERE auto = 1 AND active_at <= ? ORDER BY active_at LIMIT 100',
    ),
    setActive: db.prepare('UPDATE slot_groups SET active_at = ? WHERE name = ?'),
    lastEvent: db.prepare<[string], { entry: string }>('SELECT entry FROM slot_history WHERE grp = ? ORDER BY seq DESC LIMIT 1'),
    dropGroup: db.prepare('DELETE FROM slot_groups WHERE name = ?'),
    dropHistory: db.prepare('DELETE FROM slot_history WHERE grp = ?'),
    dropAllWaiting: db.prepare('DELETE FROM slot_waiting WHERE grp = ?'),
    /** Counters of a group: the last fencing token (column fence) and the history sequence, in one page write. */
    setCounters: db.prepare('UPDATE slot_groups SET fence = ?, seq = ? WHERE name = ?'),
    mine: db.prepare<[string, string], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? AND holder = ?`),
    count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM slot_holders WHERE grp = ?'),
    holders: db.prepare<[string], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? ORDER BY since, holder`),
    oldest: db.prepare<[string, number], HolderRow>(`SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? ORDER BY since, holder LIMIT ?`),
    due: db.prepare<[string, number], HolderRow>(
      `SELECT ${HOLDER_COLUMNS} FROM slot_holders WHERE grp = ? AND expired_at IS NULL AND lease_until <= ?`,
    ),
    dueGroups: db.prepare<[number], { grp: string }>(
      'SELECT DISTINCT grp FROM slot_holders WHERE expired_at IS NULL AND lease_until <= ?',
    ),
    insertHolder: db.prepare('INSERT INTO slot_holders (grp, holder, token, since, lease_until) VALUES (?, ?, ?, ?, ?)'),
    deleteHolder: db.prepare('DELETE FROM slot_holders WHERE grp = ? AND holder = ?'),
    markExpired: db.prepare('UPDATE slot_holders SET expired_at = ? WHERE grp = ? AND holder = ?'),
    heldBy: db.prepare<[string], { grp: string }>('SELECT grp FROM slot_holders WHERE holder = ? ORDER BY grp'),
    addEvent: db.prepare('INSERT INTO slot_history (grp, seq, entry) VALUES (?, ?, ?)'),
    history: db.prepare<[string, number], { entry: string }>('SELECT entry FROM slot_history WHERE grp = ? ORDER BY seq DESC LIMIT ?'),
    trimHistory: db.prepare('DELETE FROM slot_history WHERE grp = ? AND seq <= ?'),
    noteWaiting: db.prepare(
      `INSERT INTO slot_waiting (grp, holder, seen_at, reason) VALUES (?, ?, ?, ?)
       ON CONFLICT (grp, holder) DO UPDATE SET seen_at = excluded.seen_at, reason = excluded.reason`,
    ),
    dropWaiting: db.prepare('DELETE FROM slot_waiting WHERE grp = ? AND holder = ?'),
    waiting: db.prepare<[string, number], { holder: string; seen_at: number; reason: string }>(
      'SELECT holder, seen_at, reason FROM slot_waiting WHERE grp = ? AND seen_at >= ? ORDER BY seen_at DESC LIMIT 1000',
    ),
    trimWaiting: db.prepare(
      `DELETE FROM slot_waiting WHERE grp = @grp AND seen_at < (
         SELECT seen_at FROM slot_waiting WHERE grp = @grp ORDER BY seen_at DESC LIMIT 1 OFFSET @keep)`,
    ),
    putTarget: db.prepare(
      'INSERT INTO slot_targets (machine, version, at) VALUES (?, ?, ?) ON CONFLICT (machine) DO UPDATE SET version = excluded.version, at = excluded.at',
    ),
    target: db.prepare<[string, number], { version: string }>('SELECT version FROM slot_targets WHERE machine = ? AND at >= ?'),
    dropOldTargets: db.prepare('DELETE FROM slot_targets WHERE at < ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
