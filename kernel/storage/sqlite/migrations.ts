// The one migration runner for every table in the shared SQLite file. Each component that owns
// tables (the update server, the coordinator) brings a named set of migrations numbered 1, 2, 3…;
// the ledger `schema_migrations` records which versions of which component the file has, so the
// sets advance independently. Each migration runs in its own IMMEDIATE transaction and re-reads the
// ledger inside it: two handles (or processes) opening one file at once apply it exactly once. A
// file that a newer Platte took further than this build knows is refused rather than guessed at.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration's transaction: if it throws, nothing of it stays. */
  up(db: Database.Database): void;
}

export interface MigrationSet {
  /** The owner of the tables, the ledger's key: 'server', 'coordinator'. */
  component: string;
  /** Versions 1, 2, 3… in order. */
  migrations: readonly Migration[];
}

/** The file holds a version of a component that this build does not know. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly component: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database's ${component} schema is at version ${found}, newer than this Platte supports (${known}): ` +
        'upgrade Platte, or open a data directory written by this version',
    );
    this.name = 'SchemaTooNewError';
  }
}

const LEDGER = `CREATE TABLE schema_migrations (
  component  TEXT NOT NULL,
  version    INTEGER NOT NULL,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (component, version)
) STRICT, WITHOUT ROWID`;

/**
 * Before components (up to commit fd1806e) the ledger was (version, name, applied_at) and only the
 * update server's migrations were versioned: its rows are the server's history.
 */
const LEGACY_COMPONENT = 'server';

/** The newest version a set knows. */
function latestVersion(set: MigrationSet): number {
  return set.migrations.at(-1)?.version ?? 0;
}

/**
 * Brings `set.component`'s tables up to the set's latest version; returns the versions applied now
 * (none when the file was up to date). Throws SchemaTooNewError for a file from a newer Platte.
 */
export function runMigrations(db: Database.Database, set: MigrationSet, now = Date.now()): number[] {
  checkSet(set);
  ensureLedger(db);
  const latest = latestVersion(set);
  const found = appliedVersion(db, set.component);
  if (found > latest) throw new SchemaTooNewError(set.component, found, latest);
  const record = db.prepare('INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)');
  const applied: number[] = [];
  for (const m of set.migrations) {
    if (m.version <= found) continue;
    db.transaction(() => {
      // Re-read inside the transaction: another handle may have applied it meanwhile.
      if (appliedVersion(db, set.component) >= m.version) return;
      m.up(db);
      record.run(set.component, m.version, m.name, now);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}

function appliedVersion(db: Database.Database, component: string): number {
  const v = db.prepare('SELECT MAX(version) FROM schema_migrations WHERE component = ?').pluck().get(component);
  return (v as number | null) ?? 0;
}

/** A set numbered other than 1, 2, 3… is a programming error: a gap would be skipped for ever. */
function checkSet(set: MigrationSet): void {
  set.migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration set ${set.component}: migration ${i + 1} is numbered ${m.version}; number them 1, 2, 3…`);
    }
  });
}

type LedgerShape = 'missing' | 'legacy' | 'current';

function ledgerShape(db: Database.Database): LedgerShape {
  const columns = db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").pluck().all() as string[];
  if (columns.length === 0) return 'missing';
  return columns.includes('component') ? 'current' : 'legacy';
}

/** Creates the ledger, or moves a legacy one's rows into the current shape (once, keeping them). */
function ensureLedger(db: Database.Database): void {
  if (ledgerShape(db) === 'current') return;
  db.transaction(() => {
    const shape = ledgerShape(db); // another handle may have done it meanwhile
    if (shape === 'current') return;
    if (shape === 'legacy') db.exec('ALTER TABLE schema_migrations RENAME TO schema_migrations_legacy');
    db.exec(LEDGER);
    if (shape === 'legacy') {
      db.prepare(
        'INSERT INTO schema_migrations (component, version, name, applied_at) SELECT ?, version, name, applied_at FROM schema_migrations_legacy',
      ).run(LEGACY_COMPONENT);
      db.exec('DROP TABLE schema_migrations_legacy');
    }
  }).immediate();
}
