// FleetLock protocol over HTTP: every row of the airlock table in the reference, what Platte
// answers instead, and each of Platte's error kinds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLEETLOCK_KINDS } from '../../protocol/fleetlock/errors.ts';
import { bearer, client, openTestPlatte, TOKENS, type TestPlatte } from './helpers.ts';

const PRE = '/v1/pre-reboot';
const STEADY = '/v1/steady-state';

async function withPlatte(fn: (t: TestPlatte) => Promise<void>, config = {}): Promise<void> {
  const t = await openTestPlatte(config);
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

function fl(t: TestPlatte, path: string, body: unknown) {
  return t.http.post(path).set('fleet-lock-protocol', 'true').send(body as object);
}

describe('FleetLock: the airlock table, row by row', () => {
  it('success → 200 (airlock: 200)', () =>
    withPlatte(async (t) => {
      const res = await fl(t, PRE, client('a')).expect(200);
      assert.equal(res.body.fencing_token, 1);
      assert.equal(res.body.already_held, false);
      await fl(t, STEADY, client('a')).expect(200, { group: 'default', id: 'a', released: true });
    }));

  it('re-lock by the holder → 200, same slot and token (airlock: 200)', () =>
    withPlatte(async (t) => {
      await fl(t, PRE, client('a')).expect(200);
      const again = await fl(t, PRE, client('a')).expect(200);
      assert.equal(again.body.already_held, true);
      assert.equal(again.body.fencing_token, 1);
    }));

  it('unlock by a non-holder → 200 and the holder keeps its slot (airlock: 200)', () =>
    withPlatte(async (t) => {
      await fl(t, PRE, client('a')).expect(200);
      await fl(t, STEADY, client('b')).expect(200, { group: 'default', id: 'b', released: false });
      await fl(t, STEADY, client('b')).expect(200);
      const res = await fl(t, PRE, client('b')).expect(409);
      assert.equal(res.body.kind, 'slots_full');
    }));

  it('header missing → 400 bad_request (airlock: 400 invalid_client_identity)', () =>
    withPlatte(async (t) => {
      const res = await t.http.post(PRE).send(client('a')).expect(400);
      assert.equal(res.body.kind, 'bad_request');
      assert.match(res.body.value, /fleet-lock-protocol/);
      await t.http.post(PRE).set('fleet-lock-protocol', 'false').send(client('a')).expect(400);
    }));

  it('bad JSON → 400 bad_request (airlock: 400 invalid_client_identity)', () =>
    withPlatte(async (t) => {
      for (const raw of ['{"client_params":', 'null', '[]', '{}', '{"client_params": "a"}', '']) {
        const res = await t.http.post(PRE).set('fleet-lock-protocol', 'true').set('content-type', 'application/json').send(raw);
        assert.equal(res.status, 400, raw);
        assert.equal(res.body.kind, 'bad_request', raw);
        assert.equal(typeof res.body.value, 'string');
      }
    }));

  it("a body that is not a JSON object gets Platte's own words, not the validation library's", () =>
    withPlatte(async (t) => {
      const shape = 'body must be a JSON object {"client_params": {"id": "...", "group": "..."}}';
      for (const raw of ['null', '[]', '[{"client_params": {"id": "a", "group": "default"}}]', '5', '"text"', 'true']) {
        const res = await t.http.post(PRE).set('fleet-lock-protocol', 'true').send(raw).expect(400);
        assert.deepStrictEqual(res.body, { kind: 'bad_request', value: shape }, raw);
      }
      for (const raw of ['{}', '{"client_params": "a"}', '{"client_params": null}']) {
        const res = await t.http.post(PRE).set('fleet-lock-protocol', 'true').send(raw).expect(400);
        assert.deepStrictEqual(res.body, { kind: 'bad_request', value: 'body must have a client_params object {"id": "...", "group": "..."}' }, raw);
      }
    }));

  it('a body that is not UTF-8 → 400 bad_request, never decoded with replacement characters', () =>
    withPlatte(async (t) => {
      const bytes = (id: number[]) =>
        Buffer.concat([Buffer.from('{"client_params": {"id": "node'), Buffer.from(id), Buffer.from('", "group": "default"}}')]);
      // 0xff is never UTF-8; ED A0 80 is U+D800 encoded as if it were a character (CESU-8).
      for (const bad of [[0xff], [0xed, 0xa0, 0x80], [0xc3]]) {
        const res = await t.http.post(PRE).set('fleet-lock-protocol', 'true').set('content-type', 'application/octet-stream').send(bytes(bad)).expect(400);
        assert.deepStrictEqual(res.body, { kind: 'bad_request', value: 'body is not valid UTF-8' });
      }
      await t.http.get('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.readOnly)).expect(404);
      await t.http.post(PRE).set('fleet-lock-protocol', 'true').set('content-type', 'application/octet-stream').send(bytes([0xc3, 0xbc])).expect(200, /"id":"nodeü"/);
    }));

  it('empty id or group, or a group outside ^[a-zA-Z0-9.-]+$ → 400 bad_request (airlock: 400 invalid_client_identity)', () =>
    withPlatte(async (t) => {
      const cases: [unknown, RegExp][] = [
        [client(''), /^client_params\.id must not be empty$/],
        [client('node\ud800'), /^client_params\.id must be well-formed Unicode \(it has a lone surrogate\)$/],
        [client('\udc00'), /well-formed Unicode/],
        [client('a', ''), /group must match/],
        [client('a', 'with space'), /group must match/],
        [client('a', 'under_score'), /group must match/],
        [client('a', 'x'.repeat(129)), /longer than 128/],
        [client('x'.repeat(257)), /longer than 256/],
        [client('a\nb'), /control characters/],
        [{ client_params: { id: 5, group: 'default' } }, /id must be a string/],
        [{ client_params: { id: 'a' } }, /group must be a string/],
      ];
      for (const [body, msg] of cases) {
        const res = await fl(t, PRE, body).expect(400);
        assert.deepStrictEqual(Object.keys(res.body).sort(), ['kind', 'value']);
        assert.equal(res.body.kind, 'bad_request');
        assert.match(res.body.value, msg, JSON.stringify(body));
      }
      await fl(t, PRE, client('a', 'fedora-coreos.workers-1')).expect(200);
    }));

  it('unknown group → 404 unknown_group when Platte refuses unknown groups (airlock: 400)', () =>
    withPlatte(
      async (t) => {
        for (const path of [PRE, STEADY]) {
          const res = await fl(t, path, client('a', 'nope')).expect(404);
          assert.equal(res.body.kind, 'unknown_group');
          assert.match(res.body.value, /"nope" does not exist/);
        }
        await t.http.put('/api/v1/reboot-groups/nope').set('authorization', bearer(TOKENS.release)).send({ max: 2 }).expect(200);
        await fl(t, PRE, client('a', 'nope')).expect(200);
      },
      { unknownGroups: 'refuse' },
    ));

  it('unknown group → created on first use with max 1 by default; steady-state alone creates nothing', () =>
    withPlatte(async (t) => {
      await fl(t, STEADY, client('a', 'fresh')).expect(200, { group: 'fresh', id: 'a', released: false });
      await t.http.get('/api/v1/reboot-groups/fresh').set('authorization', bearer(TOKENS.readOnly)).expect(404);
      await fl(t, PRE, client('a', 'fresh')).expect(200);
      const g = await t.http.get('/api/v1/reboot-groups/fresh').set('authorization', bearer(TOKENS.readOnly)).expect(200);
      assert.equal(g.body.max, 1);
    }));

  it('all slots taken → 409 slots_full saying how many and since when, never who (airlock: 500 failed_lock)', () =>
    withPlatte(async (t) => {
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 4 }).expect(200);
      for (const id of ['holder-a', 'holder-b', 'holder-c', 'holder-d']) {
        await fl(t, PRE, client(id)).expect(200);
        t.clock.now += 60_000;
      }
      const res = await fl(t, PRE, client('e')).expect(409);
      assert.equal(res.body.kind, 'slots_full');
      // A holder id is all an anonymous caller needs to release someone else's slot with steady-state.
      assert.equal(
        res.body.value,
        'group "default": 4 of 4 slots taken, held since 2025-01-06T10:00:00.000Z, 2025-01-06T10:01:00.000Z, 2025-01-06T10:02:00.000Z and 1 more',
      );
      assert.doesNotMatch(JSON.stringify(res.body), /holder-/);
      assert.ok(Number(res.headers['retry-after']) > 0);
      // The operator API, behind a token, still names them.
      const view = await t.http.get('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.readOnly)).expect(200);
      assert.deepStrictEqual(view.body.holders.map((h: { id: string }) => h.id), ['holder-a', 'holder-b', 'holder-c', 'holder-d']);
    }));

  it('max 0 → slots_full saying the group allows no reboots', () =>
    withPlatte(async (t) => {
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 0 }).expect(200);
      const res = await fl(t, PRE, client('a')).expect(409);
      assert.equal(res.body.value, 'group "default": group allows no reboots (max 0)');
    }));

  it('racing clients never fail: 50 parallel pre-reboots with 100 free slots all get 200 (airlock: 23 of 50 failed)', () =>
    withPlatte(async (t) => {
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 100 }).expect(200);
      const res = await Promise.all(Array.from({ length: 50 }, (_, i) => fl(t, PRE, client(`n${i}`))));
      assert.deepStrictEqual(res.map((r) => r.status), Array(50).fill(200));
      const tokens = res.map((r) => r.body.fencing_token as number).sort((a, b) => a - b);
      assert.deepStrictEqual(tokens, Array.from({ length: 50 }, (_, i) => i + 1), 'every grant got its own fencing token');
    }));

  it('raising max later takes effect at once (airlock#81: slots fixed at group creation)', () =>
    withPlatte(async (t) => {
      await fl(t, PRE, client('a')).expect(200);
      await fl(t, PRE, client('b')).expect(409);
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 2 }).expect(200);
      await fl(t, PRE, client('b')).expect(200);
    }));
});

