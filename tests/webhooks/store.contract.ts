// The webhook store contract (server/webhooks/types.ts): both stores run these cases. Each case
// opens a fresh store; records are compared whole, so a store that adds, drops or mistypes a field
// fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DELIVERY_LOG_CAP, WEBHOOK_CAP, type Delivery, type StoredWebhook, type WebhookStore } from '../../server/webhooks/types.ts';

export type OpenStore = () => Promise<{ store: WebhookStore; cleanup(): Promise<void> }>;

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

export function hook(n: number, over: Partial<StoredWebhook> = {}): StoredWebhook {
  return {
    id: `wh_${String(n).padStart(20, '0')}`,
    url: `https://hooks.example.test/${n}`,
    events: ['rollout.started', 'node.failed'],
    description: n % 2 ? `hook ${n}` : null,
    createdAt: T0 + n,
    secret: `whsec_${Buffer.from(`secret-${n}`).toString('base64')}`,
    ...over,
  };
}

export function delivery(hookId: string, n: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id: `msg_${hookId.slice(-4)}_${n}`,
    hookId,
    type: 'rollout.started',
    payload: JSON.stringify({ type: 'rollout.started', timestamp: new Date(T0).toISOString(), data: { n, note: 'a "quoted" / slashed é' } }),
    status: 'pending',
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    createdAt: T0 + n,
    lastAttemptAt: null,
    deliveredAt: null,
    ...over,
  };
}

export function runWebhookStoreContract(name: string, open: OpenStore): void {
  const test = (title: string, fn: (store: WebhookStore) => Promise<void>) =>
    it(title, async () => {
      const { store, cleanup } = await open();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    });

  describe(`webhook store contract: ${name}`, () => {
    describe('webhooks', () => hookCases(test));
    describe('deliveries', () => deliveryCases(test));
  });
}

type Case = (title: string, fn: (store: WebhookStore) => Promise<void>) => void;

function hookCases(test: Case): void {
  test('creates, reads and lists webhooks oldest first, with their secrets', async (store) => {
    assert.deepEqual(await store.listHooks(), []);
    assert.equal(await store.createHook(hook(2)), 'ok');
    assert.equal(await store.createHook(hook(1)), 'ok');
    assert.deepEqual(await store.getHook(hook(1).id), hook(1));
    assert.equal(await store.getHook('wh_00000000000000000099'), null);
    assert.deepEqual(await store.listHooks(), [hook(1), hook(2)]);
  });

  test(`refuses a webhook beyond ${WEBHOOK_CAP}, storing nothing`, async (store) => {
    for (let i = 0; i < WEBHOOK_CAP; i++) assert.equal(await store.createHook(hook(i)), 'ok');
    assert.equal(await store.createHook(hook(WEBHOOK_CAP)), 'full');
    assert.equal(await store.getHook(hook(WEBHOOK_CAP).id), null);
    assert.equal((await store.listHooks()).length, WEBHOOK_CAP);
  });

  test('deletes a webhook with its delivery log, leaving other webhooks alone', async (store) => {
    const [a, b] = [hook(1), hook(2)];
    await store.createHook(a);
    await store.createHook(b);
    await store.addDelivery(delivery(a.id, 1));
    await store.addDelivery(delivery(b.id, 1));
    assert.equal(await store.deleteHook(a.id), true);
    assert.equal(await store.deleteHook(a.id), false);
    assert.equal(await store.getHook(a.id), null);
    assert.equal(await store.getDelivery(delivery(a.id, 1).id), null);
    assert.deepEqual(await store.listDeliveries(a.id, 10), []);
    assert.deepEqual(await store.listDeliveries(b.id, 10), [delivery(b.id, 1)]);
  });
}

