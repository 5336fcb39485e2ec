// go-omaha's client never sends previousversion: a node that installed its target (3/1) and comes
// back reporting that version is complete anyway, and its reboot slot is given back through Omaha
// (issue 10, "Releases"). Both stores, through createPlatte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

for (const kind of STORE_KINDS) {
  describe(`completion without previousversion (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t);
    });
    after(() => t.close());

    const omaha = (o: Parameters<typeof ueRequest>[0]) => t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest(o)).expect(200);
    const fleetlock = (path: string, id: string) =>
      t.http.post(path).set('fleet-lock-protocol', 'true').send({ client_params: { id, group: 'default' } });
    const instance = async (id: string) => (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${id}`).set('Authorization', t.auth).expect(200)).body.instance;
    const holders = async () => (await t.http.get('/api/v1/reboot-groups/default').set('Authorization', t.auth).expect(200)).body.holders as { id: string }[];

    it('a node back on its target after 3/1 is complete and its reboot slot is released', async () => {
      const id = 'a1'.repeat(16);
      await omaha({ machineid: id, version: '3510.2.0' });
      assert.equal((await instance(id)).status, 'granted');
      await omaha({ machineid: id, version: '3510.2.0', ping: false, updatecheck: false, events: [{ type: 3, result: 1 }] });
      assert.equal((await instance(id)).status, 'installed');
      await fleetlock('/v1/pre-reboot', id).expect(200);
      assert.deepStrictEqual((await holders()).map((h) => h.id), [id]);

      t.advance(5 * 60_000);
      // What go-omaha sends after the reboot: the new version, no previousversion anywhere.
      await omaha({ machineid: id, version: '3602.2.0', events: [{ type: 3, result: 2 }] });
      assert.equal((await instance(id)).status, 'complete');
      assert.deepStrictEqual(await holders(), [], 'the completion released the slot');

      t.advance(45 * 60_000);
      await omaha({ machineid: id, version: '3602.2.0' });
      assert.equal((await instance(id)).status, 'complete', 'stays complete on later checks');
    });

    it('a node that reports its old version after 3/1 (not rebooted yet) stays installed', async () => {
      const id = 'b2'.repeat(16);
      await omaha({ machineid: id, version: '3510.2.0' });
      await omaha({ machineid: id, version: '3510.2.0', ping: false, updatecheck: false, events: [{ type: 3, result: 1 }] });
      await omaha({ machineid: id, version: '3510.2.0', updatecheck: false });
      assert.equal((await instance(id)).status, 'installed');
    });
  });
}
