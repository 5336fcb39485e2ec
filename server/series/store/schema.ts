// The series tables in the shared SQLite file, as the `series` set of the one migration runner
// (kernel/storage/sqlite/migrations.ts). A point is keyed by (app, resolution, scope, step start),
// so a scope's range is one index range; `series_points_age` lets trimming find old points
// without walking the rest.
import type Database from 'better-sqlite3';
import { runMigrations, type Migration, type MigrationSet } from '../../../kernel/storage/sqlite/migrations.ts';

const TABLES = `
CREATE TABLE series_points (
  app TEXT NOT NULL,
  res TEXT NOT NULL,
  scope TEXT NOT NULL,
  at INTEGER NOT NULL,
  taken INTEGER NOT NULL,
  counts TEXT NOT NULL,
  PRIMARY KEY (app, res, scope, at)
) STRICT, WITHOUT ROWID;
CREATE INDEX series_points_age ON series_points(res, at);
CREATE TABLE series_scopes (
  app TEXT NOT NULL,
  scope TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (app, scope)
) STRICT, WITHOUT ROWID;
`;

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'series points and scopes', up: (db) => db.exec(TABLES) }];

export const SERIES_SCHEMA: MigrationSet = { component: 'series', migrations: MIGRATIONS };

/** Brings the series tables up to date; returns the versions applied now. */
export function migrate(db: Database.Database, now = Date.now()): number[] {
  return runMigrations(db, SERIES_SCHEMA, now);
}