describe("FleetLock: Platte's own error kinds", () => {
  it('the kinds are a small fixed set with fixed statuses', () => {
    assert.deepStrictEqual(FLEETLOCK_KINDS, {
      bad_request: 400,
      unknown_group: 404,
      slots_full: 409,
      outside_window: 409,
      group_paused: 423,
      store_unavailable: 503,
      internal: 500,
    });
  });

  it('outside_window → 409 naming the next opening in ISO time and in the window zone, with Retry-After', () =>
    withPlatte(async (t) => {
      // Monday 10:00 UTC; window Thursday 04:00 Berlin time (03:00 UTC in winter).
      await t.http
        .put('/api/v1/reboot-groups/default')
        .set('authorization', bearer(TOKENS.release))
        .send({ windows: [{ start: 'Thu 04:00', length: '1h', zone: 'Europe/Berlin' }] })
        .expect(200);
      const res = await fl(t, PRE, client('a')).expect(409);
      assert.equal(res.body.kind, 'outside_window');
      assert.match(res.body.value, /next window opens 2025-01-09T03:00:00\.000Z \(Thu 2025-01-09 04:00 Europe\/Berlin\)/);
      assert.equal(Number(res.headers['retry-after']), 2 * 86400 + 17 * 3600);
      t.clock.now = Date.parse('2025-01-09T03:30:00Z');
      await fl(t, PRE, client('a')).expect(200);
      t.clock.now = Date.parse('2025-01-09T04:00:00Z');
      await fl(t, PRE, client('b')).expect(409);
      await fl(t, PRE, client('a')).expect(200, /"already_held":true/);
    }));

  it('group_paused → 423 with the operator reason; the holder asking again still gets 200', () =>
    withPlatte(async (t) => {
      await t.http.put('/api/v1/reboot-groups/default').set('authorization', bearer(TOKENS.release)).send({ max: 3 }).expect(200);
      await fl(t, PRE, client('a')).expect(200);
      await t.http.post('/api/v1/reboot-groups/default/pause').set('authorization', bearer(TOKENS.release)).send({ reason: 'INC-7' }).expect(200);
      const res = await fl(t, PRE, client('b')).expect(423);
      assert.deepStrictEqual(res.body, { kind: 'group_paused', value: 'group "default" is paused by an operator: INC-7' });
      await fl(t, PRE, client('a')).expect(200);
      await fl(t, STEADY, client('a')).expect(200);
      await t.http.post('/api/v1/reboot-groups/default/resume').set('authorization', bearer(TOKENS.release)).expect(200);
      await fl(t, PRE, client('b')).expect(200);
    }));

  it('body over 16 KiB → 413 bad_request; wrong method → 405 bad_request', () =>
    withPlatte(async (t) => {
      const big = { client_params: { id: 'a', group: 'default' }, pad: 'x'.repeat(17 * 1024) };
      const res = await fl(t, PRE, big).expect(413);
      assert.equal(res.body.kind, 'bad_request');
      const get = await t.http.get(PRE).set('fleet-lock-protocol', 'true').expect(405);
      assert.equal(get.body.kind, 'bad_request');
      assert.equal(get.headers.allow, 'POST');
    }));

  it('works under any path prefix (Zincati is given a base URL)', () =>
    withPlatte(async (t) => {
      await fl(t, '/fleetlock/v1/pre-reboot', client('a')).expect(200);
      await fl(t, '/a/b/c/v1/pre-reboot', client('a')).expect(200, /"already_held":true/);
      await fl(t, '/fleetlock/v1/steady-state', client('a')).expect(200, /"released":true/);
    }));

  it('a trailing slash is the same endpoint; other FleetLock-looking paths answer 404 as FleetLock', () =>
    withPlatte(async (t) => {
      await fl(t, '/v1/pre-reboot/', client('a')).expect(200, /"already_held":false/);
      await fl(t, '/fleetlock/v1/pre-reboot/', client('a')).expect(200, /"already_held":true/);
      await fl(t, '/fleetlock/v1/steady-state/', client('a')).expect(200, /"released":true/);
      const get = await t.http.get('/v1/steady-state/').set('fleet-lock-protocol', 'true').expect(405);
      assert.equal(get.body.kind, 'bad_request');
      for (const path of ['/v1/pre-reboot/extra', '/fleetlock/v1/steady-state/x/y', '/v1/pre-reboot//']) {
        const res = await fl(t, path, client('a')).expect(404);
        assert.deepStrictEqual(Object.keys(res.body).sort(), ['kind', 'value'], path);
        assert.equal(res.body.kind, 'bad_request');
        assert.match(res.body.value, /no FleetLock endpoint here; use POST <base_url>\/v1\/pre-reboot or <base_url>\/v1\/steady-state/);
      }
    }));

  it('extra fields in the body are ignored (forward compatible), as is the content type', () =>
    withPlatte(async (t) => {
      await t.http
        .post(PRE)
        .set('fleet-lock-protocol', 'true')
        .set('content-type', 'text/plain')
        .send(JSON.stringify({ client_params: { id: 'a', group: 'default', extra: 1 }, more: true }))
        .expect(200);
    }));
});
