// Sessions in the embedded store's SQLite file (table `web_sessions`, the `sessions` migration set),
// so they outlive a restart. Expired rows go whenever a session is opened.
import type Database from 'better-sqlite3';
import { runMigrations, type MigrationSet } from '../../kernel/storage/sqlite/migrations.ts';
import type { SessionRecord, SessionStore } from './types.ts';

const TABLE = `
CREATE TABLE web_sessions (
  key TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX web_sessions_by_expiry ON web_sessions(expires_at);
`;

export const SESSIONS_SCHEMA: MigrationSet = {
  component: 'sessions',
  migrations: [{ version: 1, name: 'dashboard sessions', up: (db) => db.exec(TABLE) }],
};

interface Row {
  token_hash: string;
  csrf: string;
  created_at: number;
  expires_at: number;
}

export function createEmbeddedSessionStore(db: Database.Database): SessionStore {
  runMigrations(db, SESSIONS_SCHEMA);
  const insert = db.prepare('INSERT OR REPLACE INTO web_sessions (key, token_hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const expire = db.prepare('DELETE FROM web_sessions WHERE expires_at <= ?');
  const read = db.prepare('SELECT token_hash, csrf, created_at, expires_at FROM web_sessions WHERE key = ? AND expires_at > ?');
  const remove = db.prepare('DELETE FROM web_sessions WHERE key = ?');
  const put = db.transaction((key: string, s: SessionRecord) => {
    expire.run(s.createdAt);
    insert.run(key, s.tokenHash, s.csrf, s.createdAt, s.expiresAt);
  });
  return {
    async put(key, s) {
      put.immediate(key, s);
    },
    async get(key, now) {
      const row = read.get(key, now) as Row | undefined;
      return row ? { tokenHash: row.token_hash, csrf: row.csrf, createdAt: row.created_at, expiresAt: row.expires_at } : null;
    },
    async remove(key) {
      remove.run(key);
    },
  };
}
