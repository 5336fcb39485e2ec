// Reboot-slot pacing end to end, on both stores: a group paced by a reboot group of one slot has one
// node in progress at a time. A node that installed, took the slot and gave it back (FleetLock
// steady-state) rebooted: it leaves progress then, so the next node is granted at its next check
// instead of hours later at the rebooted node's next check-in. An operator's force-unlock is not the
// node's own release: its node stays in progress until it completes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAnswer, ueRequest, type TestEvent } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte, STORE_KINDS, type TestPlatte } from '../helpers/platte.ts';

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const REBOOT_GROUP = 'pace';
const node = (n: number) => n.toString(16).padStart(32, '0');

for (const kind of STORE_KINDS) {
  describe(`reboot-slot pacing and released slots (${kind} store)`, () => {
    let t: TestPlatte;

    /** An update check on OLD; the version offered, or null when held. */
    const check = async (machineid: string): Promise<string | null> => {
      const res = await t.http.post('/v1/update/').send(ueRequest({ machineid, version: OLD })).expect(200);
      const app = (await readAnswer(res.text)).apps[0]!;
      return app.updatecheck === 'ok' ? (app.manifestVersion ?? null) : null;
    };
    /** Events alone, as update_engine reports them (no update check, so no new grant). */
    const report = (machineid: string, events: TestEvent[], version = OLD) =>
      t.http.post('/v1/update/').send(ueRequest({ machineid, version, updatecheck: false, events })).expect(200);
    const installed = (m: string) => report(m, [{ type: 3, result: 1 }]);
    const fleetlock = (path: string, id: string) =>
      t.http.post(`/v1/${path}`).set('fleet-lock-protocol', 'true').send({ client_params: { id, group: REBOOT_GROUP } });
    const status = async (m: string) => (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${m}`).set('Authorization', t.auth).expect(200)).body.instance.status;

    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: [OLD, NEW], channelVersion: NEW });
      await t.http.put(`/api/v1/reboot-groups/${REBOOT_GROUP}`).set('Authorization', t.auth).send({ max: 1 }).expect((r) => assert.ok(r.status === 200 || r.status === 201, String(r.status)));
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/stable`).set('Authorization', t.auth).send({ policy: { maxInProgress: 'reboot-slots', rebootGroup: REBOOT_GROUP } }).expect(201);
    });
    after(() => t.close());

    it('a node that gives its slot back leaves progress: the held node is granted at its next check', async () => {
      const [a, b, c] = [node(1), node(2), node(3)];
      assert.equal(await check(a), NEW, 'A takes the one place');
      assert.equal(await check(b), null, 'B is held (in-progress-limit)');
      await installed(a);
      assert.equal(await status(a), 'installed');
      assert.equal(await check(b), null, 'installed is still in progress');
      await fleetlock('pre-reboot', a).expect(200);
      assert.equal(await check(b), null, 'rebooting is still in progress');
      await fleetlock('steady-state', a).expect(200);
      assert.equal(await status(a), 'installed', 'its status waits for its next check-in');
      assert.equal(await check(b), NEW, 'A gave its slot back: B is granted');
      // A's next check-ins (still installed, then complete) do not take a place again.
      await installed(a);
      assert.equal(await check(c), null, 'B holds the place');
      await report(a, [{ type: 3, result: 2, previousversion: OLD }], NEW);
      assert.equal(await status(a), 'complete');
      assert.equal(await check(c), null, 'A completing frees no place it no longer held');
    });

    it('a force-unlock of a holder does not end its progress; completing does', async () => {
      const [b, c] = [node(2), node(3)];
      await installed(b);
      await fleetlock('pre-reboot', b).expect(200);
      await t.http.delete(`/api/v1/reboot-groups/${REBOOT_GROUP}/holders/${b}`).set('Authorization', t.auth).expect(200);
      assert.equal(await check(c), null, 'B is still in progress');
      await fleetlock('steady-state', b).expect(200);
      assert.equal(await check(c), null, 'B holds no slot to give back: still in progress');
      await report(b, [{ type: 3, result: 2, previousversion: OLD }], NEW);
      assert.equal(await check(c), NEW, 'B completed');
    });
  });
}
