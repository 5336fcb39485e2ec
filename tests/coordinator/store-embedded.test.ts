// The slot-store contract on the embedded (SQLite) adapter, in memory.
import { openMemoryBackend } from '../../kernel/storage/backend.ts';
import { createEmbeddedSlotStore } from '../../coordinator/store/embedded/index.ts';
import { runSlotStoreContract } from './slot-store.contract.ts';

runSlotStoreContract('embedded', async (opts) => {
  const backend = openMemoryBackend();
  if (backend.kind !== 'embedded') throw new Error('expected an embedded backend');
  return {
    store: createEmbeddedSlotStore(backend.db, opts),
    another: async () => createEmbeddedSlotStore(backend.db, opts),
    cleanup: async () => {
      backend.db.close();
    },
  };
});
