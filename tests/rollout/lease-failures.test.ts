// Reboot-slot leases that ran out count as failures of the rollout the node was rebooting into, on
// both stores, end to end: a node granted the version through Omaha takes a slot with FleetLock and
// never gives it back; once its lease ran out, the coordinator's sweep (as its job runs it) tells
// the update server, the rollout view shows the failure and the halt rule halts on it. Leases that
// run out inside another node's pre-reboot are counted as well; holders that are no node count nowhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte, STORE_KINDS, type TestPlatte } from '../helpers/platte.ts';

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const LEASE_S = 60;
const node = (n: number) => n.toString(16).padStart(32, '0');

type Event = { type: number; result: number; previousversion?: string };

/** An update check of a node on `version` (OLD) sending `events`; the version offered, or null. */
async function check(t: TestPlatte, machineid: string, events: Event[] = [], version = OLD): Promise<string | null> {
  const res = await t.http.post('/v1/update/').send(ueRequest({ machineid, version, events })).expect(200);
  const app = (await readAnswer(res.text)).apps[0]!;
  return app.updatecheck === 'ok' ? (app.manifestVersion ?? null) : null;
}

const preReboot = (t: TestPlatte, id: string, group: string) =>
  t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send({ client_params: { id, group } });

const rollout = async (t: TestPlatte) => (await t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable/rollout`).set('Authorization', t.auth).expect(200)).body.rollout;

for (const kind of STORE_KINDS) {
  describe(`expired reboot-slot leases as rollout failures (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: [OLD, NEW], channelVersion: OLD });
      for (const [group, max] of [['workers', 2], ['busy', 1], ['spare', 1]] as const) {
        await t.http.put(`/api/v1/reboot-groups/${group}`).set('Authorization', t.auth).send({ max, leaseSeconds: LEASE_S }).expect(200);
      }
      const plan = { steps: [{ percent: 100, soak: '1h' }], haltOn: { failures: 1 } };
      await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', t.auth).send({ version: NEW, rollout: plan }).expect(200);
    });
    after(() => t.close());

    it('the sweep counts a lease that ran out on a node installing the version; the rollout halts on it', async () => {
      const m = node(1);
      assert.equal(await check(t, m), NEW);
      await check(t, m, [{ type: 3, result: 1 }]);
      await preReboot(t, m, 'workers').expect(200);
      await preReboot(t, 'not-a-node', 'workers').expect(200);
      await t.platte.rollouts.evaluate();
      assert.equal((await rollout(t)).state, 'running', 'nothing failed yet');
      // Holding a slot while installed is rebooting; a holder that is no node counts nowhere. (The
      // check above asked for an update too, which grants again: update_engine reports 3/1 alone.)
      assert.equal((await rollout(t)).counts.rebooting, 0, 'granted, not installed');
      await t.http.post('/v1/update/').send(ueRequest({ machineid: m, version: OLD, updatecheck: false, events: [{ type: 3, result: 1 }] })).expect(200);
      assert.equal((await rollout(t)).counts.rebooting, 1);
      const summary = async () => (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body;
      assert.deepEqual((await summary()).rebooting, { stable: { [NEW]: 1 } });

      t.advance(LEASE_S * 1000 + 1);
      const expired = await t.platte.coordinator.sweep();
      assert.deepEqual(expired.map((e) => e.holder.id).sort(), [m, 'not-a-node'].sort());
      let view = await rollout(t);
      assert.equal(view.counts.rebooting, 0, 'its slot is gone');
      assert.deepEqual((await summary()).rebooting, {});
      assert.equal(view.failures.byKind['lease-expired'], 1, 'the node counts, the stranger does not');
      assert.equal(view.failures.total, 1);

      await t.platte.coordinator.sweep();
      assert.equal((await rollout(t)).failures.byKind['lease-expired'], 1, 'a lease runs out once');

      await t.platte.rollouts.evaluate();
      view = await rollout(t);
      assert.equal(view.state, 'halted');
      assert.match(view.haltReason, /1 reboot-slot lease ran out\): reached haltOn.failures = 1/);
    });

    it('a lease that runs out inside another node\'s pre-reboot counts too; one on a node that is done does not', async () => {
      const [holder, asker, done] = [node(2), node(3), node(4)];
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels/stable/rollout/resume`).set('Authorization', t.auth).send({}).expect(200);
      for (const m of [holder, done]) assert.equal(await check(t, m), NEW);
      await check(t, holder, [{ type: 13, result: 1 }]);
      await preReboot(t, holder, 'busy').expect(200);
      t.advance(LEASE_S * 1000 + 1);
      // The group is full (hold policy): the asker is refused, and the holder's lease is expired in that step.
      await preReboot(t, asker, 'busy').expect(409);
      assert.deepEqual(await t.platte.coordinator.sweep(), [], 'already processed by the pre-reboot');
      assert.equal((await rollout(t)).failures.byKind['lease-expired'], 2);

      await check(t, done, [{ type: 3, result: 2, previousversion: OLD }], NEW);
      await preReboot(t, done, 'spare').expect(200);
      t.advance(LEASE_S * 1000 + 1);
      assert.equal((await t.platte.coordinator.sweep()).length, 1);
      assert.equal((await rollout(t)).failures.byKind['lease-expired'], 2, 'a node that completed is on its way to nothing');
    });
  });
}
