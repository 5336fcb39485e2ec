// The connection a store is built on: a SQLite file (embedded, the default) or a Redis client.
// Release data, instances, tokens and reboot slots all live on the same backend.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';

export type Backend =
  | { kind: 'embedded'; db: Database.Database; file: string }
  | { kind: 'redis'; redis: Redis; prefix: string };

export function openEmbeddedBackend(dataDir: string): Backend {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'platte.db');
  const db = new Database(file);
  // WAL + synchronous=NORMAL: every committed transaction is in the OS before the call returns,
  // so a killed process (kill -9) loses nothing; release writes additionally run with FULL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return { kind: 'embedded', db, file };
}

/** An in-memory embedded backend for tests. */
export function openMemoryBackend(): Backend {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  return { kind: 'embedded', db, file: ':memory:' };
}

/** `onError` hears connection errors (ioredis retries by itself; requests meanwhile fail fast). */
export async function openRedisBackend(url: string, prefix = 'platte', onError: (err: Error) => void = () => {}): Promise<Backend> {
  // No offline queue: while the connection is down a command fails at once (the stores answer
  // StoreUnavailableError, a 503) instead of waiting in a queue and being applied minutes after
  // its caller gave up. Commands in flight when the connection drops are retried twice at most.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: true });
  let last = 0;
  redis.on('error', (err: Error) => {
    // One report per 5 s while Redis is away, not one per reconnect attempt.
    if (Date.now() - last < 5_000) return;
    last = Date.now();
    onError(err);
  });
  await redis.connect();
  return { kind: 'redis', redis, prefix };
}

export async function closeBackend(b: Backend): Promise<void> {
  if (b.kind === 'embedded') {
    if (b.db.open) b.db.close();
  } else {
    await b.redis.quit().catch(() => b.redis.disconnect());
  }
}
