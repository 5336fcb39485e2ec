// A node without a token cannot grow the counters by inventing versions: through /v1/update, on both
// stores, versions that name no package of the app get buckets of their own only up to
// UNKNOWN_VERSION_CAP, further ones count as `other`, and published versions always keep theirs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTHER_VERSION, UNKNOWN_VERSION_CAP } from '../../server/domain/counters.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const machine = (i: number) => i.toString(16).padStart(32, '0');

for (const kind of STORE_KINDS) {
  describe(`unknown versions through the Omaha endpoint (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t); // packages 3510.2.0 and 3602.2.0
    });
    after(() => t.close());

    const check = (i: number, version: string) =>
      t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest({ version, machineid: machine(i) })).expect(200);
    const byVersion = async (): Promise<Record<string, number>> =>
      (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body.byVersion;

    it('counts invented versions beyond the cap as other; package versions keep their own buckets', async () => {
      for (let i = 0; i <= UNKNOWN_VERSION_CAP; i++) await check(i, `1.0.${i}`);
      await check(1000, '3510.2.0');
      await check(1001, '3602.2.0');
      const counted = await byVersion();
      assert.equal(counted[OTHER_VERSION], 1);
      assert.equal(counted['3510.2.0'], 1);
      assert.equal(counted['3602.2.0'], 1);
      assert.equal(Object.keys(counted).length, UNKNOWN_VERSION_CAP + 3, 'the cap, other and the two packages');
    });
  });
}
