// Property tests of the Omaha endpoint with fast-check: whatever bytes a node sends, the answer is
// 200, 400 or 413 (never a 5xx or a crash), and the fleet counters stay consistent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

describe('Omaha endpoint under arbitrary input', () => {
  let t: TestPlatte;
  before(async () => {
    t = await startPlatte('embedded');
    await seedRelease(t);
  });
  after(() => t.close());

  const post = (body: string | Buffer) => t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(body);
  const base = ueRequest({ machineid: 'f0'.repeat(16), events: [{ type: 3, result: 2, previousversion: '' }] });

  const consistent = async () => {
    const s = (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body;
    const byStatus = Object.values(s.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(byStatus, s.instances, 'every instance is counted in exactly one status bucket');
  };

  it('mutated real requests (cut, spliced, overwritten) never get a 5xx', async () => {
    const mutation = fc.oneof(
      fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
      fc.tuple(fc.nat({ max: base.length }), fc.string({ maxLength: 40 })).map(([i, s]) => base.slice(0, i) + s + base.slice(i)),
      fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 30 }), fc.string({ unit: 'binary', maxLength: 30 })).map(
        ([i, n, s]) => base.slice(0, i) + s + base.slice(i + n),
      ),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (body) => {
        const res = await post(body);
        assert.ok([200, 400, 413].includes(res.status), `status ${res.status} for ${JSON.stringify(String(body).slice(0, 120))}`);
        if (res.status === 200) await readAnswer(res.text);
      }),
      { numRuns: 300, seed: 20261125 },
    );
    await consistent();
  });

  it('any attribute value is stored and echoed safely', async () => {
    const value = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
    await fc.assert(
      fc.asyncProperty(value, value, value, async (track, alias, version) => {
        const res = await post(ueRequest({ machineid: 'e1'.repeat(16), track, alias, version }));
        assert.ok([200, 400].includes(res.status), `status ${res.status}`);
        if (res.status !== 200) return;
        const ans = await readAnswer(res.text);
        assert.equal(ans.apps[0]?.appid, FLATCAR);
      }),
      { numRuns: 150, seed: 7 },
    );
    await consistent();
    await t.http.get('/healthz').expect(200);
  });
});
