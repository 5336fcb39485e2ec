// The coordinator's onSlotsChanged hook (what the dashboard's live streams hear), on both stores,
// through the composition root's wiring: it names the group after a FleetLock grant and release,
// an operator's change, unlock, pause and resume, a completion reported over Omaha, a lease the
// sweep expired and a group created by locksmith; a refused or no-op request names nothing, and a
// hook that throws fails no request. Also hooks.rebootingNodes: every holder in every group.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, bearer, client, onBothStores, type TestPlatte } from './helpers.ts';

const G = '/api/v1/reboot-groups';

/** Records the groups the coordinator names (platte.ts looks the feed's hook up at each call). */
function spy(t: TestPlatte): string[] {
  const seen: string[] = [];
  Object.assign(t.platte.live.live.feed, { slotsChanged: (group: string) => seen.push(group) });
  return seen;
}

onBothStores('sc', (kind, withPlatte) => {
  const pre = (t: TestPlatte, id: string, group: string) => t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group));
  const steady = (t: TestPlatte, id: string, group: string) => t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client(id, group));
  const admin = { authorization: bearer(ADMIN) };

  describe(`onSlotsChanged (${kind} store)`, () => {
    it('names the group after a FleetLock grant and release, and not after a refusal or a no-op', withPlatte(async (t) => {
      const seen = spy(t);
      await pre(t, 'a', 'web').expect(200);
      assert.deepEqual(seen, ['web']);
      await pre(t, 'a', 'web').expect(200);
      assert.deepEqual(seen, ['web'], 'a node asking again for the slot it holds changes nothing');
      await pre(t, 'b', 'web').expect(409);
      assert.deepEqual(seen, ['web'], 'a refusal changes no slot');
      await steady(t, 'b', 'web').expect(200);
      assert.deepEqual(seen, ['web'], 'releasing a slot not held is a no-op');
      await steady(t, 'a', 'web').expect(200);
      assert.deepEqual(seen, ['web', 'web']);
    }));

    it("names the group after an operator's change, pause, resume and unlock", withPlatte(async (t) => {
      const seen = spy(t);
      await t.http.put(`${G}/db`).set(admin).send({ max: 2 }).expect(200);
      await pre(t, 'a', 'db').expect(200);
      await t.http.post(`${G}/db/pause`).set(admin).send({ reason: 'maintenance' }).expect(200);
      await t.http.post(`${G}/db/resume`).set(admin).expect(200);
      await t.http.delete(`${G}/db/holders/a`).set(admin).expect(200);
      assert.deepEqual(seen, ['db', 'db', 'db', 'db', 'db']);
      await t.http.delete(`${G}/db/holders/a`).set(admin);
      await t.http.post(`${G}/nope/resume`).set(admin).expect(404);
      assert.equal(seen.length, 5, 'unlocking a node that holds nothing, resuming a missing group: nothing changed');
    }));

    it('names the group after an update completed over Omaha, a lease the sweep expired, a group locksmith created', withPlatte(async (t) => {
      const seen = spy(t);
      await pre(t, 'a', 'web').expect(200);
      await t.platte.coordinator.hooks.onUpdateComplete('a', '4081.2.0');
      assert.deepEqual(seen, ['web', 'web']);
      await t.platte.coordinator.hooks.onUpdateComplete('a', '4081.2.0');
      assert.equal(seen.length, 2, 'a machine holding nothing: nothing released');
      await pre(t, 'b', 'db').expect(200);
      assert.deepEqual(await t.platte.coordinator.sweep(), [], 'nothing due yet');
      assert.equal(seen.length, 3, 'a sweep that expired nothing names nothing');
      t.clock.now += 2 * 86_400_000;
      assert.equal((await t.platte.coordinator.sweep()).length, 1);
      // db's lease ran out; web, created on first use and idle for a day, was forgotten.
      assert.deepEqual(seen.slice(3).sort(), ['db', 'web']);
      assert.equal((await t.platte.coordinator.service.createOnFirstUse('etcd')).kind, 'created');
      assert.deepEqual(seen.slice(5), ['etcd']);
    }));

    it('a hook that throws fails no request: the slot is granted and the failure only logged', withPlatte(async (t) => {
      Object.assign(t.platte.live.live.feed, {
        slotsChanged: () => {
          throw new Error('listener bug');
        },
      });
      await pre(t, 'a', 'web').expect(200);
      const { body } = await t.http.get(`${G}/web`).set(admin).expect(200);
      assert.deepEqual(body.holders.map((h: { id: string }) => h.id), ['a']);
    }));
  });

  describe(`hooks.rebootingNodes (${kind} store)`, () => {
    it('lists every holder of every group with since, expiry and target version', withPlatte(async (t) => {
      const { hooks } = t.platte.coordinator;
      assert.deepEqual(await hooks.rebootingNodes(), []);
      await t.http.put(`${G}/db`).set(admin).send({ max: 2 }).expect(200);
      await hooks.onUpdateGranted('b', '4081.2.0');
      const start = t.clock.now;
      await pre(t, 'a', 'web').expect(200);
      t.clock.now += 1_000;
      await pre(t, 'b', 'db').expect(200);
      await pre(t, 'c', 'db').expect(200);
      await pre(t, 'd', 'web').expect(409);
      const nodes = await hooks.rebootingNodes();
      const sorted = [...nodes].sort((x, y) => x.id.localeCompare(y.id));
      assert.deepEqual(sorted, [
        { id: 'a', group: 'web', since: start, expired: false, targetVersion: null },
        { id: 'b', group: 'db', since: start + 1_000, expired: false, targetVersion: '4081.2.0' },
        { id: 'c', group: 'db', since: start + 1_000, expired: false, targetVersion: null },
      ]);
      await steady(t, 'a', 'web').expect(200);
      assert.deepEqual((await hooks.rebootingNodes()).map((n) => n.id).sort(), ['b', 'c']);
      // Past the lease (1 h), before any sweep: still holders, shown as expired.
      t.clock.now += 2 * 3_600_000;
      assert.deepEqual((await hooks.rebootingNodes()).map((n) => n.expired), [true, true]);
    }));
  });
});
