// The coordinator's tables in the shared SQLite database. All prefixed `slot_`.
import type Database from 'better-sqlite3';

const SCHEMA = `
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
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS slot_holders (
  grp TEXT NOT NULL REFERENCES slot_groups(name),
  holder TEXT NOT NULL,
  token INTEGER NOT NULL,
  since INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  expired_at INTEGER,
  PRIMARY KEY (grp, holder)
) STRICT;
CREATE INDEX IF NOT EXISTS slot_holders_by_holder ON slot_holders(holder);
CREATE INDEX IF NOT EXISTS slot_holders_due ON slot_holders(lease_until) WHERE expired_at IS NULL;
CREATE TABLE IF NOT EXISTS slot_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  grp TEXT NOT NULL,
  entry TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS slot_history_by_group ON slot_history(grp, id);
CREATE TABLE IF NOT EXISTS slot_waiting (
  grp TEXT NOT NULL,
  holder TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (grp, holder)
) STRICT;
CREATE INDEX IF NOT EXISTS slot_waiting_by_time ON slot_waiting(grp, seen_at);
CREATE TABLE IF NOT EXISTS slot_targets (
  machine TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS slot_targets_by_time ON slot_targets(at);
`;

export function migrate(db: Database.Database): void {
  db.exec(SCHEMA);
}
