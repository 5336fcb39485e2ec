// Deliveries end to end on the embedded store and the in-process runner, against a local HTTP
// receiver: signed as Standard Webhooks says (checked with the package's own verify), retried with
// exponential backoff (a fake clock drives the waits), given up on a dead target, never in the
// emitter's time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createLocalRunner, realTimers } from '../../kernel/jobs/local-runner.ts';
import { closeBackend, openMemoryBackend } from '../../kernel/storage/backend.ts';
import { DEFAULT_DELIVERY } from '../../server/webhooks/index.ts';
import { captureLog } from '../jobs/capture-log.ts';
import { FakeTimers } from '../jobs/fake-timers.ts';
import { freePort } from '../helpers/redis-server.ts';
import { ADMIN, event, startReceiver, until, webhookRig, type Received } from './harness.ts';

const auth = { Authorization: `Bearer ${ADMIN}` };

/** Webhooks on an in-memory embedded store, the local runner on a fake clock starting now (whole second). */
async function setup(extra: Parameters<typeof webhookRig>[4] = {}) {
  const timers = new FakeTimers(Math.floor(Date.now() / 1000) * 1000);
  const { log, lines } = captureLog();
  const backend = openMemoryBackend();
  const jobs = createLocalRunner({ log, timers });
  const rig = webhookRig(backend, jobs, log, () => timers.now(), extra);
  await jobs.start();
  const close = async () => {
    await jobs.close();
    await closeBackend(backend);
  };
  return { ...rig, timers, lines, jobs, close, store: rig.webhooks.store };
}

type Rig = Awaited<ReturnType<typeof setup>>;

async function createHook(rig: Rig, url: string, events = ['rollout.started']): Promise<{ id: string; secret: string }> {
  const res = await rig.http.post('/api/v1/webhooks').set(auth).send({ url, events }).expect(201);
  return { id: res.body.webhook.id, secret: res.body.secret };
}

/** Waits until attempt `n` is recorded and the runner has settled (its retry timer armed, or none). */
async function attempted(rig: Rig, hookId: string, n: number): Promise<void> {
  await until(async () => (await rig.store.listDeliveries(hookId, 1))[0]?.attempts === n);
  await rig.timers.advance(0);
}

function verify(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, r.headers);
}

