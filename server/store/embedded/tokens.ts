// API tokens (only their hashes). Writes are durable: losing a token change on a crash would
// resurrect a revoked token or drop a new one. One process owns the file, so a revocation is
// announced to this process's listeners only.
import type Database from 'better-sqlite3';
import type { Role, TokenRecord } from '../../../kernel/auth/tokens.ts';
import type { TokenStore } from '../types.ts';
import { durableWriter } from './durable.ts';
import { revocationListeners } from '../revocation-listeners.ts';

interface TokenRow {
  hash: string;
  name: string;
  role: string;
  created_at: number;
}

const fromRow = (r: TokenRow): TokenRecord => ({
  hash: r.hash,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
});

export function createTokenStore(db: Database.Database): TokenStore {
  const durable = durableWriter(db);
  const listeners = revocationListeners();
  const s = {
    find: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    list: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, hash'),
    add: db.prepare('INSERT INTO tokens (hash, name, role, created_at) VALUES (@hash, @name, @role, @createdAt)'),
    // One statement: the emptiness check and the insert cannot be split by another writer.
    addIfNone: db.prepare(`INSERT INTO tokens (hash, name, role, created_at)
      SELECT @hash, @name, @role, @createdAt WHERE NOT EXISTS (SELECT 1 FROM tokens)`),
    remove: db.prepare('DELETE FROM tokens WHERE hash = ?'),
  };

  return {
    async findToken(hash) {
      const row = s.find.get(hash);
      return row ? fromRow(row) : null;
    },
    async addToken(token) {
      durable(() => s.add.run(token));
    },
    async bootstrapToken(token) {
      return durable(() => s.addIfNone.run(token).changes === 1);
    },
    async listTokens() {
      return s.list.all().map(fromRow);
    },
    async deleteToken(hash) {
      const deleted = durable(() => s.remove.run(hash).changes === 1);
      if (deleted) listeners.notify(hash);
      return deleted;
    },
    onTokenRevoked(listener) {
      return listeners.add(listener);
    },
  };
}
