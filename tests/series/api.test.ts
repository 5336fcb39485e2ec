// GET /api/v1/apps/{app}/series on both stores, against a real Platte: nodes check in over Omaha,
// snapshots are taken at a clock the test moves, and the API answers per version, status, channel
// and group, in minutes up to two days and in hours beyond; bad parameters are 400s naming them.
// A rollout's counts (dimension=rollout) come from failures made the real way: an error event, a
// node back on the old version after its reboot, a reboot-slot lease that ran out (the store's
// countFailure, as the coordinator's sweep reports it), read with supertest and held to the halt
// rule's own counts of the live counters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FLATCAR, seedRelease, startPlatte, STORE_KINDS, type TestPlatte } from '../helpers/platte.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { startLivePlatte, type LivePlatte } from '../live/harness.ts';
import { MINUTE_MS } from '../../server/series/types.ts';
import { rolloutCounts } from '../../server/rollout/counts.ts';
import { totalFailures } from '../../server/domain/rollout/halt.ts';

async function checkIn(p: LivePlatte, machineid: string, version: string): Promise<void> {
  const res = await fetch(`${p.url}/v1/update/`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: ueRequest({ machineid, version }) });
  assert.equal(res.status, 200);
  await res.text();
}

async function get(p: LivePlatte, query: string, auth: string | null = p.auth) {
  const res = await fetch(`${p.url}/api/v1/apps/${FLATCAR}/series?${query}`, { headers: auth ? { Authorization: auth } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

for (const kind of STORE_KINDS) {
  describe(`series API (${kind} store)`, () => {
    let p: LivePlatte;
    let first: number;
    before(async () => {
      p = await startLivePlatte(kind);
      await seedRelease(p.t);
      // Two nodes on the channel's version, one on the old one (granted the update).
      await checkIn(p, 'a'.repeat(32), '3602.2.0');
      await checkIn(p, 'b'.repeat(32), '3602.2.0');
      await checkIn(p, 'c'.repeat(32), '3510.2.0');
      await p.parts.series.snapshotNow();
      first = Math.floor(p.now() / MINUTE_MS) * MINUTE_MS;
      p.advance(MINUTE_MS);
      // The third node comes back updated.
      await checkIn(p, 'c'.repeat(32), '3602.2.0');
      await p.parts.series.snapshotNow();
    });
    after(() => p.close());

    it('answers nodes per version in minute points for 1h', async () => {
      const { status, body } = await get(p, 'dimension=version&range=1h');
      assert.equal(status, 200);
      assert.equal(body.resolution, 'minute');
      assert.equal(body.to - body.from, 3_600_000);
      assert.deepEqual(body.points, [
        { at: first, counts: { '3510.2.0': 1, '3602.2.0': 2 } },
        { at: first + MINUTE_MS, counts: { '3602.2.0': 3 } },
      ]);
    });

    it('answers nodes per status, per channel and per group', async () => {
      const status = await get(p, 'dimension=status&range=1d');
      // The third node reported no previous version: back on the channel's version, it is up to date.
      assert.deepEqual(status.body.points.map((x: any) => ({ ...x.counts })), [{ 'up-to-date': 2, granted: 1 }, { 'up-to-date': 3 }]);
      const channels = await get(p, 'dimension=channel');
      assert.deepEqual(channels.body.points.map((x: any) => x.counts), [{ stable: 3 }, { stable: 3 }]);
      const groups = await get(p, 'dimension=group');
      assert.deepEqual(Object.values(groups.body.points[1].counts), [3]);
    });

    it("breaks one channel down by version or by status", async () => {
      const byVersion = await get(p, 'dimension=channel&name=stable&range=2d');
      assert.deepEqual(byVersion.body.points.at(-1).counts, { '3602.2.0': 3 });
      const byStatus = await get(p, 'dimension=channel&name=stable&by=status');
      assert.deepEqual(byStatus.body.points[0].counts, { 'up-to-date': 2, granted: 1 });
      const none = await get(p, 'dimension=channel&name=beta');
      assert.deepEqual(none.body.points, [], 'a channel without nodes has no points');
    });

    it('answers hour points, the last snapshot of each hour, for 7d and 30d', async () => {
      for (const range of ['7d', '30d']) {
        const { body } = await get(p, `dimension=version&range=${range}`);
        assert.equal(body.resolution, 'hour');
        assert.deepEqual(body.points, [{ at: Date.UTC(2026, 10, 25, 12), counts: { '3602.2.0': 3 } }]);
      }
    });

    it('refuses bad parameters with a 400 naming the parameter', async () => {
      const cases: [string, RegExp][] = [
        ['range=1d', /dimension is required/],
        ['dimension=arch', /parameter dimension must be one of channel, group, version, status/],
        ['dimension=version&range=90d', /parameter range must be one of/],
        ['dimension=version&range=1d&range=7d', /parameter range must be given once/],
        ['dimension=status&name=stable', /parameter name goes with dimension channel, group or rollout only/],
        ['dimension=group&by=status', /parameter by goes with name/],
        ['dimension=rollout&name=stable', /parameter version is required with dimension rollout/],
        ['dimension=rollout&name=stable&version=3602.x', /parameter version must be a version/],
        ['dimension=rollout&version=3602.2.0', /parameter name is required with dimension rollout/],
        ['dimension=channel&name=stable&version=3602.2.0', /parameter version goes with dimension rollout only/],
      ];
      for (const [query, message] of cases) {
        const { status, body } = await get(p, query);
        assert.equal(status, 400, query);
        assert.equal(body.error.code, 'bad_request');
        assert.match(body.error.message, message, query);
      }
    });

    it('needs a token (401) and an app that exists (404)', async () => {
      assert.equal((await get(p, 'dimension=version', null)).status, 401);
      const res = await fetch(`${p.url}/api/v1/apps/no-such-app/series?dimension=version`, { headers: { Authorization: p.auth } });
      assert.equal(res.status, 404);
    });
  });
}

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const nodes = Array.from({ length: 10 }, (_, i) => `${i.toString(16)}`.padStart(32, 'd'));

/** One Omaha request of a node, over supertest. */
async function post(t: TestPlatte, xml: string): Promise<void> {
  await t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(xml).expect(200);
}

for (const kind of STORE_KINDS) {
  describe(`series API, dimension rollout (${kind} store)`, () => {
    let t: TestPlatte;
    let first: number;
    const snapshot = () => t.platte.live.series.snapshotNow();
    const read = (query: string) => t.http.get(`/api/v1/apps/${FLATCAR}/series?${query}`).set('Authorization', t.auth);

    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: [OLD, NEW], channelVersion: NEW });
      for (const m of nodes) await post(t, ueRequest({ machineid: m, version: OLD }));
      assert.equal(await snapshot(), 1);
      first = Math.floor(Date.UTC(2026, 10, 25, 12) / MINUTE_MS) * MINUTE_MS;
      t.advance(MINUTE_MS);
      // An error event; an install and then a boot on the old version; a lease that ran out.
      await post(t, ueRequest({ machineid: nodes[0], version: OLD, updatecheck: false, events: [{ type: 3, result: 0, errorcode: 9 }] }));
      await post(t, ueRequest({ machineid: nodes[1], version: OLD, updatecheck: false, events: [{ type: 3, result: 1 }] }));
      const reboot = ueRequest({ machineid: nodes[1], version: OLD }).replace(/bootid="[^"]*"/, 'bootid="{00000000-0000-4000-8000-000000000001}"');
      await post(t, reboot);
      await t.platte.store.countFailure(FLATCAR, `f/stable/${NEW}|lease-expired`);
      await snapshot();
    });
    after(() => t.close());

    it("answers the rollout's granted, failed and failures by kind per point, as the halt rule counts them", async () => {
      const res = await read(`dimension=rollout&name=stable&version=${NEW}&range=1h`).expect(200);
      assert.equal(res.body.resolution, 'minute');
      const zero = { error: 0, timeout: 0, reverted: 0, 'lease-expired': 0 };
      assert.deepEqual(res.body.points, [
        { at: first, counts: { granted: 10, failed: 0, ...zero } },
        { at: first + MINUTE_MS, counts: { granted: 10, failed: 3, ...zero, error: 1, reverted: 1, 'lease-expired': 1 } },
      ]);
      const live = rolloutCounts(await t.platte.store.counters(FLATCAR), 'stable', NEW).counts;
      const last = res.body.points.at(-1).counts;
      assert.deepEqual([last.granted, last.failed], [live.granted, totalFailures(live)], 'the same numbers as shouldHalt reads');
    });

    it('reads hour points too, and zeros for a version nobody was granted', async () => {
      const hours = await read(`dimension=rollout&name=stable&version=${NEW}&range=7d`).expect(200);
      assert.equal(hours.body.resolution, 'hour');
      assert.equal(hours.body.points.length, 1);
      assert.equal(hours.body.points[0].counts.failed, 3);
      const other = await read(`dimension=rollout&name=stable&version=${OLD}&range=1h`).expect(200);
      assert.deepEqual(other.body.points.map((p: any) => [p.counts.granted, p.counts.failed]), [[0, 0], [0, 0]]);
      const none = await read(`dimension=rollout&name=beta&version=${NEW}`).expect(200);
      assert.deepEqual(none.body.points, [], 'a channel without a rollout has no points');
    });

    it('refuses a bad version with a 400 in the API error shape', async () => {
      const res = await read('dimension=rollout&name=stable&version=..').expect(400);
      assert.equal(res.body.error.code, 'bad_request');
      assert.match(res.body.error.message, /parameter version must be a version/);
    });
  });
}
