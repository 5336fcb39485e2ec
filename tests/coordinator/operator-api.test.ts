// The operator API (/api/v1/reboot-groups) on both stores: roles, what a group shows, changes,
// pause / resume, force-unlock, leases running out, and the Omaha hooks end to end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR } from '../helpers/platte.ts';
import { ADMIN, bearer, client, onBothStores, TOKENS, type TestPlatte } from './helpers.ts';

const G = '/api/v1/reboot-groups';
onBothStores('op', (kind, withPlatte) => {
  const pre = (t: TestPlatte, id: string, group = 'default') => t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group));
  const steady = (t: TestPlatte, id: string, group = 'default') => t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client(id, group));
  const as = (token: string) => ({ authorization: bearer(token) });

  describe(`operator API (${kind} store)`, () => {
    it('roles: anyone with a token can look, release or admin can act, nobody without one', withPlatte(async (t) => {
      await pre(t, 'a').expect(200);
      await t.http.get(G).expect(401);
      await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      await t.http.get(G).set(as('wrong-token-0000000000')).expect(401);
      await t.http.put(`${G}/default`).set(as(TOKENS.readOnly)).send({ max: 2 }).expect(403);
      await t.http.post(`${G}/default/pause`).set(as(TOKENS.readOnly)).expect(403);
      await t.http.post(`${G}/default/resume`).set(as(TOKENS.readOnly)).expect(403);
      await t.http.delete(`${G}/default/holders/a`).set(as(TOKENS.readOnly)).expect(403);
      await t.http.put(`${G}/default`).set(as(TOKENS.release)).send({ max: 2 }).expect(200);
      await t.http.put(`${G}/default`).set(as(ADMIN)).send({ max: 3 }).expect(200);
    }));

    it('a group shows max, holders with lease left, fencing token and target, waiting nodes, window, pause and history', withPlatte(async (t) => {
      await t.platte.coordinator.hooks.onUpdateGranted('a', '4081.2.0');
      await pre(t, 'a').expect(200);
      t.clock.now += 60_000;
      await pre(t, 'b').expect(409);
      t.clock.now += 60_000;
      const { body } = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      assert.equal(body.group, 'default');
      assert.equal(body.max, 1);
      assert.equal(body.available, 0);
      assert.equal(body.paused, false);
      assert.deepStrictEqual(body.lease, { seconds: 3600, text: '1h', onExpiry: 'hold' });
      assert.deepStrictEqual(body.windows, []);
      assert.equal(body.windowOpen, true);
      assert.deepStrictEqual(body.holders, [
        {
          id: 'a',
          since: '2025-01-06T10:00:00.000Z',
          leaseUntil: '2025-01-06T11:00:00.000Z',
          leaseLeftSeconds: 3480,
          expired: false,
          expiredAt: null,
          fencingToken: 1,
          targetVersion: '4081.2.0',
        },
      ]);
      assert.deepStrictEqual(body.waiting, [{ id: 'b', lastSeen: '2025-01-06T10:01:00.000Z', reason: 'full' }]);
      assert.deepStrictEqual(body.history.map((e: { event: string }) => e.event), ['grant', 'create']);
      assert.equal(body.history[0].fencingToken, 1);
      t.clock.now += 15 * 60_000;
      const later = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      assert.deepStrictEqual(later.body.waiting, [], 'only nodes seen in the last 15 minutes are listed as waiting');
      const list = await t.http.get(G).set(as(TOKENS.readOnly)).expect(200);
      assert.deepStrictEqual(list.body.groups.map((g: { group: string }) => g.group), ['default']);
      assert.deepStrictEqual(list.body.groups[0].history, []);
    }));

    it('PUT sets max, windows (also locksmith form) and lease; bad input is a clear 400', withPlatte(async (t) => {
      const put = (body: unknown) => t.http.put(`${G}/workers`).set(as(TOKENS.release)).send(body as object);
      const res = await put({
        max: 3,
        windows: [
          { start: 'Thu 04:00', length: '1h30m', zone: 'Europe/Berlin' },
          { days: 'Sat-Sun', start: '22:00', length: 240, zone: 'America/New_York' },
        ],
        lease: '2h',
        leasePolicy: 'release',
      }).expect(200);
      assert.equal(res.body.max, 3);
      assert.deepStrictEqual(res.body.lease, { seconds: 7200, text: '2h', onExpiry: 'release' });
      assert.deepStrictEqual(res.body.windows.map((w: { text: string }) => w.text), [
        'Thu 04:00 for 1h30m (Europe/Berlin)',
        'Sun,Sat 22:00 for 4h (America/New_York)',
      ]);
      assert.equal(res.body.windowOpen, false);
      assert.deepStrictEqual(res.body.nextWindow, { at: '2025-01-09T03:00:00.000Z', local: 'Thu 2025-01-09 04:00 Europe/Berlin' });
      assert.deepStrictEqual(res.body.history[0].event, 'configure');
      assert.match(res.body.history[0].detail, /max=3, windows=Thu 04:00 for 1h30m \(Europe\/Berlin\); Sun,Sat 22:00/);
      assert.equal(res.body.history[0].by, 'release-bot');

      const bad: [unknown, RegExp][] = [
        [{ max: -1 }, /max/],
        [{ max: 1.5 }, /max/],
        [{ maxx: 1 }, /unknown field maxx/],
        [{ windows: [{ start: '25:00', length: '1h' }] }, /windows\[0\]: bad start/],
        [{ windows: [{ start: '04:00', length: '1h', zone: 'Mars/Base' }] }, /unknown time zone "Mars\/Base"/],
        [{ windows: [{ start: 'Thu 04:00', days: 'Mon', length: '1h' }] }, /either in "start"/],
        [{ windows: [{ start: '04:00', length: '8d' }] }, /at most 7 days/],
        [{ windows: [{ start: '04:00', length: 'soon' }] }, /bad length/],
        [{ lease: '2h', leaseSeconds: 60 }, /not both/],
        [{ leaseSeconds: 5 }, /leaseSeconds/],
        [{ lease: 'forever' }, /invalid lease/],
        [{ leasePolicy: 'drop' }, /leasePolicy/],
      ];
      for (const [body, msg] of bad) {
        const r = await put(body).expect(400);
        assert.match(r.body.error.message, msg, JSON.stringify(body));
      }
      await t.http.put(`${G}/bad_name`).set(as(TOKENS.release)).send({ max: 1 }).expect(400);
      await t.http.put(`${G}/workers`).set(as(TOKENS.release)).set('content-type', 'application/json').send('{"max":').expect(400);
      await t.http.get(`${G}/nope`).set(as(TOKENS.readOnly)).expect(404);
      await t.http.get(`${G}/workers?history=abc`).set(as(TOKENS.readOnly)).expect(400);
    }));

    it('pause and resume have their own routes and are recorded', withPlatte(async (t) => {
      await t.http.post(`${G}/default/resume`).set(as(TOKENS.release)).expect(404);
      const p = await t.http.post(`${G}/default/pause`).set(as(TOKENS.release)).send({ reason: 'kernel regression' }).expect(200);
      assert.equal(p.body.paused, true);
      assert.equal(p.body.pauseReason, 'kernel regression');
      await pre(t, 'a').expect(423);
      const r = await t.http.post(`${G}/default/resume`).set(as(TOKENS.release)).expect(200);
      assert.equal(r.body.paused, false);
      assert.equal(r.body.pauseReason, null);
      await pre(t, 'a').expect(200);
      const events = r.body.history.map((e: { event: string; by: string }) => `${e.event}:${e.by}`);
      assert.deepStrictEqual(events, ['resume:release-bot', 'pause:release-bot', 'create:release-bot']);
    }));

    it('force-unlock frees one holder and names the operator; unknown holder or group is a 404', withPlatte(async (t) => {
      await pre(t, 'a').expect(200);
      await t.http.delete(`${G}/default/holders/zz`).set(as(TOKENS.release)).expect(404);
      await t.http.delete(`${G}/nope/holders/a`).set(as(TOKENS.release)).expect(404);
      const res = await t.http.delete(`${G}/default/holders/a?reason=node%20scrapped`).set(as(TOKENS.release)).expect(200);
      assert.deepStrictEqual(res.body, { released: true, group: 'default', id: 'a', fencingToken: 1, since: '2025-01-06T10:00:00.000Z' });
      await pre(t, 'b').expect(200);
      const { body } = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      const unlock = body.history.find((e: { event: string }) => e.event === 'force-unlock');
      assert.deepStrictEqual(unlock, { at: '2025-01-06T10:00:00.000Z', event: 'force-unlock', holder: 'a', by: 'release-bot', detail: 'node scrapped', fencingToken: 1 });
      await steady(t, 'a').expect(200, /"released":false/);
    }));

    it('force-unlock refuses holder ids no node can have: not UTF-8, control characters, too long', withPlatte(async (t) => {
      await pre(t, 'a').expect(200);
      const cases: [string, RegExp][] = [
        ['%ED%A0%80', /holder id is not valid percent-encoded UTF-8/],
        ['%FF', /holder id is not valid percent-encoded UTF-8/],
        ['a%0Ab', /holder id must not contain control characters/],
        ['x'.repeat(257), /holder id is longer than 256 characters/],
      ];
      for (const [id, msg] of cases) {
        const res = await t.http.delete(`${G}/default/holders/${id}`).set(as(TOKENS.release)).expect(400);
        assert.equal(res.body.error.code, 'bad_request');
        assert.match(res.body.error.message, msg, id);
      }
      await t.http.delete(`${G}/default/holders/a`).set(as(TOKENS.release)).expect(200);
    }));

    it('a lease that runs out (policy hold) is shown expired, recorded, keeps the slot until steady-state', withPlatte(async (t) => {
      await t.http.put(`${G}/default`).set(as(TOKENS.release)).send({ lease: '30m' }).expect(200);
      await pre(t, 'a').expect(200);
      t.clock.now += 30 * 60_000;
      const swept = await t.platte.coordinator.service.sweep();
      assert.deepStrictEqual(swept.map((e) => [e.group, e.holder.id, e.freed]), [['default', 'a', false]]);
      const { body } = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      assert.equal(body.holders[0].expired, true);
      assert.equal(body.holders[0].expiredAt, '2025-01-06T10:30:00.000Z');
      assert.equal(body.holders[0].leaseLeftSeconds, 0);
      assert.deepStrictEqual(body.history[0], { at: '2025-01-06T10:30:00.000Z', event: 'expire', holder: 'a', by: 'lease', freed: false, fencingToken: 1 });
      const full = await pre(t, 'b').expect(409);
      assert.equal(full.body.value, 'group "default": 1 of 1 slots taken, held since 2025-01-06T10:00:00.000Z (lease expired)');
      const again = await pre(t, 'a').expect(200);
      assert.equal(again.body.lease_expired, true);
      await steady(t, 'a').expect(200, /"released":true/);
      await pre(t, 'b').expect(200);
    }));

    it('a lease that runs out (policy release) frees the slot, recorded', withPlatte(async (t) => {
      await t.http.put(`${G}/default`).set(as(TOKENS.release)).send({ lease: '30m', leasePolicy: 'release' }).expect(200);
      await pre(t, 'a').expect(200);
      t.clock.now += 31 * 60_000;
      await pre(t, 'b').expect(200);
      const { body } = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      assert.deepStrictEqual(body.holders.map((h: { id: string }) => h.id), ['b']);
      assert.deepStrictEqual(body.history.slice(0, 2).map((e: { event: string; holder: string; freed?: boolean }) => [e.event, e.holder, e.freed]), [
        ['grant', 'b', undefined],
        ['expire', 'a', true],
      ]);
    }));

    it('the periodic sweep started by createPlatte marks expired leases on its own', withPlatte(async (t) => {
      await pre(t, 'a').expect(200);
      t.clock.now += 3600_000;
      // createPlatte called start(); run the same code the timer runs, without waiting 15 s.
      await t.platte.coordinator.service.sweep();
      const { body } = await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200);
      assert.equal(body.holders[0].expired, true);
    }));

    it('Omaha end to end: the offered version shows as target, the completion event releases the slot', withPlatte(async (t) => {
      const auth = { authorization: bearer(ADMIN) };
      await t.http.post('/api/v1/apps').set(auth).send({ id: FLATCAR, name: 'Flatcar' }).expect(201);
      for (const version of ['3510.2.0', '3602.2.0']) {
        await t.http
          .post(`/api/v1/apps/${FLATCAR}/packages`)
          .set(auth)
          .send({ version, url: `https://update.example.test/${version}`, name: 'update.gz', size: 1000, sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=', arch: 'amd64' })
          .expect(201);
      }
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set(auth).send({ name: 'stable' }).expect(201);
      await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set(auth).send({ version: '3602.2.0' }).expect(200);
      const machine = 'c0ffee00c0ffee00c0ffee00c0ffee00';
      const omaha = (body: string) => t.http.post('/v1/update/').set('content-type', 'text/xml').send(body).expect(200);
      const offer = await readAnswer((await omaha(ueRequest({ machineid: machine, version: '3510.2.0' }))).text);
      assert.equal(offer.apps[0]?.manifestVersion, '3602.2.0');
      await pre(t, machine).expect(200);
      let view = (await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200)).body;
      assert.equal(view.holders[0].targetVersion, '3602.2.0');
      t.clock.now += 5 * 60_000;
      await omaha(ueRequest({ machineid: machine, version: '3602.2.0', updatecheck: false, events: [{ type: 3, result: 2, previousversion: '3510.2.0' }] }));
      view = (await t.http.get(`${G}/default`).set(as(TOKENS.readOnly)).expect(200)).body;
      assert.deepStrictEqual(view.holders, []);
      assert.equal(view.history[0].event, 'release');
      assert.equal(view.history[0].by, 'omaha');
      assert.equal(view.history[0].detail, 'node reported version 3602.2.0');
      await steady(t, machine).expect(200, /"released":false/);
    }));
  });
});