function deliveryCases(test: Case): void {
  test('adds deliveries only to an existing webhook, and lists them newest first', async (store) => {
    const h = hook(1);
    assert.equal(await store.addDelivery(delivery(h.id, 1)), false, 'no such webhook');
    assert.equal(await store.getDelivery(delivery(h.id, 1).id), null);
    await store.createHook(h);
    // The same createdAt for all: the order is that of adding, not of time or id.
    for (const n of [3, 1, 2]) assert.equal(await store.addDelivery(delivery(h.id, n, { createdAt: T0 })), true);
    assert.deepEqual(await store.getDelivery(delivery(h.id, 1).id), delivery(h.id, 1, { createdAt: T0 }));
    assert.deepEqual((await store.listDeliveries(h.id, 10)).map((d) => d.id), [2, 1, 3].map((n) => delivery(h.id, n).id));
    assert.deepEqual((await store.listDeliveries(h.id, 2)).map((d) => d.id), [2, 1].map((n) => delivery(h.id, n).id));
  });

  test(`keeps the newest ${DELIVERY_LOG_CAP} deliveries of each webhook`, async (store) => {
    const [a, b] = [hook(1), hook(2)];
    await store.createHook(a);
    await store.createHook(b);
    await store.addDelivery(delivery(b.id, 0));
    for (let n = 1; n <= DELIVERY_LOG_CAP + 5; n++) await store.addDelivery(delivery(a.id, n));
    const log = await store.listDeliveries(a.id, DELIVERY_LOG_CAP + 10);
    assert.equal(log.length, DELIVERY_LOG_CAP);
    assert.equal(log[0]!.id, delivery(a.id, DELIVERY_LOG_CAP + 5).id);
    assert.equal(log.at(-1)!.id, delivery(a.id, 6).id);
    assert.equal(await store.getDelivery(delivery(a.id, 5).id), null, 'a trimmed delivery is gone');
    assert.deepEqual(await store.listDeliveries(b.id, 10), [delivery(b.id, 0)], "another webhook's log is untouched");
  });

  test('records attempts: counted, last status and error, delivered time on success', async (store) => {
    const h = hook(1);
    await store.createHook(h);
    const d = delivery(h.id, 1);
    await store.addDelivery(d);
    const first = await store.recordAttempt(d.id, { at: T0 + 10, statusCode: 500, error: 'answered 500', status: 'pending' });
    assert.deepEqual(first, { ...d, attempts: 1, lastStatusCode: 500, lastError: 'answered 500', lastAttemptAt: T0 + 10 });
    const second = await store.recordAttempt(d.id, { at: T0 + 20, statusCode: null, error: 'ECONNREFUSED', status: 'pending' });
    assert.deepEqual(second, { ...d, attempts: 2, lastStatusCode: null, lastError: 'ECONNREFUSED', lastAttemptAt: T0 + 20 });
    const third = await store.recordAttempt(d.id, { at: T0 + 40, statusCode: 204, error: null, status: 'delivered' });
    const done = { ...d, status: 'delivered' as const, attempts: 3, lastStatusCode: 204, lastError: null, lastAttemptAt: T0 + 40, deliveredAt: T0 + 40 };
    assert.deepEqual(third, done);
    assert.deepEqual(await store.getDelivery(d.id), done);
    assert.deepEqual(await store.listDeliveries(h.id, 1), [done]);
    assert.equal(await store.recordAttempt('msg_none', { at: T0, statusCode: 200, error: null, status: 'delivered' }), null);
  });

  test('a last failed attempt leaves it failed, with no delivered time', async (store) => {
    const h = hook(1);
    await store.createHook(h);
    const d = delivery(h.id, 1);
    await store.addDelivery(d);
    const out = await store.recordAttempt(d.id, { at: T0 + 5, statusCode: 503, error: 'answered 503', status: 'failed' });
    assert.deepEqual(out, { ...d, status: 'failed', attempts: 1, lastStatusCode: 503, lastError: 'answered 503', lastAttemptAt: T0 + 5 });
  });

  test('markFailed gives up on a pending delivery only, without counting an attempt', async (store) => {
    const h = hook(1);
    await store.createHook(h);
    const [p, done] = [delivery(h.id, 1), delivery(h.id, 2, { status: 'delivered', attempts: 1, lastStatusCode: 200, lastAttemptAt: T0, deliveredAt: T0 })];
    await store.addDelivery(p);
    await store.addDelivery(done);
    assert.equal(await store.markFailed(p.id, 'could not be queued'), true);
    assert.deepEqual(await store.getDelivery(p.id), { ...p, status: 'failed', lastError: 'could not be queued' });
    assert.equal(await store.markFailed(done.id, 'late'), false, 'a delivered one stays delivered');
    assert.deepEqual(await store.getDelivery(done.id), done);
    assert.equal(await store.markFailed('msg_none', 'x'), false);
  });
}
