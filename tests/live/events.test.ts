// The live event stream end to end: GET /api/v1/events?app=… over a real socket, on both stores.
// A check-in reaches an open stream as a summary event; rollout events come as they are emitted;
// a client that goes away leaves no stream behind; no token, no stream; a revoked token and a
// shutdown end the stream with their reason; on Redis, a check-in on one process reaches the
// streams of another.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PlatteEvent } from '../../server/rollout/events.ts';
import { FLATCAR, seedRelease, STORE_KINDS } from '../helpers/platte.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { startLivePlatte, type LivePlatte } from './harness.ts';
import { openSse, until } from './sse-client.ts';

const eventsUrl = (p: LivePlatte, app = FLATCAR) => `${p.url}/api/v1/events?app=${encodeURIComponent(app)}`;

async function checkIn(p: LivePlatte, machineid: string, version = '3510.2.0'): Promise<void> {
  const res = await fetch(`${p.url}/v1/update/`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: ueRequest({ machineid, version }) });
  assert.equal(res.status, 200);
  await res.text();
}

const rolloutEvent = (type: PlatteEvent['type']): PlatteEvent => ({ type, at: Date.now(), appId: FLATCAR, channel: 'stable', version: '3602.2.0', by: 'test', data: { reason: 'watching' } });

for (const kind of STORE_KINDS) {
  describe(`live events (${kind} store)`, () => {
    let p: LivePlatte;
    before(async () => {
      p = await startLivePlatte(kind);
      await seedRelease(p.t);
    });
    after(() => p.close());

    it('refuses without a token (401), an unknown app (404) and a bad app id (400)', async () => {
      const none = await openSse(eventsUrl(p));
      assert.equal(none.status, 401);
      assert.equal(JSON.parse(none.body).error.code, 'unauthorized');
      const unknown = await openSse(eventsUrl(p, 'no-such-app'), { Authorization: p.auth });
      assert.equal(unknown.status, 404);
      const bad = await openSse(`${p.url}/api/v1/events?app=%20%7B`, { Authorization: p.auth });
      assert.equal(bad.status, 400);
      assert.match(JSON.parse(bad.body).error.message, /query parameter app/);
      const missing = await openSse(`${p.url}/api/v1/events`, { Authorization: p.auth });
      assert.equal(missing.status, 400);
    });

    it('sends the summary at once, and again after a check-in', async () => {
      const s = await openSse(eventsUrl(p), { Authorization: p.auth });
      assert.equal(s.status, 200);
      assert.match(String(s.headers['content-type']), /^text\/event-stream/);
      const first = JSON.parse((await s.next('summary')).data);
      await checkIn(p, 'a'.repeat(32));
      const second = JSON.parse((await s.next('summary')).data);
      assert.equal(second.instances, first.instances + 1);
      assert.ok(second.byStatus.granted >= 1, JSON.stringify(second.byStatus));
      assert.ok(second.counters, 'carries the raw counters like GET …/summary');
      s.destroy();
    });

    it('sends rollout events as they are emitted, and leaves node events out', async () => {
      const s = await openSse(eventsUrl(p), { Authorization: p.auth });
      await s.next('summary');
      await p.parts.live.sink.emit({ ...rolloutEvent('node.failed') });
      await p.parts.live.sink.emit(rolloutEvent('rollout.paused'));
      const e = JSON.parse((await s.next('rollout')).data);
      assert.equal(e.type, 'rollout.paused');
      assert.equal(e.data.reason, 'watching');
      assert.deepEqual(
        s.events.filter((x) => x.event === 'rollout').map((x) => JSON.parse(x.data).type),
        ['rollout.paused'],
      );
      s.destroy();
    });

    it('forgets a client that went away', async () => {
      await until(() => p.parts.live.hub.count() === 0);
      const s = await openSse(eventsUrl(p), { Authorization: p.auth });
      await s.next('summary');
      assert.equal(p.parts.live.hub.count(FLATCAR), 1);
      s.destroy();
      assert.ok(await until(() => p.parts.live.hub.count(FLATCAR) === 0), 'the dead stream is dropped');
      // The app keeps no state without streams: a check-in now costs no read and no send.
      await checkIn(p, 'b'.repeat(32));
      assert.equal(p.parts.live.hub.count(), 0);
    });

    it('ends the stream of a token revoked meanwhile, saying why', async () => {
      const made = await fetch(`${p.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { Authorization: p.auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'viewer', role: 'read-only' }),
      });
      assert.equal(made.status, 201);
      const { token } = (await made.json()) as { token: { id: string; secret: string } };
      const s = await openSse(eventsUrl(p), { Authorization: `Bearer ${token.secret}` });
      assert.equal(s.status, 200);
      await s.next('summary');
      const gone = await fetch(`${p.url}/api/v1/tokens/${token.id}`, { method: 'DELETE', headers: { Authorization: p.auth } });
      assert.equal(gone.status, 204);
      assert.deepEqual(JSON.parse((await s.next('closed')).data), { reason: 'unauthorized' });
      await s.ended;
    });
  });
}

describe('live events across two processes on one Redis', () => {
  let a: LivePlatte;
  let b: LivePlatte;
  before(async () => {
    a = await startLivePlatte('redis', { redisPrefix: 'live2' });
    b = await startLivePlatte('redis', { redisPrefix: 'live2' });
    await seedRelease(a.t);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('a check-in on A reaches the stream open on B', async () => {
    const s = await openSse(eventsUrl(b), { Authorization: b.auth });
    const first = JSON.parse((await s.next('summary')).data);
    assert.equal(first.instances, 0);
    // B subscribes when it starts; until its subscription is up a message can pass it by, so A
    // checks in another node each 300 ms until B's stream shows one.
    let seen: { instances: number } | null = null;
    for (let n = 0; n < 10 && !seen; n++) {
      await checkIn(a, `c${n}`.padEnd(32, 'c'));
      seen = await s.next('summary', 300).then((e) => JSON.parse(e.data), () => null);
    }
    assert.ok(seen && seen.instances >= 1, 'a summary counting the node checked in on A');
    s.destroy();
  });

  it('a rollout event emitted on A reaches the stream open on B', async () => {
    const s = await openSse(eventsUrl(b), { Authorization: b.auth });
    await s.next('summary');
    await a.parts.live.sink.emit(rolloutEvent('rollout.halted'));
    assert.equal(JSON.parse((await s.next('rollout')).data).type, 'rollout.halted');
    s.destroy();
  });
});

describe('live events at shutdown', () => {
  it('ends open streams with reason shutdown, so the page reconnects to the next server', async () => {
    const p = await startLivePlatte('embedded');
    try {
      await seedRelease(p.t);
      const s = await openSse(eventsUrl(p), { Authorization: p.auth });
      await s.next('summary');
      await p.parts.close();
      assert.deepEqual(JSON.parse((await s.next('closed')).data), { reason: 'shutdown' });
      await s.ended;
      assert.equal(p.parts.live.hub.count(), 0);
    } finally {
      await p.close();
    }
  });
});
