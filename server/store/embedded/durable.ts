// Durable writes for release data and tokens: the transaction commits with synchronous=FULL, so the
// WAL is fsynced before the call returns (survives power loss, not only kill -9), then the
// connection's previous level (NORMAL, for the instance hot path) is restored.
import type Database from 'better-sqlite3';

export type Durable = <T>(fn: () => T) => T;

export function durableWriter(db: Database.Database): Durable {
  return <T>(fn: () => T): T => {
    const level = db.pragma('synchronous', { simple: true }) as number;
    db.pragma('synchronous = FULL');
    try {
      return db.transaction(fn).immediate();
    } finally {
      db.pragma(`synchronous = ${level}`);
    }
  };
}
