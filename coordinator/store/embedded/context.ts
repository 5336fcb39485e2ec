// What every part of the embedded slot store works with: the database, its prepared statements,
// the options, the group commit that takes and gives back slots, and the one counter kept in memory.
import type Database from 'better-sqlite3';
import type { createGroupCommit } from '../../../kernel/storage/sqlite/group-commit.ts';
import type { SlotStoreOptions } from '../types.ts';
import type { Statements } from './statements.ts';

export interface EmbeddedContext {
  db: Database.Database;
  q: Statements;
  opts: SlotStoreOptions;
  /** Runs a transaction in the next group commit (kernel/storage/sqlite/group-commit.ts). */
  batch: ReturnType<typeof createGroupCommit>;
  /** Refusals noted since the store opened: the waiting list is trimmed on every so many (group-tx.ts). */
  refusals: number;
}
