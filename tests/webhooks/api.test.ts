// The webhook API: create (the secret answered once), list and read without secrets, delete, and
// bad input refused with a 400 naming the field and nothing stored; admin only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { closeBackend, openMemoryBackend, type Backend } from '../../kernel/storage/backend.ts';
import { Webhook } from 'standardwebhooks';
import { FakeTimers } from '../jobs/fake-timers.ts';
import { ADMIN, RELEASE, webhookRig, type WebhookRig } from './harness.ts';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const auth = { Authorization: `Bearer ${ADMIN}` };

let backend: Backend;
let jobs: JobRunner;
let rig: WebhookRig;

before(async () => {
  backend = openMemoryBackend();
  jobs = createLocalRunner({ log: silentLogger(), timers: new FakeTimers(T0) });
  rig = webhookRig(backend, jobs, silentLogger(), () => T0);
  await jobs.start();
});
after(async () => {
  await jobs.close();
  await closeBackend(backend);
});

async function stored(): Promise<number> {
  return (await rig.webhooks.store.listHooks()).length;
}

describe('webhook API', () => {
  it('creates a webhook: 201 with the webhook and its secret, which verifies signatures', async () => {
    const res = await rig.http
      .post('/api/v1/webhooks')
      .set(auth)
      .send({ url: 'https://ops.example.test/platte', events: ['rollout.halted', 'node.failed'], description: '  on-call  ' })
      .expect(201);
    const { webhook, secret } = res.body;
    assert.match(webhook.id, /^wh_[0-9a-f]{20}$/);
    assert.deepEqual(webhook, { id: webhook.id, url: 'https://ops.example.test/platte', events: ['rollout.halted', 'node.failed'], description: 'on-call', createdAt: T0 });
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.doesNotThrow(() => new Webhook(secret));
    const one = await rig.http.get(`/api/v1/webhooks/${webhook.id}`).set(auth).expect(200);
    assert.deepEqual(one.body, { webhook });
    const list = await rig.http.get('/api/v1/webhooks').set(auth).expect(200);
    assert.ok(list.body.webhooks.some((w: { id: string }) => w.id === webhook.id));
    assert.doesNotMatch(JSON.stringify(list.body) + JSON.stringify(one.body), /whsec_|secret/, 'the secret is shown at creation only');
  });

  it('deletes a webhook: 204, then 404', async () => {
    const { body } = await rig.http.post('/api/v1/webhooks').set(auth).send({ url: 'http://10.0.0.1:9000/h', events: ['rollout.completed'] }).expect(201);
    await rig.http.delete(`/api/v1/webhooks/${body.webhook.id}`).set(auth).expect(204);
    await rig.http.delete(`/api/v1/webhooks/${body.webhook.id}`).set(auth).expect(404);
    await rig.http.get(`/api/v1/webhooks/${body.webhook.id}`).set(auth).expect(404);
    await rig.http.get(`/api/v1/webhooks/${body.webhook.id}/deliveries`).set(auth).expect(404);
    const res = await rig.http.get('/api/v1/webhooks/not-an-id').set(auth).expect(404);
    assert.equal(res.body.error.code, 'not_found');
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an ftp:// URL', { url: 'ftp://files.example.test/x', events: ['rollout.started'] }, /url: must be an http:\/\/ or https:\/\/ URL/],
    ['a URL that is no URL', { url: 'not a url', events: ['rollout.started'] }, /url: /],
    ['a javascript: URL', { url: 'javascript:alert(1)', events: ['rollout.started'] }, /url: /],
    ['a URL over 2048 characters', { url: `https://x.test/${'a'.repeat(2048)}`, events: ['rollout.started'] }, /url: /],
    ['an unknown event', { url: 'https://x.test/', events: ['rollout.started', 'rollout.exploded'] }, /events\.1: must be one of rollout\.started, /],
    ['a webhook.test subscription', { url: 'https://x.test/', events: ['webhook.test'] }, /events\.0: must be one of/],
    ['empty events', { url: 'https://x.test/', events: [] }, /events: name at least one event type/],
    ['events named twice', { url: 'https://x.test/', events: ['node.failed', 'node.failed'] }, /events: must not name an event type twice/],
    ['no events', { url: 'https://x.test/' }, /events: /],
    ['an unknown field', { url: 'https://x.test/', events: ['node.failed'], secret: 'mine' }, /body: unknown field secret/],
    ['a description over 500 characters', { url: 'https://x.test/', events: ['node.failed'], description: 'd'.repeat(501) }, /description: /],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what}: 400 naming the field, nothing stored`, async () => {
      const before = await stored();
      const res = await rig.http.post('/api/v1/webhooks').set(auth).send(body as object).expect(400);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.match(res.body.error.message, message);
      assert.equal(await stored(), before);
    });
  }

  it('refuses a body that is not JSON', async () => {
    const res = await rig.http.post('/api/v1/webhooks').set(auth).set('content-type', 'application/json').send('{"url":').expect(400);
    assert.equal(res.body.error.code, 'invalid_json');
  });

  it('refuses a bad delivery-log limit', async () => {
    const { body } = await rig.http.post('/api/v1/webhooks').set(auth).send({ url: 'https://x.test/', events: ['node.failed'] }).expect(201);
    for (const limit of ['0', '201', 'ten']) {
      const res = await rig.http.get(`/api/v1/webhooks/${body.webhook.id}/deliveries?limit=${limit}`).set(auth).expect(400);
      assert.match(res.body.error.message, /limit/);
    }
    const ok = await rig.http.get(`/api/v1/webhooks/${body.webhook.id}/deliveries?limit=200`).set(auth).expect(200);
    assert.deepEqual(ok.body, { deliveries: [] });
  });

  it('is for admins only: 401 without a token, 403 for the release role', async () => {
    await rig.http.get('/api/v1/webhooks').expect(401);
    const before = await stored();
    const res = await rig.http.post('/api/v1/webhooks').set('Authorization', `Bearer ${RELEASE}`).send({ url: 'https://x.test/', events: ['node.failed'] }).expect(403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal(await stored(), before);
  });
});
