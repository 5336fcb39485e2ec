// Webhooks on Redis with the BullMQ runner: two Platte processes' worth of webhooks share one
// Redis; a webhook created through one, an event emitted on the other, the delivery retried once
// after a 500 and delivered, signed, exactly twice sent, its log the same from both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createBullmqRunner } from '../../kernel/jobs/bullmq-runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { closeBackend, openRedisBackend } from '../../kernel/storage/backend.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { ADMIN, event, startReceiver, until, webhookRig } from './harness.ts';

const auth = { Authorization: `Bearer ${ADMIN}` };
let redis: TestRedis;

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.cleanup();
});

async function platteProcess(prefix: string) {
  const backend = await openRedisBackend(redis.url, prefix);
  if (backend.kind !== 'redis') throw new Error('expected redis');
  const jobs = createBullmqRunner({ redis: backend.redis, prefix, log: silentLogger() });
  const rig = webhookRig(backend, jobs, silentLogger(), Date.now, { delivery: { backoffMs: 50 } });
  await jobs.start();
  return {
    ...rig,
    close: async () => {
      await jobs.close();
      await closeBackend(backend);
    },
  };
}

describe('webhooks on Redis with BullMQ', () => {
  it('a delivery end to end across two processes: retried after a 500, delivered once', { timeout: 30_000 }, async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 200));
    const a = await platteProcess('whbull');
    const b = await platteProcess('whbull');
    try {
      const created = await a.http.post('/api/v1/webhooks').set(auth).send({ url: receiver.url, events: ['rollout.halted'] }).expect(201);
      const { webhook, secret } = created.body;
      await b.webhooks.sink.emit(event('rollout.halted'));
      await until(async () => (await a.webhooks.store.listDeliveries(webhook.id, 1))[0]?.status === 'delivered');
      const log = (await b.http.get(`/api/v1/webhooks/${webhook.id}/deliveries`).set(auth).expect(200)).body.deliveries;
      assert.equal(log.length, 1);
      assert.deepEqual([log[0].status, log[0].attempts, log[0].lastStatusCode, log[0].lastError], ['delivered', 2, 200, null]);
      assert.equal(receiver.requests.length, 2);
      for (const r of receiver.requests) {
        assert.equal(r.headers['webhook-id'], log[0].id);
        assert.equal((new Webhook(secret).verify(r.body, r.headers) as { type: string }).type, 'rollout.halted');
      }
    } finally {
      await a.close();
      await b.close();
      await receiver.close();
    }
  });
});
