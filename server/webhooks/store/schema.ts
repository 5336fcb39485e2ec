// The webhook tables in the shared SQLite file, as the `webhooks` set of the one migration runner
// (kernel/storage/sqlite/migrations.ts). A delivery's `seq` (its rowid) orders a webhook's log:
// a new row's rowid is above every row there is, so newest first is `seq DESC`.
import type Database from 'better-sqlite3';
import { runMigrations, type Migration, type MigrationSet } from '../../../kernel/storage/sqlite/migrations.ts';

const TABLES = `
CREATE TABLE webhook_hooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  description TEXT,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE webhook_deliveries (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  hook_id TEXT NOT NULL REFERENCES webhook_hooks(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  delivered_at INTEGER
) STRICT;
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(hook_id, seq);
`;

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'webhooks and deliveries', up: (db) => db.exec(TABLES) }];

export const WEBHOOKS_SCHEMA: MigrationSet = { component: 'webhooks', migrations: MIGRATIONS };

/** Brings the webhook tables up to date; returns the versions applied now. */
export function migrate(db: Database.Database, now = Date.now()): number[] {
  return runMigrations(db, WEBHOOKS_SCHEMA, now);
}
