// The coordinator's tables in the shared SQLite database, all prefixed `slot_`, as the `coordinator`
// set of the one migration runner (kernel/storage/sqlite/migrations.ts). Each FleetLock call is one
// write transaction, so the layout keeps the pages it touches few: WITHOUT ROWID tables keyed by
// group (no separate index b-trees to update), history keyed by a per-group sequence kept in the
// group row. The holders table only ever holds current holders (tens of rows), so the rare lookups
// across groups (sweep, holder → group) scan it instead of paying for an index on every write.
import type Database from 'better-sqlite3';
import { runMigrations, type Migration, type MigrationSet } from '../../../kernel/storage/sqlite/migrations.ts';

// Up to commit fd1806e these tables were created unversioned, so a data directory from then has
// them without a ledger row: IF NOT EXISTS makes version 1 adopt them as they are.
const SLOT_TABLES = `
CREATE TABLE IF NOT EXISTS slot_groups (
  name TEXT PRIMARY KEY,
  max INTEGER NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  pause_reason TEXT,
  lease_seconds INTEGER NOT NULL,
  lease_policy TEXT NOT NULL,
  windows TEXT NOT NULL DEFAULT '[]',
  epoch INTEGER NOT NULL DEFAULT 1,
  fence INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slot_holders (
  grp TEXT NOT NULL,
  holder TEXT NOT NULL,
  token INTEGER NOT NULL,
  since INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  expired_at INTEGER,
  PRIMARY KEY (grp, holder)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slot_history (
  grp TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (grp, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slot_waiting (
  grp TEXT NOT NULL,
  holder TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (grp, holder)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS slot_waiting_by_time ON slot_waiting(grp, seen_at);
CREATE TABLE IF NOT EXISTS slot_targets (
  machine TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`;

// Groups created on first use carry `auto = 1` and `active_at`, a lower bound of their last
// activity; a partial index over those two is the forget sweep's index (the hot path never writes
// them). Groups that existed before keep auto = 0: nothing tells which of them were created on first
// use, so none is forgotten by surprise.
const AUTO_COLUMNS = ['auto INTEGER NOT NULL DEFAULT 0', 'active_at INTEGER NOT NULL DEFAULT 0'];

/** A data directory from commit fd1806e has the columns already (added there without a version). */
function addAutoGroups(db: Database.Database): void {
  const have = new Set(db.prepare("SELECT name FROM pragma_table_info('slot_groups')").pluck().all() as string[]);
  for (const col of AUTO_COLUMNS) {
    if (!have.has(col.split(' ')[0] as string)) db.exec(`ALTER TABLE slot_groups ADD COLUMN ${col}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS slot_groups_auto ON slot_groups(active_at) WHERE auto = 1');
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'slot tables', up: (db) => db.exec(SLOT_TABLES) },
  { version: 2, name: 'groups created on first use', up: addAutoGroups },
];

export const COORDINATOR_SCHEMA: MigrationSet = { component: 'coordinator', migrations: MIGRATIONS };

/** Brings the coordinator's tables up to date; returns the versions applied now. */
export function migrate(db: Database.Database, now = Date.now()): number[] {
  return runMigrations(db, COORDINATOR_SCHEMA, now);
}
