// Token revocation (issue 8, point 3): a revoked token is refused by the very next request on the
// process that revoked it, and within about a second on every other process sharing the Redis
// (announced over pub/sub); a lost announcement is bounded by the auth cache's lifetime, and a
// broken subscription forgets every cached grant when it comes back.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createAuth, hashToken } from '../../kernel/auth/auth.ts';
import type { TokenRecord } from '../../kernel/auth/tokens.ts';
import { closeBackend, openRedisBackend } from '../../kernel/storage/backend.ts';
import { createRedisStore } from '../../server/store/redis/index.ts';
import type { TokenStore } from '../../server/store/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { STORE_KINDS, startPlatte, type TestPlatte } from '../helpers/platte.ts';

/** Polls `probe` until it holds, for at most `ms` (the flip is what is asserted, not its timing). */
async function eventually(probe: () => Promise<boolean>, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

async function newToken(t: TestPlatte): Promise<{ id: string; bearer: string }> {
  const res = await t.http.post('/api/v1/tokens').set('Authorization', t.auth).send({ name: 'ci', role: 'admin' }).expect(201);
  return { id: res.body.token.id as string, bearer: `Bearer ${res.body.token.secret as string}` };
}
const listWith = (t: TestPlatte, bearer: string) => t.http.get('/api/v1/tokens').set('Authorization', bearer);

for (const kind of STORE_KINDS) {
  describe(`token revocation on one process (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
    });
    after(() => t.close());

    it('refuses a revoked token on the very next request', async () => {
      const tok = await newToken(t);
      await listWith(t, tok.bearer).expect(200); // now cached
      await t.http.delete(`/api/v1/tokens/${tok.id}`).set('Authorization', t.auth).expect(204);
      const res = await listWith(t, tok.bearer).expect(401);
      assert.deepEqual(res.body, { error: { code: 'unauthorized', message: 'unknown or revoked token' } });
    });

    it('a token revoked with itself is refused on its next request', async () => {
      const tok = await newToken(t);
      await t.http.delete(`/api/v1/tokens/${tok.id}`).set('Authorization', tok.bearer).expect(204);
      await listWith(t, tok.bearer).expect(401);
    });
  });
}

describe('token revocation across processes (redis store)', () => {
  let a: TestPlatte;
  let b: TestPlatte;
  before(async () => {
    // Two Platte instances on one Redis and one prefix; each has its own frozen fake clock, so the
    // auth cache never expires on its own here: only the announcement can evict.
    a = await startPlatte('redis', { redisPrefix: 'revocation' });
    b = await startPlatte('redis', { redisPrefix: 'revocation' });
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('another process refuses the token within about a second', async () => {
    const tok = await newToken(a);
    await listWith(b, tok.bearer).expect(200); // B's cache is warm
    await listWith(b, tok.bearer).expect(200);
    await a.http.delete(`/api/v1/tokens/${tok.id}`).set('Authorization', a.auth).expect(204);
    assert.ok(await eventually(async () => (await listWith(b, tok.bearer)).status === 401), 'B still accepts the revoked token');
    await listWith(a, tok.bearer).expect(401);
  });
});

describe('the Redis store announces revocations', () => {
  let redis: TestRedis;
  let admin: Redis;
  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
  });
  after(async () => {
    admin.disconnect();
    await redis.cleanup();
  });
  const pubsubClients = async () => ((await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).split('\n').filter(Boolean).length;
  const open = async () => {
    const backend = await openRedisBackend(redis.url, 'announce');
    if (backend.kind !== 'redis') throw new Error('expected redis');
    const store = await createRedisStore(backend);
    return { store, close: async () => (await store.close(), await closeBackend(backend)) };
  };
  const token = (hash: string): TokenRecord => ({ hash, name: 'x', role: 'admin', createdAt: 1 });

  it('tells every store, forgets everything after a broken subscription, closes with the store', async () => {
    const one = await open();
    const two = await open();
    try {
      const heard: (string | null)[] = [];
      two.store.onTokenRevoked((hash) => heard.push(hash));
      assert.ok(await eventually(async () => heard.includes(null)), 'subscribed'); // the first subscription
      heard.length = 0;

      await one.store.addToken(token('a'.repeat(64)));
      assert.equal(await one.store.deleteToken('a'.repeat(64)), true);
      assert.ok(await eventually(async () => heard.includes('a'.repeat(64))), 'revocation announced');

      // Redis drops the subscriber: once it is back, listeners are told to forget everything.
      heard.length = 0;
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      assert.ok(await eventually(async () => heard.includes(null)), 'told to forget after resubscribing');
      await one.store.addToken(token('b'.repeat(64)));
      await one.store.deleteToken('b'.repeat(64));
      assert.ok(await eventually(async () => heard.includes('b'.repeat(64))), 'announcements arrive again');
    } finally {
      await one.close();
      await two.close();
    }
    assert.ok(await eventually(async () => (await pubsubClients()) === 0), 'the subscriber is closed with the store');
  });
});

describe('auth cache', () => {
  /** A token store that can lose announcements and hold a lookup in flight. */
  function fakeTokens() {
    const records = new Map<string, TokenRecord>();
    const listeners = new Set<(hash: string | null) => void>();
    let gate: Promise<void> | null = null;
    const store = {
      async findToken(hash: string) {
        const rec = records.get(hash) ?? null;
        if (gate) await gate;
        return rec;
      },
      onTokenRevoked(l: (hash: string | null) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    } as unknown as TokenStore;
    return {
      store,
      records,
      announce: (hash: string | null) => listeners.forEach((l) => l(hash)),
      hold: () => {
        let open!: () => void;
        gate = new Promise((r) => (open = r));
        return () => ((gate = null), open());
      },
    };
  }
  const SECRET = 'plt_secret';
  const rec: TokenRecord = { hash: hashToken(SECRET), name: 'ci', role: 'release', createdAt: 1 };

  it('a revocation whose announcement was lost is served for at most the cache lifetime', async () => {
    const f = fakeTokens();
    let clock = 1_000_000;
    const auth = createAuth(f.store, undefined, { now: () => clock });
    f.records.set(rec.hash, rec);
    assert.equal((await auth.resolve(SECRET))?.role, 'release');
    f.records.delete(rec.hash); // revoked elsewhere, announcement lost
    clock += 4_000;
    assert.equal((await auth.resolve(SECRET))?.role, 'release', 'still cached');
    clock += 1_001;
    assert.equal(await auth.resolve(SECRET), null);
  });

  it('forgets every cached grant when told revocations may have been missed', async () => {
    const f = fakeTokens();
    const auth = createAuth(f.store, undefined, { now: () => 1_000_000 });
    f.records.set(rec.hash, rec);
    assert.ok(await auth.resolve(SECRET));
    f.records.delete(rec.hash);
    f.announce(null); // the subscription came back after a break
    assert.equal(await auth.resolve(SECRET), null);
  });

  it('does not cache a lookup that was in flight when the token was revoked', async () => {
    const f = fakeTokens();
    const auth = createAuth(f.store, undefined, { now: () => 1_000_000 });
    f.records.set(rec.hash, rec);
    const release = f.hold();
    const inFlight = auth.resolve(SECRET); // read the record before the revocation
    f.records.delete(rec.hash);
    f.announce(rec.hash);
    release();
    assert.ok(await inFlight, 'the lookup itself raced the revocation');
    assert.equal(await auth.resolve(SECRET), null, 'but its answer was not kept');
  });
});
