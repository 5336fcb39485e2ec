// Holders survive restarts: Redis restarted (AOF on, also after kill -9), Platte restarted, and the
// embedded store reopened from its file. While Redis is down, FleetLock answers store_unavailable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { bearer, client, openTestPlatte, TOKENS, type TestPlatte } from './helpers.ts';

const pre = (t: TestPlatte, id: string) => t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id));
const steady = (t: TestPlatte, id: string) => t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client(id));
const holders = async (t: TestPlatte) =>
  (await t.http.get('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.readOnly)).expect(200)).body.holders.map(
    (h: { id: string; fencingToken: number; since: string }) => [h.id, h.fencingToken, h.since],
  );

describe('restarts (Redis with appendonly)', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis({ appendonly: true });
  });
  after(async () => redis.cleanup());
  let run = 0;
  const open = (prefix = `rs${run++}`) => openTestPlatte({ redisUrl: redis.url, redisPrefix: prefix });

  it('holders survive a Redis restart and a Platte restart; tokens keep growing', async () => {
    let t = await open('survive');
    await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 2 }).expect(200);
    await pre(t, 'a').expect(200);
    t.clock.now += 1000;
    await pre(t, 'b').expect(200);
    const before = await holders(t);
    await t.close();
    await redis.restart();
    t = await open('survive');
    try {
      assert.deepStrictEqual(await holders(t), before);
      await pre(t, 'c').expect(409);
      await pre(t, 'a').expect(200, /"already_held":true/);
      await steady(t, 'a').expect(200, /"released":true/);
      const c = await pre(t, 'c').expect(200);
      assert.equal(c.body.fencing_token, 3);
    } finally {
      await t.close();
    }
  });

  it('a running Platte rides through a Redis kill -9 and restart; while Redis is down nodes get store_unavailable', async () => {
    const t = await open();
    try {
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 5 }).expect(200);
      await steady(t, 'a').expect(200);
      await steady(t, 'b').expect(200);
      await steady(t, 'c').expect(200);
      await pre(t, 'a').expect(200);
      const before = await holders(t);
      await redis.kill();
      const down = await pre(t, 'b');
      assert.equal(down.status, 503);
      assert.equal(down.body.kind, 'store_unavailable');
      assert.equal(down.headers['retry-after'], '5');
      // How soon it answers is the store guard's deadline (kernel/storage/redis/guard.ts), tested
      // without timing in tests/server/redis-outage.test.ts; here it must answer at all, and in FleetLock's shape.
      const api = await t.http.get('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.readOnly));
      assert.equal(api.status, 503);
      assert.equal(api.body.error.code, 'unavailable');
      await redis.restart();
      // ioredis reconnects on its own; the scripts are loaded again on NOSCRIPT.
      let res = await pre(t, 'b');
      for (let i = 0; i < 50 && res.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await pre(t, 'b');
      }
      assert.equal(res.status, 200);
      const after = await holders(t);
      assert.deepStrictEqual(after[0], before[0], 'the holder granted before the kill is still there');
      assert.equal(after.length, 2);
    } finally {
      await t.close();
    }
  });
});

describe('restarts (embedded store file)', () => {
  it('holders survive closing and reopening the data directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-coord-'));
    try {
      let t = await openTestPlatte({ dataDir: dir });
      await pre(t, 'a').expect(200);
      const before = await holders(t);
      await t.close();
      t = await openTestPlatte({ dataDir: dir });
      try {
        assert.deepStrictEqual(await holders(t), before);
        await pre(t, 'b').expect(409);
        await steady(t, 'a').expect(200, /"released":true/);
        const b = await pre(t, 'b').expect(200);
        assert.equal(b.body.fencing_token, 2);
      } finally {
        await t.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
