// Slot store on the embedded SQLite database. Each operation is one transaction (a savepoint inside
// a group commit, see kernel/storage/sqlite/group-commit.ts): point reads of what the decision
// needs, the pure decision from domain/decide.ts, the writes it implies. Batches run as IMMEDIATE
// transactions, so several processes sharing the file also stay within `max`.
// The parts: slots.ts (take, give back, lease sweep), groups.ts (create, configure, forget),
// read.ts, targets.ts; group-tx.ts holds what their transactions write in common.
import type Database from 'better-sqlite3';
import { createGroupCommit } from '../../../kernel/storage/sqlite/group-commit.ts';
import type { SlotStore, SlotStoreOptions } from '../types.ts';
import type { EmbeddedContext } from './context.ts';
import { groupOps } from './groups.ts';
import { readOps } from './read.ts';
import { migrate } from './schema.ts';
import { slotOps } from './slots.ts';
import { prepareStatements } from './statements.ts';
import { targetOps } from './targets.ts';

export function createEmbeddedSlotStore(db: Database.Database, opts: SlotStoreOptions): SlotStore {
  migrate(db);
  const ctx: EmbeddedContext = { db, q: prepareStatements(db), opts, batch: createGroupCommit(db), refusals: 0 };
  return { kind: 'embedded', ...slotOps(ctx), ...groupOps(ctx), ...readOps(ctx), ...targetOps(ctx) };
}