describe('webhook deliveries (embedded store, local runner)', () => {
  it('signs the body with the three Standard Webhooks headers; the package verifies it', async () => {
    const rig = await setup();
    const receiver = await startReceiver(() => 204);
    try {
      const { id, secret } = await createHook(rig, receiver.url);
      const e = event();
      await rig.webhooks.sink.emit(e);
      await rig.timers.advance(0);
      await attempted(rig, id, 1);
      assert.equal(receiver.requests.length, 1);
      const [r] = receiver.requests as [Received];
      assert.equal(r.headers['content-type'], 'application/json');
      assert.match(r.headers['webhook-id']!, /^msg_[A-Za-z0-9_-]{22}$/);
      assert.equal(r.headers['webhook-timestamp'], String(rig.timers.now() / 1000));
      assert.match(r.headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
      assert.deepEqual(verify(secret, r), { type: 'rollout.started', timestamp: new Date(e.at).toISOString(), data: { ...e } });
      assert.throws(() => verify(secret, { ...r, body: r.body.replace('stable', 'beta') }), /signature/i, 'a changed body does not verify');
      assert.throws(() => new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(r.body, r.headers), /signature/i);
      const [d] = (await rig.http.get(`/api/v1/webhooks/${id}/deliveries`).set(auth).expect(200)).body.deliveries;
      assert.equal(d.id, r.headers['webhook-id']);
      assert.equal(d.status, 'delivered');
      assert.equal(d.attempts, 1);
      assert.equal(d.lastStatusCode, 204);
      assert.equal(d.deliveredAt, rig.timers.now());
      assert.deepEqual(d.payload, JSON.parse(r.body));
    } finally {
      await receiver.close();
      await rig.close();
    }
  });

  it('only webhooks subscribed to the event type get it', async () => {
    const rig = await setup();
    const receiver = await startReceiver(() => 200);
    try {
      const started = await createHook(rig, receiver.url, ['rollout.started']);
      const failed = await createHook(rig, receiver.url, ['node.failed', 'rollout.halted']);
      await rig.webhooks.sink.emit(event('node.failed'));
      await rig.webhooks.sink.emit(event('rollout.completed'));
      await rig.timers.advance(0);
      await attempted(rig, failed.id, 1);
      assert.deepEqual(await rig.store.listDeliveries(started.id, 10), []);
      assert.equal(receiver.requests.length, 1);
      assert.equal((verify(failed.secret, receiver.requests[0]!) as { type: string }).type, 'node.failed');
    } finally {
      await receiver.close();
      await rig.close();
    }
  });

  it('retries after 500s with exponential backoff (2 s, then 4 s), same id and body, then delivered', async () => {
    const rig = await setup();
    const receiver = await startReceiver((n) => (n < 2 ? 500 : 200));
    try {
      const { id, secret } = await createHook(rig, receiver.url);
      const t0 = rig.timers.now();
      await rig.webhooks.sink.emit(event());
      await rig.timers.advance(0);
      await attempted(rig, id, 1);
      const [first] = await rig.store.listDeliveries(id, 1);
      assert.deepEqual([first!.status, first!.lastStatusCode, first!.lastError], ['pending', 500, 'answered 500: nope 0']);
      await rig.timers.advance(1999);
      assert.equal(receiver.requests.length, 1, 'no retry before 2 s');
      await rig.timers.advance(1);
      await attempted(rig, id, 2);
      await rig.timers.advance(3999);
      assert.equal(receiver.requests.length, 2, 'the second retry waits 4 s');
      await rig.timers.advance(1);
      await attempted(rig, id, 3);
      const log = (await rig.http.get(`/api/v1/webhooks/${id}/deliveries`).set(auth).expect(200)).body.deliveries;
      assert.equal(log.length, 1, 'retries are one delivery');
      assert.deepEqual([log[0].status, log[0].attempts, log[0].lastStatusCode, log[0].lastError], ['delivered', 3, 200, null]);
      assert.equal(log[0].lastAttemptAt, t0 + 6000);
      const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
      assert.equal(ids.size, 1, 'every attempt carries the same webhook-id');
      assert.equal(new Set(receiver.requests.map((r) => r.body)).size, 1, 'and the same body');
      assert.deepEqual(receiver.requests.map((r) => Number(r.headers['webhook-timestamp']) - t0 / 1000), [0, 2, 6], 'each signed at its own time');
      for (const r of receiver.requests) verify(secret, r);
      assert.equal(rig.lines.filter((l) => l.msg === 'background job failed; will retry' && l.job === 'webhook.deliver').length, 2);
    } finally {
      await receiver.close();
      await rig.close();
    }
  });

  it('a dead target (connection refused) is tried 8 times over about 4 minutes, then the delivery is failed', async () => {
    const rig = await setup();
    const url = `http://127.0.0.1:${await freePort()}/gone`;
    try {
      const { id } = await createHook(rig, url);
      const t0 = rig.timers.now();
      await rig.webhooks.sink.emit(event());
      await rig.timers.advance(0);
      for (let n = 1; n <= DEFAULT_DELIVERY.attempts; n++) {
        await attempted(rig, id, n);
        const [d] = await rig.store.listDeliveries(id, 1);
        assert.equal(d!.status, n < DEFAULT_DELIVERY.attempts ? 'pending' : 'failed', `after attempt ${n}`);
        if (n < DEFAULT_DELIVERY.attempts) await rig.timers.advance(DEFAULT_DELIVERY.backoffMs * 2 ** (n - 1));
      }
      const [d] = (await rig.http.get(`/api/v1/webhooks/${id}/deliveries`).set(auth).expect(200)).body.deliveries;
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts, 8);
      assert.equal(d.lastStatusCode, null);
      assert.match(d.lastError, /ECONNREFUSED/);
      assert.equal(d.deliveredAt, null);
      assert.equal(d.lastAttemptAt - t0, 254_000, '2+4+…+128 s');
      assert.equal(rig.timers.armed, 0, 'nothing more is scheduled');
      assert.equal(rig.lines.filter((l) => l.msg === 'webhook delivery failed after its last attempt').length, 1);
      assert.equal(rig.lines.filter((l) => l.msg === 'background job failed').length, 0, 'a dead receiver is no Platte error');
    } finally {
      await rig.close();
    }
  });

  it('the log shows each delivery with its own outcome, newest first', async () => {
    const rig = await setup();
    const receiver = await startReceiver((n) => (n === 0 ? 200 : 410));
    try {
      const { id } = await createHook(rig, receiver.url, ['rollout.started', 'rollout.paused']);
      await rig.webhooks.sink.emit(event('rollout.started'));
      await rig.timers.advance(0);
      await attempted(rig, id, 1);
      await rig.webhooks.sink.emit(event('rollout.paused'));
      await rig.timers.advance(0);
      await until(async () => (await rig.store.listDeliveries(id, 1))[0]?.attempts === 1);
      const log = (await rig.http.get(`/api/v1/webhooks/${id}/deliveries`).set(auth).expect(200)).body.deliveries;
      assert.deepEqual(
        log.map((d: { type: string; status: string; lastStatusCode: number }) => [d.type, d.status, d.lastStatusCode]),
        [['rollout.paused', 'pending', 410], ['rollout.started', 'delivered', 200]],
      );
      const one = (await rig.http.get(`/api/v1/webhooks/${id}/deliveries?limit=1`).set(auth).expect(200)).body.deliveries;
      assert.equal(one.length, 1);
    } finally {
      await receiver.close();
      await rig.close();
    }
  });

  it('POST /webhooks/{id}/test queues a signed webhook.test delivery (202)', async () => {
    const rig = await setup();
    const receiver = await startReceiver(() => 200);
    try {
      const { id, secret } = await createHook(rig, receiver.url);
      const res = await rig.http.post(`/api/v1/webhooks/${id}/test`).set(auth).expect(202);
      assert.equal(res.body.delivery.type, 'webhook.test');
      assert.equal(res.body.delivery.status, 'pending');
      await rig.timers.advance(0);
      await attempted(rig, id, 1);
      const body = verify(secret, receiver.requests[0]!) as { type: string; data: { webhookId: string } };
      assert.equal(body.type, 'webhook.test');
      assert.equal(body.data.webhookId, id);
      assert.equal(receiver.requests[0]!.headers['webhook-id'], res.body.delivery.id);
      await rig.http.post('/api/v1/webhooks/wh_00000000000000000000/test').set(auth).expect(404);
    } finally {
      await receiver.close();
      await rig.close();
    }
  });

  it('a webhook deleted before its delivery runs: nothing is sent, nothing retried', async () => {
    const rig = await setup();
    const receiver = await startReceiver(() => 200);
    try {
      const { id } = await createHook(rig, receiver.url);
      await rig.webhooks.sink.emit(event());
      await rig.http.delete(`/api/v1/webhooks/${id}`).set(auth).expect(204);
      await rig.timers.advance(60_000);
      assert.equal(receiver.requests.length, 0);
      assert.equal(rig.timers.armed, 0);
      assert.equal(rig.lines.filter((l) => /background job failed/.test(l.msg)).length, 0);
    } finally {
      await receiver.close();
      await rig.close();
    }
  });
});

