// The embedded store (the default): one process, one SQLite file (WAL). better-sqlite3 is
// synchronous; the Store methods are async only to share the interface with the Redis adapter.
import type { Backend } from '../../../kernel/storage/backend.ts';
import type { Store } from '../types.ts';
import { createInstanceStore, type InstanceStoreOptions } from './instances.ts';
import { createReleaseStore } from './release.ts';
import { migrate } from './schema.ts';
import { createTokenStore } from './tokens.ts';

export type EmbeddedStoreOptions = InstanceStoreOptions;

export function createEmbeddedStore(backend: Extract<Backend, { kind: 'embedded' }>, opts: EmbeddedStoreOptions = {}): Store {
  const { db } = backend;
  migrate(db);
  const { flushCheckIns, ...instances } = createInstanceStore(db, opts);
  return {
    kind: 'embedded',
    ...createReleaseStore(db),
    ...instances,
    ...createTokenStore(db),
    async close() {
      // Check-ins still queued for this turn's batch are committed (and answered) first.
      if (db.open) flushCheckIns();
      // Fold the WAL into the main file so a clean stop leaves one self-contained file. The
      // connection stays open: closeBackend owns it (the coordinator shares it).
      if (db.open && backend.file !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async ready() {
      // Reads the schema: throws when the connection is closed or the file cannot be read.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    },
  };
}
