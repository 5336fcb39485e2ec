// Group policies end to end (JSON API + Omaha), on both stores: updates disabled, update windows,
// a pinned version, the counted limits (in progress, per period, safe mode) decided in the grant's
// own store step, update timeouts, and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte, STORE_KINDS, type TestPlatte } from '../helpers/platte.ts';

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(31, '0')}`);

for (const kind of STORE_KINDS) {
  describe(`group policies (${kind} store)`, () => {
    let t: TestPlatte;
    let seq = 0;
    const check = async (machineid: string, o: { version?: string; track?: string; events?: { type: number; result: number; previousversion?: string }[] } = {}) => {
      const res = await t.http.post('/v1/update/').send(ueRequest({ machineid, version: o.version ?? OLD, track: o.track ?? 'stable', ...(o.events ? { events: o.events } : {}) })).expect(200);
      const app = (await readAnswer(res.text)).apps[0]!;
      return app.updatecheck === 'ok' ? app.manifestVersion : null;
    };
    const setPolicy = (group: string, policy: object, extra: object = {}) =>
      t.http.put(`/api/v1/apps/${FLATCAR}/groups/${group}`).set('Authorization', t.auth).send({ ...extra, policy });
    const instance = async (m: string) => (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${m}`).set('Authorization', t.auth).expect(200)).body.instance;
    /** A fresh channel + group per test, so tests don't share limits. */
    const channel = async (version = NEW) => {
      const name = `ch${seq++}`;
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', t.auth).send({ name }).expect(201);
      await t.http.put(`/api/v1/apps/${FLATCAR}/channels/${name}`).set('Authorization', t.auth).send({ version }).expect(200);
      return name;
    };

    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: [OLD, NEW], channelVersion: NEW });
    });
    after(() => t.close());

    it('a policy on the implicit group of a channel: updates disabled holds every node, enabling lets them through', async () => {
      const ch = await channel();
      const put = await setPolicy(ch, { updatesEnabled: false }).expect(201);
      assert.deepEqual([put.body.group.track, put.body.group.channel], [ch, ch]);
      assert.equal(put.body.group.policy.updatesEnabled, false);
      assert.equal(await check('a'.repeat(32), { track: ch }), null);
      assert.equal((await instance('a'.repeat(32))).status, 'idle');
      await setPolicy(ch, { updatesEnabled: true }).expect(200);
      assert.equal(await check('a'.repeat(32), { track: ch }), NEW);
    });

    it('update windows: closed holds, open grants (the test clock is Wednesday 12:00 UTC)', async () => {
      const ch = await channel();
      await setPolicy(ch, { windows: [{ days: 'Thu', start: '12:00', length: '1h', zone: 'UTC' }] }).expect(201);
      assert.equal(await check('b'.repeat(32), { track: ch }), null);
      await setPolicy(ch, { windows: [{ days: 'Mon-Fri', start: '11:30', length: '1h', zone: 'UTC' }] }).expect(200);
      assert.equal(await check('b'.repeat(32), { track: ch }), NEW);
    });

    it('a pinned group stays on its version whatever its channel says', async () => {
      const ch = await channel(NEW);
      await setPolicy(ch, { pinVersion: OLD }).expect(201);
      assert.equal(await check('c'.repeat(32), { track: ch, version: '3374.2.0' }), OLD);
      assert.equal(await check('c'.repeat(32), { track: ch, version: OLD }), null);
    });

    it('maxInProgress: exactly the limit is granted; a granted node keeps its grant; a completion frees a place', async () => {
      const ch = await channel();
      await setPolicy(ch, { maxInProgress: 3 }).expect(201);
      const nodes = ids('d', 10);
      const got: string[] = [];
      for (const m of nodes) if ((await check(m, { track: ch })) !== null) got.push(m);
      assert.deepEqual(got, nodes.slice(0, 3));
      assert.equal(await check(nodes[0]!, { track: ch }), NEW, 'already granted: keeps its grant');
      assert.equal(await check(nodes[5]!, { track: ch }), null);
      await check(nodes[0]!, { track: ch, version: NEW, events: [{ type: 3, result: 2, previousversion: OLD }] });
      assert.equal(await check(nodes[5]!, { track: ch }), NEW, 'the completed node freed its place');
      assert.equal(await check(nodes[6]!, { track: ch }), null);
    });

    it('maxUpdatesPerPeriod: at most count grants per period, more once it passed', async () => {
      const ch = await channel();
      await setPolicy(ch, { maxUpdatesPerPeriod: { count: 2, period: '1h' } }).expect(201);
      const nodes = ids('e', 5);
      const first: (string | null | undefined)[] = [];
      for (const m of nodes) first.push(await check(m, { track: ch }));
      assert.equal(first.filter((v) => v === NEW).length, 2);
      t.advance(3_600_001);
      assert.equal(await check(nodes[4]!, { track: ch }), NEW);
    });

    it('safe mode: one node first; the next only after it completed', async () => {
      const ch = await channel();
      await setPolicy(ch, { safeMode: true }).expect(201);
      const [a, b] = ids('f', 2) as [string, string];
      assert.equal(await check(a, { track: ch }), NEW);
      assert.equal(await check(b, { track: ch }), null);
      await check(a, { track: ch, version: NEW, events: [{ type: 3, result: 2, previousversion: OLD }] });
      assert.equal(await check(b, { track: ch }), NEW);
    });

    it('updateTimeout: a grant not done in time is timed out by the sweep and frees its place', async () => {
      const ch = await channel();
      await setPolicy(ch, { maxInProgress: 1, updateTimeout: '10m' }).expect(201);
      const [a, b] = ids('9', 2) as [string, string];
      assert.equal(await check(a, { track: ch }), NEW);
      assert.equal(await check(b, { track: ch }), null);
      t.advance(11 * 60_000);
      assert.equal(await t.platte.rollouts.sweepTimeouts(), 1);
      assert.equal((await instance(a)).status, 'timed-out');
      assert.equal(await check(b, { track: ch }), NEW);
    });

    it('pacing by reboot capacity: no more nodes in progress than the reboot group has slots', async () => {
      const ch = await channel();
      await t.http.put('/api/v1/reboot-groups/pace-web').set('Authorization', t.auth).send({ max: 2 }).expect((r) => assert.ok(r.status === 200 || r.status === 201, String(r.status)));
      await setPolicy(ch, { maxInProgress: 'reboot-slots', rebootGroup: 'pace-web' }).expect(201);
      const nodes = ids('7', 5);
      const got: string[] = [];
      for (const m of nodes) if ((await check(m, { track: ch })) !== null) got.push(m);
      assert.deepEqual(got, nodes.slice(0, 2));
      // A group paced by a reboot group that does not exist (and would not be created) grants nothing.
      const other = await channel();
      await setPolicy(other, { maxInProgress: 'reboot-slots', rebootGroup: 'no-such-group' }).expect(201);
      const granted = await check(ids('6', 1)[0]!, { track: other });
      assert.equal(granted, t.platte.config.unknownGroups === 'create' ? NEW : null);
      await setPolicy(other, { maxInProgress: 'reboot-slots' }).expect(400);
    });

    it('bad policies are a 400 naming the field, and nothing changes', async () => {
      const ch = await channel();
      await setPolicy(ch, { maxInProgress: 2 }).expect(201);
      const bad: [object, RegExp][] = [
        [{ maxInProgress: 0 }, /policy\.maxInProgress/],
        [{ maxUpdatesPerPeriod: { count: 5, period: 'often' } }, /policy\.maxUpdatesPerPeriod\.period/],
        [{ windows: [{ start: '04:00', length: '1h', zone: 'Mars/Olympus' }] }, /policy\.windows\.0/],
        [{ windows: [{ start: '25:00', length: '1h' }] }, /policy\.windows\.0/],
        [{ pinVersion: 'latest' }, /policy\.pinVersion/],
        [{ surprise: true }, /surprise/],
      ];
      for (const [policy, field] of bad) {
        const res = await setPolicy(ch, policy).expect(400);
        assert.match(JSON.stringify(res.body.error), field, JSON.stringify(res.body));
      }
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/nochannel`).set('Authorization', t.auth).send({ policy: {} }).expect(400);
      const group = (await t.http.get(`/api/v1/apps/${FLATCAR}/groups/${ch}`).set('Authorization', t.auth).expect(200)).body.group;
      assert.equal(group.policy.maxInProgress, 2);
    });
  });
}
