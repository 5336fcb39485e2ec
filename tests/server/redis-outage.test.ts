// When Redis goes away, every surface answers 503 (update_engine backs off, the JSON API says
// `unavailable`), /readyz says so, /healthz stays up and the process keeps running; when Redis comes
// back (AOF on), service resumes with the data intact. Redis refusing a command is a bug, not an outage.
import assert from 'node:assert/strict';
import net from 'node:net';
import { it } from 'node:test';
import supertest from 'supertest';
import { testConfig } from '../../platte/config.ts';
import { createPlatte } from '../../platte/platte.ts';
import { ReplyError, type Redis } from 'ioredis';
import { guardRedisStore } from '../../kernel/storage/redis/guard.ts';
import { storeKeys } from '../../server/store/redis/keys.ts';
import { StoreUnavailableError } from '../../kernel/storage/unavailable.ts';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, FLATCAR, seedRelease } from '../helpers/platte.ts';
import { freePort, startRedis } from '../helpers/redis-server.ts';

type Http = ReturnType<typeof supertest>;
const AUTH = `Bearer ${ADMIN_TOKEN}`;

/** Release API and operator API calls, each of which needs the store. */
function apiCalls(http: Http): [string, () => supertest.Test][] {
  return [
    ['list apps', () => http.get('/api/v1/apps').set('Authorization', AUTH)],
    ['summary', () => http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', AUTH)],
    ['create app', () => http.post('/api/v1/apps').set('Authorization', AUTH).send({ id: 'e96281a6-d1af-4bde-9a0a-97b76e56dc58', name: 'Other' })],
    ['create channel', () => http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', AUTH).send({ name: 'beta' })],
    ['promote', () => http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', AUTH).send({ version: '3602.2.0' })],
    ['token create', () => http.post('/api/v1/tokens').set('Authorization', AUTH).send({ name: 'ci', role: 'release' })],
    ['reboot groups', () => http.get('/api/v1/reboot-groups').set('Authorization', AUTH)],
    ['reboot group change', () => http.put('/api/v1/reboot-groups/web').set('Authorization', AUTH).send({ max: 2 })],
  ];
}

async function assertUnavailable(what: string, res: supertest.Response) {
  assert.equal(res.status, 503, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'unavailable', what);
  assert.doesNotMatch(res.body.error.message, /internal/, what);
}

async function eventually(what: string, probe: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} did not recover`);
}

it('answers 503 on every surface while Redis is down and recovers after it restarts', async () => {
  const redis = await startRedis({ appendonly: true });
  const platte = await createPlatte(testConfig({ redisUrl: redis.url, adminToken: ADMIN_TOKEN }));
  const http = supertest(platte.app.callback());
  try {
    await seedRelease({ platte, http, auth: AUTH, advance() {}, close: async () => {} });
    const check = () => http.post('/v1/update/').send(ueRequest({ machineid: 'ab'.repeat(16) }));
    assert.equal((await readAnswer((await check().expect(200)).text)).apps[0]!.updatecheck, 'ok');
    await http.get('/readyz').expect(200, { status: 'ready', store: 'redis' });

    await redis.kill();
    assert.equal((await check()).status, 503);
    for (const [what, call] of apiCalls(http)) await assertUnavailable(what, await call());
    const ready = await http.get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'unavailable');
    await http.get('/healthz').expect(200);

    await redis.restart();
    await eventually('/readyz', async () => (await http.get('/readyz')).status === 200);
    await eventually('Omaha', async () => (await check()).status === 200);
    for (const [what, call] of apiCalls(http)) {
      const res = await call();
      assert.ok(res.status === 200 || res.status === 201, `${what} after the restart: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const got = await http.get(`/api/v1/apps/${FLATCAR}/instances/${'ab'.repeat(16)}`).set('Authorization', AUTH).expect(200);
    assert.equal(got.body.instance.status, 'granted');
  } finally {
    await platte.close();
    await redis.cleanup();
  }
});

/** A TCP relay to Redis that can stop passing bytes while keeping the connections open (a hung Redis). */
async function freezableRelay(target: number) {
  const pairs: [net.Socket, net.Socket][] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze() {
      for (const [c, u] of pairs) {
        c.unpipe(u);
        u.unpipe(c);
        c.pause();
        u.pause();
      }
    },
    thaw() {
      for (const [c, u] of pairs) c.pipe(u).pipe(c);
    },
    close() {
      for (const [c, u] of pairs) (c.destroy(), u.destroy());
      server.close();
    },
  };
}

it('a Redis that stops answering (connection open, no replies) is 503 after a deadline, then recovers', async () => {
  const redis = await startRedis();
  const relay = await freezableRelay(redis.port);
  const platte = await createPlatte(testConfig({ redisUrl: relay.url, adminToken: ADMIN_TOKEN }));
  const http = supertest(platte.app.callback());
  try {
    await http.get('/api/v1/apps').set('Authorization', AUTH).expect(200);
    relay.freeze();
    const [ready, apps, omaha] = await Promise.all([
      http.get('/readyz'),
      http.get('/api/v1/apps').set('Authorization', AUTH),
      http.post('/v1/update/').send(ueRequest({ machineid: 'cd'.repeat(16) })),
    ]);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'unavailable');
    await assertUnavailable('list apps', apps);
    assert.equal(omaha.status, 503);
    relay.thaw();
    await eventually('/readyz', async () => (await http.get('/readyz')).status === 200);
    await http.get('/api/v1/apps').set('Authorization', AUTH).expect(200);
  } finally {
    await platte.close();
    relay.close();
    await redis.cleanup();
  }
});

it('Redis refusing a command is a logged 500, not an outage', async () => {
  const redis = await startRedis();
  const platte = await createPlatte(testConfig({ redisUrl: redis.url, adminToken: ADMIN_TOKEN }));
  const http = supertest(platte.app.callback());
  try {
    // The app list is a set; a string under its key makes SMEMBERS fail with WRONGTYPE.
    assert.ok(platte.backend.kind === 'redis');
    await platte.backend.redis.set(storeKeys('platte').apps(), 'not a set');
    const res = await http.get('/api/v1/apps').set('Authorization', AUTH);
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, 'internal');
    await http.get('/readyz').expect(200);
  } finally {
    await platte.close();
    await redis.cleanup();
  }
});

it('the guard: Redis not answering becomes StoreUnavailableError; Redis refusing, bugs and sync methods pass', async () => {
  const conn = { status: 'ready' } as { status: string };
  const bug = new TypeError('bug');
  const refused = new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
  const unsubscribe = () => {};
  const store = guardRedisStore(conn as unknown as Redis, {
    kind: 'redis' as const,
    fail: async (err: unknown) => {
      throw err;
    },
    never: () => new Promise<never>(() => {}),
    subscribe: () => unsubscribe,
    close: async () => 'closed',
  }, 50);
  assert.equal(store.kind, 'redis');
  assert.equal(store.subscribe(), unsubscribe);
  await assert.rejects(store.fail(bug), (e) => e === bug);
  conn.status = 'reconnecting';
  await assert.rejects(store.fail(refused), (e) => e === refused);
  await assert.rejects(store.fail(bug), (e) => e instanceof StoreUnavailableError && e.cause === bug);
  conn.status = 'ready';
  const alive = setInterval(() => {}, 1000); // the deadline's timer does not hold the process open by itself
  await assert.rejects(store.never(), (e) => e instanceof StoreUnavailableError && /within 50 ms/.test(e.message));
  clearInterval(alive);
  assert.equal(await store.close(), 'closed');
});
