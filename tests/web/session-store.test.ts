// The session stores (memory, SQLite, Redis) hold to one contract: a session is found by its key
// until it expires, by the caller's clock and (Redis) by the key's own TTL; removing ends it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { openSessionStore } from '../../server/session/open.ts';
import type { SessionRecord, SessionStore } from '../../server/session/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const T0 = Date.UTC(2026, 10, 25, 12);
const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({ tokenHash: 'a'.repeat(64), csrf: 'c'.repeat(43), createdAt: T0, expiresAt: T0 + 60_000, ...over });

/** The contract's tests, on the store `store()` answers once the suite's `before` ran. */
function contract(store: () => SessionStore) {
  it('finds a session by key until it expires, then never again', async () => {
    await store().put('k1', session());
    assert.deepEqual(await store().get('k1', T0 + 1), session());
    assert.equal(await store().get('k1', T0 + 60_000), null, 'expired at expiresAt');
    assert.equal(await store().get('other', T0), null);
  });

  it('removing a session ends it; putting a key again replaces it', async () => {
    await store().put('k2', session());
    await store().put('k2', session({ csrf: 'd'.repeat(43) }));
    assert.equal((await store().get('k2', T0))?.csrf, 'd'.repeat(43));
    await store().remove('k2');
    assert.equal(await store().get('k2', T0), null);
    await store().remove('k2');
  });
}

describe('session store (memory)', () => {
  const store = openSessionStore(undefined);
  contract(() => store);
});

describe('session store (embedded)', () => {
  const backend = openMemoryBackend();
  const store = openSessionStore(backend);
  after(() => closeBackend(backend));
  contract(() => store);

  it('keeps sessions in the web_sessions table and drops expired rows when one is opened', async () => {
    if (backend.kind !== 'embedded') throw new Error('embedded backend');
    await store.put('old', session({ expiresAt: T0 + 10 }));
    await store.put('new', session({ createdAt: T0 + 20, expiresAt: T0 + 60_000 }));
    const keys = backend.db.prepare('SELECT key FROM web_sessions ORDER BY key').pluck().all();
    assert.ok(!keys.includes('old'), 'the expired session is gone');
    assert.ok(keys.includes('new'));
  });
});

describe('session store (redis)', () => {
  let redis: TestRedis;
  let backend: Backend;
  let store: SessionStore;
  before(async () => {
    redis = await startRedis();
    backend = await openRedisBackend(redis.url, 'sess');
    store = openSessionStore(backend);
  });
  after(async () => {
    await closeBackend(backend);
    await redis.cleanup();
  });
  contract(() => store);

  it('keeps each session under its own key, expiring with it', async () => {
    if (backend.kind !== 'redis') throw new Error('redis backend');
    await backend.redis.flushall();
    await store.put('k3', session({ createdAt: Date.now(), expiresAt: Date.now() + 60_000 }));
    assert.ok(await store.get('k3', Date.now()));
    const keys = await backend.redis.keys('sess:*');
    assert.deepEqual(keys, ['sess:{session:k3}:s']);
    const ttl = await backend.redis.pttl(keys[0]!);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `TTL ${ttl}`);
    await store.remove('k3');
    assert.equal(await backend.redis.exists('sess:{session:k3}:s'), 0);
  });
});