describe('webhook deliveries never hold up the emitter', () => {
  it('emit returns at once while a target never answers; the attempt ends at its deadline', async () => {
    const { log } = captureLog();
    const backend = openMemoryBackend();
    const jobs = createLocalRunner({ log, timers: realTimers });
    const rig = webhookRig(backend, jobs, log, Date.now, { delivery: { attempts: 1, timeoutMs: 300 } });
    await jobs.start();
    const receiver = await startReceiver(() => 'hang');
    try {
      const res = await rig.http.post('/api/v1/webhooks').set(auth).send({ url: receiver.url, events: ['node.failed'] }).expect(201);
      const id = res.body.webhook.id as string;
      await rig.webhooks.sink.emit(event('node.failed'));
      await until(() => receiver.requests.length === 1);
      // The target holds the first delivery open; more events are recorded and queued at once.
      const started = performance.now();
      for (let i = 0; i < 20; i++) await rig.webhooks.sink.emit(event('node.failed'));
      const elapsed = performance.now() - started;
      // Waiting for the target would cost each emit its 300 ms deadline: 6 s for the 20.
      assert.ok(elapsed < 1000, `20 emits took ${elapsed.toFixed(0)} ms`);
      assert.equal((await rig.webhooks.store.listDeliveries(id, 50)).length, 21);
      await until(async () => (await rig.webhooks.store.listDeliveries(id, 50)).at(-1)!.attempts === 1);
      const [first] = (await rig.webhooks.store.listDeliveries(id, 50)).slice(-1);
      assert.equal(first!.status, 'failed');
      assert.equal(first!.lastError, 'no answer within 300 ms');
    } finally {
      await receiver.close();
      await jobs.close();
      await closeBackend(backend);
    }
  });

  it('emit never throws: a store that fails is logged', async () => {
    const { log, lines } = captureLog();
    const backend = openMemoryBackend();
    const jobs = createLocalRunner({ log, timers: new FakeTimers() });
    const rig = webhookRig(backend, jobs, log, Date.now);
    await jobs.start();
    await closeBackend(backend);
    await rig.webhooks.sink.emit(event());
    assert.equal(lines.filter((l) => /webhooks: event not delivered/.test(l.msg)).length, 1);
    await jobs.close();
  });

  it('a delivery that cannot be queued is marked failed, not left pending', async () => {
    const rig = await setup();
    try {
      const { id } = await createHook(rig, 'https://hooks.example.test/x');
      await rig.jobs.close();
      await rig.webhooks.sink.emit(event());
      const [d] = await rig.store.listDeliveries(id, 1);
      assert.equal(d!.status, 'failed');
      assert.match(d!.lastError!, /could not be queued: .*closed/);
    } finally {
      await rig.close();
    }
  });
});
