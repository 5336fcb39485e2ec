// The update server's SQLite tables as an ordered list of migrations, the `server` set of the one
// migration runner (kernel/storage/sqlite/migrations.ts), which records them in `schema_migrations`
// next to the coordinator's set. A database written by a newer Platte is refused there.
import type Database from 'better-sqlite3';
import { runMigrations, type Migration, type MigrationSet } from '../../../kernel/storage/sqlite/migrations.ts';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: (db) =>
      db.exec(`
      -- epoch: bumped by every release write; instance_count: kept here so counting is O(1).
      CREATE TABLE apps (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        epoch          INTEGER NOT NULL,
        instance_count INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE packages (
        app_id      TEXT NOT NULL,
        version     TEXT NOT NULL,
        arch        TEXT NOT NULL,
        url         TEXT NOT NULL,
        name        TEXT NOT NULL,
        size        INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        sha1        TEXT,            -- NULL when absent
        extra_files TEXT NOT NULL,   -- JSON array of ExtraFile
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (app_id, version, arch)
      );

      CREATE TABLE channels (
        app_id     TEXT NOT NULL,
        name       TEXT NOT NULL,
        version    TEXT,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (app_id, name)
      );

      -- "groups" is an SQL keyword, hence app_groups.
      CREATE TABLE app_groups (
        app_id     TEXT NOT NULL,
        id         TEXT NOT NULL,
        name       TEXT NOT NULL,
        track      TEXT NOT NULL,
        channel    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (app_id, id),
        UNIQUE (app_id, track)
      );

      -- seq orders entries (newest = highest); at is the caller's clock.
      CREATE TABLE activity (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        app_id  TEXT NOT NULL,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        actor   TEXT NOT NULL,
        message TEXT NOT NULL,
        data    TEXT NOT NULL        -- JSON object
      );
      CREATE INDEX activity_by_app ON activity (app_id, seq);

      -- One row per tracked node: attributes, status, its counter buckets and its history, so a
      -- check-in reads and writes a single row.
      CREATE TABLE instances (
        app_id         TEXT NOT NULL,
        machine_id     TEXT NOT NULL,
        alias          TEXT NOT NULL,
        ip             TEXT NOT NULL,
        oem            TEXT NOT NULL,
        oem_version    TEXT NOT NULL,
        aleph_version  TEXT NOT NULL,
        boot_id        TEXT NOT NULL,
        version        TEXT NOT NULL,
        track          TEXT NOT NULL,
        grp            TEXT NOT NULL,
        channel        TEXT NOT NULL,
        arch           TEXT NOT NULL,
        status         TEXT NOT NULL,
        target_version TEXT NOT NULL,
        error_code     INTEGER NOT NULL,
        error_name     TEXT NOT NULL,
        first_seen     INTEGER NOT NULL,
        last_check     INTEGER NOT NULL,
        status_since   INTEGER NOT NULL,
        buckets        TEXT NOT NULL,  -- comma-joined counter buckets this instance is counted in
        history        TEXT NOT NULL,  -- one JSON entry per line, oldest first (see history.ts)
        PRIMARY KEY (app_id, machine_id)
      );
      CREATE INDEX instances_by_last_check ON instances (app_id, last_check, machine_id);

      CREATE TABLE counters (
        app_id TEXT NOT NULL,
        bucket TEXT NOT NULL,
        count  INTEGER NOT NULL,
        PRIMARY KEY (app_id, bucket)
      ) WITHOUT ROWID;

      CREATE TABLE tokens (
        hash       TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `),
  },
  {
    version: 2,
    name: 'channel rollouts and pulled versions',
    up: (db) =>
      db.exec(`
      -- Rows written before this version take the defaults, which decode to CHANNEL_DEFAULTS.
      ALTER TABLE channels ADD COLUMN floors TEXT NOT NULL DEFAULT '[]';           -- JSON array of versions
      ALTER TABLE channels ADD COLUMN allow_downgrade INTEGER NOT NULL DEFAULT 0;  -- 0 or 1
      ALTER TABLE channels ADD COLUMN rollout TEXT;                                -- JSON Rollout, NULL: none

      -- Versions never offered again; rows are never removed.
      CREATE TABLE pulled (
        app_id  TEXT NOT NULL,
        version TEXT NOT NULL,
        reason  TEXT NOT NULL,
        actor   TEXT NOT NULL,
        at      INTEGER NOT NULL,
        PRIMARY KEY (app_id, version)
      );
    `),
  },
  {
    version: 3,
    name: 'track group policies',
    up: (db) =>
      db.exec(`
      -- JSON of GroupPolicy (domain/rollout/policy.ts); NULL (rows written before): the default policy.
      ALTER TABLE app_groups ADD COLUMN policy TEXT;
    `),
  },
  {
    version: 4,
    name: 'grant progress and group grants',
    up: (db) =>
      db.exec(`
      -- The group a node is in progress in (granted, not yet complete, failed or timed out) and
      -- since when; both NULL when it is not (domain/rollout/limits.ts). The partial index counts a
      -- group's nodes in progress and finds its oldest grants without touching other instances.
      ALTER TABLE instances ADD COLUMN progress_group TEXT;
      ALTER TABLE instances ADD COLUMN progress_since INTEGER;
      CREATE INDEX instances_in_progress ON instances (app_id, progress_group, progress_since, machine_id)
        WHERE progress_group IS NOT NULL;
      -- Nodes granted before this version that are still on their way count in progress from their
      -- status' start (their grant time was not kept).
      UPDATE instances SET progress_group = grp, progress_since = status_since
        WHERE grp <> '' AND target_version <> '' AND status IN ('granted', 'downloading', 'downloaded', 'installed');

      -- Each group's latest grant per node, for the period limit; rows older than the longest
      -- period are dropped on the next grant in the group.
      CREATE TABLE group_grants (
        app_id     TEXT NOT NULL,
        grp        TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (app_id, grp, machine_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_grants_by_time ON group_grants (app_id, grp, granted_at);
    `),
  },
  {
    version: 5,
    name: 'why an instance is held back',
    up: (db) =>
      db.exec(`
      -- The NoUpdateReason of the node's last update check ('' when it was not held back).
      ALTER TABLE instances ADD COLUMN held TEXT NOT NULL DEFAULT '';
    `),
  },
  {
    version: 6,
    name: 'canaries',
    up: (db) =>
      db.exec(`
      -- Machines an operator marked as canaries: in every rollout of the app from its first step.
      CREATE TABLE canaries (
        app_id     TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        PRIMARY KEY (app_id, machine_id)
      ) WITHOUT ROWID;
    `),
  },
  {
    version: 7,
    name: 'stale instances',
    up: (db) =>
      db.exec(`
      -- 1 while the node is stale (not seen for the stale period): its buckets column then lists
      -- its '<prefix>|stale' buckets (domain/apply-check-in.ts markStale); its next check-in clears it.
      ALTER TABLE instances ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
      -- The stale sweep's watermark: every instance at or before (last_check, machine_id) was
      -- looked at, so a sweep reads instances_by_last_check from there, never the whole fleet.
      ALTER TABLE apps ADD COLUMN stale_mark_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE apps ADD COLUMN stale_mark_id TEXT NOT NULL DEFAULT '';
    `),
  },
];

// 'server' also owns the rows of the ledger from before components (LEGACY_COMPONENT in the runner).
export const SERVER_SCHEMA: MigrationSet = { component: 'server', migrations: MIGRATIONS };

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Brings the server's tables up to SCHEMA_VERSION; returns the versions applied now. */
export function migrate(db: Database.Database, now = Date.now()): number[] {
  return runMigrations(db, SERVER_SCHEMA, now);
}
