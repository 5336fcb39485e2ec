// When Redis goes away, nodes get 503 (update_engine backs off) and the process keeps running;
// when it comes back (AOF on), service resumes with the data intact.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import supertest from 'supertest';
import { testConfig } from '../../server/config.ts';
import { createPlatte } from '../../server/platte.ts';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, FLATCAR, seedRelease } from '../helpers/platte.ts';
import { startRedis } from '../helpers/redis-server.ts';

it('answers 503 while Redis is down and recovers after it restarts', async () => {
  const redis = await startRedis({ appendonly: true });
  const platte = await createPlatte(testConfig({ redisUrl: redis.url, adminToken: ADMIN_TOKEN }));
  const http = supertest(platte.app.callback());
  try {
    await seedRelease({ platte, http, auth: `Bearer ${ADMIN_TOKEN}`, advance() {}, close: async () => {} });
    const check = () => http.post('/v1/update/').send(ueRequest({ machineid: 'ab'.repeat(16) }));
    assert.equal((await readAnswer((await check().expect(200)).text)).apps[0]!.updatecheck, 'ok');

    await redis.kill();
    const down = await check();
    assert.equal(down.status, 503);
    await http.get('/healthz').expect(200);

    await redis.restart();
    let up = await check();
    for (let i = 0; i < 50 && up.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      up = await check();
    }
    assert.equal(up.status, 200);
    const got = await http.get(`/api/v1/apps/${FLATCAR}/instances/${'ab'.repeat(16)}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.equal(got.body.instance.status, 'granted');
  } finally {
    await platte.close();
    await redis.cleanup();
  }
});
