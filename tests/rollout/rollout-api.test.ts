// Rollouts end to end through the JSON API and the Omaha endpoint, on both stores: sticky percent
// steps, the step and halt rules (run as the job runs them), pause/resume/advance/abort with
// rollback, pulled versions, downgrades, floors, missing architectures, the dry run, and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bucketOf } from '../../server/domain/rollout/bucket.ts';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte, STORE_KINDS, type TestPlatte } from '../helpers/platte.ts';

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const HOUR = 3_600_000;
const machines = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(32, '0'));
const inPercent = (p: number) => machines.filter((m) => bucketOf(FLATCAR, m) < p / 100);

async function check(t: TestPlatte, machineid: string, o: { version?: string; board?: string; events?: { type: number; result: number; errorcode?: number; previousversion?: string }[] } = {}) {
  const res = await t.http.post('/v1/update/').send(ueRequest({ machineid, version: o.version ?? OLD, ...(o.board ? { board: o.board } : {}), ...(o.events ? { events: o.events } : {}) })).expect(200);
  const app = (await readAnswer(res.text)).apps[0]!;
  return app.updatecheck === 'ok' ? app.manifestVersion : null;
}

async function granted(t: TestPlatte, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const m of ids) if ((await check(t, m)) !== null) out.push(m);
  return out;
}

const api = (t: TestPlatte) => ({
  promote: (body: object, channel = 'stable') => t.http.put(`/api/v1/apps/${FLATCAR}/channels/${channel}`).set('Authorization', t.auth).send(body),
  rollout: (channel = 'stable') => t.http.get(`/api/v1/apps/${FLATCAR}/channels/${channel}/rollout`).set('Authorization', t.auth),
  act: (action: string, body: object = {}) => t.http.post(`/api/v1/apps/${FLATCAR}/channels/stable/rollout/${action}`).set('Authorization', t.auth).send(body),
  pull: (version: string, reason = 'bad kernel') => t.http.post(`/api/v1/apps/${FLATCAR}/packages/${version}/pull`).set('Authorization', t.auth).send({ reason }),
  channel: () => t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', t.auth),
});

const PLAN = { steps: [{ percent: 10, soak: '1h' }, { percent: 50, soak: '1h', successThreshold: 50 }, { percent: 100, soak: 0 }], haltOn: { failurePercent: 30 } };

for (const kind of STORE_KINDS) {
  describe(`rollouts (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: [OLD, NEW, '3700.0.0'], channelVersion: OLD });
    });
    after(() => t.close());

    it('offers the version step by step to the same sticky nodes; the step rule opens the next step after soak and threshold', async () => {
      const a = api(t);
      const r = await a.promote({ version: NEW, rollout: PLAN }).expect(200);
      assert.equal(r.body.rollout.state, 'running');
      assert.equal(r.body.previous, OLD);
      const ten = inPercent(10);
      assert.deepEqual(await granted(t, machines), ten, 'exactly the nodes whose bucket is below 0.10');
      let view = (await a.rollout().expect(200)).body.rollout;
      assert.equal(view.state, 'running');
      assert.equal(view.percent, 10);
      assert.equal(view.counts.granted, ten.length);
      assert.equal(view.counts.eligible, machines.length, 'every node is still below the version');
      // The others are held back, counted by why (h/ counters), in the view and the summary.
      assert.deepEqual(view.heldBack, { 'rollout-percent': machines.length - ten.length });
      assert.equal(view.counts.rebooting, 0, 'no node holds a reboot slot');
      const summary = (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body;
      assert.deepEqual(summary.heldBack, { stable: { 'rollout-percent': machines.length - ten.length } });
      assert.deepEqual(summary.rebooting, {});
      assert.deepEqual(view.steps.map((s: { state: string }) => s.state), ['open', 'pending', 'pending']);
      assert.equal(view.waiting.for, 'soaking');

      await t.platte.rollouts.evaluate();
      assert.equal((await a.rollout()).body.rollout.stepIndex, 0, 'not soaked yet');
      t.advance(HOUR);
      await t.platte.rollouts.evaluate();
      view = (await a.rollout()).body.rollout;
      assert.equal(view.stepIndex, 1);
      assert.equal(view.percent, 50);
      const fifty = inPercent(50);
      assert.deepEqual(await granted(t, machines), fifty, 'the first step\'s nodes stay in');
      // Granted nodes left the held-back count at their check; the rest are still held.
      view = (await a.rollout()).body.rollout;
      assert.deepEqual(view.heldBack, { 'rollout-percent': machines.length - fifty.length });

      // Step 2 needs half of its granted nodes complete.
      t.advance(HOUR);
      await t.platte.rollouts.evaluate();
      view = (await a.rollout()).body.rollout;
      assert.equal(view.stepIndex, 1);
      assert.equal(view.waiting.for, 'success-threshold');
      for (const m of fifty.slice(0, Math.ceil(fifty.length / 2))) await check(t, m, { version: NEW, events: [{ type: 3, result: 2, previousversion: OLD }] });
      await t.platte.rollouts.evaluate();
      view = (await a.rollout()).body.rollout;
      assert.equal(view.stepIndex, 2);
      assert.ok(view.counts.complete >= fifty.length / 2);
      await t.platte.rollouts.evaluate();
      view = (await a.rollout()).body.rollout;
      assert.equal(view.state, 'completed');
      assert.deepEqual(view.history.map((h: { action: string }) => h.action), ['start', 'step', 'step', 'complete']);
      assert.ok(view.history.every((h: { by: string; why: string }) => h.by && h.why));
    });

    it('pause and resume hold and release new grants; advance opens the next step; abort with rollback offers the previous version back', async () => {
      const a = api(t);
      await a.promote({ version: '3700.0.0', rollout: PLAN }).expect(200);
      const fresh = machines.slice(0, 40);
      await a.act('pause', { why: 'looking at a report' }).expect(200);
      assert.deepEqual(await granted(t, fresh.map((m) => `b${m.slice(1)}`)), [], 'a paused rollout grants nothing');
      assert.equal((await a.act('pause').expect(409)).body.error.code, 'conflict');
      await a.act('resume').expect(200);
      const adv = await a.act('advance', { why: 'canaries look fine' }).expect(200);
      assert.equal(adv.body.rollout.percent, 50);
      assert.equal(adv.body.rollout.history.at(-1).why, 'canaries look fine');
      await a.act('advance', { rollback: true }).expect(400);
      const ab = await a.act('abort', { rollback: true }).expect(200);
      assert.equal(ab.body.rollout.state, 'aborted');
      const ch = (await a.channel().expect(200)).body.channel;
      assert.equal(ch.version, NEW, 'the previous version is promoted back');
      assert.equal(ch.allowDowngrade, true);
      assert.equal(await check(t, machines[0]!, { version: '3700.0.0' }), NEW, 'a node on the aborted version is offered the previous one');
      assert.equal((await a.act('resume').expect(404)).body.error.code, 'not_found', 'the channel no longer runs that rollout');
    });

    it('halts by itself when failures pass haltOn, and says why; a halted rollout grants nothing', async () => {
      const a = api(t);
      await a.promote({ version: '3700.0.0', allowDowngrade: false, rollout: { steps: [{ percent: 50, soak: '1h' }, { percent: 100, soak: 0 }], haltOn: { failures: 3 } } }).expect(200);
      const took = await granted(t, machines.slice(0, 60));
      assert.ok(took.length >= 10);
      for (const m of took.slice(0, 3)) await check(t, m, { events: [{ type: 3, result: 0, errorcode: 9 }] });
      await t.platte.rollouts.evaluate();
      const view = (await a.rollout()).body.rollout;
      assert.equal(view.state, 'halted');
      assert.match(view.haltReason, /3 of \d+ granted nodes failed/);
      assert.deepEqual(view.failures.byCode, [{ code: 9, name: 'download-transfer-error', count: 3 }], 'failures grouped by error code, with its name');
      assert.equal(view.history.at(-1).by, 'rule:halt-on');
      assert.deepEqual(await granted(t, machines.slice(60)), []);
      // The failed nodes check again and are held back: they stay failed, so the count stays.
      for (const m of took.slice(0, 3)) assert.equal(await check(t, m), null);
      assert.equal((await a.rollout()).body.rollout.failures.total, 3);
      await a.act('abort').expect(200);
      // Promoted again: the failures of the aborted rollout are not this one's.
      await a.promote({ version: '3700.0.0', rollout: { steps: [{ percent: 50, soak: '1h' }, { percent: 100, soak: 0 }], haltOn: { failures: 3 } } }).expect(200);
      await t.platte.rollouts.evaluate();
      const again = (await a.rollout()).body.rollout;
      assert.equal(again.state, 'running');
      assert.equal(again.failures.counted, 0);
      await a.act('abort').expect(200);
    });

    it('a pulled version is never offered again, halts its rollout for good, and cannot be promoted', async () => {
      const a = api(t);
      await a.promote({ version: OLD, allowDowngrade: true }).expect(200);
      await a.promote({ version: '3700.0.0', rollout: PLAN }).expect(200);
      const r = await a.pull('3700.0.0').expect(200);
      assert.deepEqual(r.body.haltedRollouts, ['stable']);
      assert.equal(r.body.pulled.reason, 'bad kernel');
      assert.equal((await a.rollout()).body.rollout.pulled, true);
      assert.deepEqual(await granted(t, machines.slice(0, 50)), []);
      assert.match((await a.act('resume').expect(409)).body.error.message, /pulled/);
      assert.match((await a.promote({ version: '3700.0.0' }).expect(409)).body.error.message, /pulled/);
      await a.pull('3700.0.0').expect(409);
      await a.pull('9.9.9').expect(404);
      const list = await t.http.get(`/api/v1/apps/${FLATCAR}/pulled`).set('Authorization', t.auth).expect(200);
      assert.deepEqual(list.body.pulled.map((p: { version: string }) => p.version), ['3700.0.0']);
    });

    it('refuses a downgrade without allowDowngrade; floors are offered first, one per check', async () => {
      const a = api(t);
      await a.promote({ version: OLD, allowDowngrade: true }).expect(200);
      await a.promote({ version: NEW }).expect(200);
      assert.match((await a.promote({ version: OLD }).expect(409)).body.error.message, /older than the channel's/);
      // floors: a node at 3374 goes through 3510 first
      await a.promote({ version: NEW, floors: [OLD] }).expect(200);
      assert.equal(await check(t, 'f'.repeat(32), { version: '3374.2.0' }), OLD);
      assert.equal(await check(t, 'f'.repeat(32), { version: OLD }), NEW);
    });

    it('refuses a version with no build for an arch the channel\'s nodes run, unless allowMissingArch; the dry run changes nothing', async () => {
      const a = api(t);
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', t.auth).send({ name: 'edge' }).expect(201);
      await a.promote({ version: OLD }, 'edge').expect(200);
      const arm = 'e'.repeat(32);
      await t.http.post('/v1/update/').send(ueRequest({ machineid: arm, track: 'edge', board: 'arm64-usr' })).expect(200);
      const dry = await a.promote({ version: NEW, dryRun: true, rollout: PLAN }, 'edge').expect(200);
      assert.equal(dry.body.dryRun, true);
      assert.deepEqual(dry.body.missingArches, [{ arch: 'arm64', nodes: 1 }]);
      assert.deepEqual(dry.body.steps.map((s: { percent: number }) => s.percent), [10, 50, 100]);
      assert.equal(dry.body.eligible, 1);
      assert.match(dry.body.refused, /arm64 \(1 node\)/);
      const edge = (await t.http.get(`/api/v1/apps/${FLATCAR}/channels/edge`).set('Authorization', t.auth)).body.channel;
      assert.equal(edge.version, OLD, 'the dry run changed nothing');
      assert.match((await a.promote({ version: NEW }, 'edge').expect(409)).body.error.message, /no package for arm64 \(1 node\)/);
      await a.promote({ version: NEW, allowMissingArch: true }, 'edge').expect(200);
    });

    it('a canary is in from a 0 % first step; held nodes show why on their instance', async () => {
      const a = api(t);
      await a.promote({ version: OLD, allowDowngrade: true }).expect(200);
      const canary = 'c'.repeat(32);
      const put = await t.http.put(`/api/v1/apps/${FLATCAR}/instances/${canary}`).set('Authorization', t.auth).send({ canary: true }).expect(200);
      assert.deepEqual(put.body, { machineId: canary, canary: true, changed: true });
      await a.promote({ version: NEW, rollout: { steps: [{ percent: 0, soak: '1h' }, { percent: 100, soak: 0 }] } }).expect(200);
      assert.equal(await check(t, canary), NEW, 'the canary is in the 0 % step');
      const other = machines[0]!;
      assert.equal(await check(t, other), null);
      const inst = (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${other}`).set('Authorization', t.auth).expect(200)).body.instance;
      assert.equal(inst.held, 'rollout-percent');
      assert.equal(inst.canary, false);
      const c = (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${canary}`).set('Authorization', t.auth).expect(200)).body.instance;
      assert.equal(c.canary, true);
      assert.equal(c.held, '');
      await a.act('pause').expect(200);
      await check(t, other);
      assert.equal((await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${other}`).set('Authorization', t.auth)).body.instance.held, 'rollout-paused');
      await t.http.put(`/api/v1/apps/${FLATCAR}/instances/${canary}`).set('Authorization', t.auth).send({ canary: 'yes' }).expect(400);
      await t.http.put(`/api/v1/apps/${FLATCAR}/instances/bad%20id`).set('Authorization', t.auth).send({ canary: true }).expect(400);
      await a.act('abort').expect(200);
    });

    it('bad input is a 400 naming the field, and nothing changes', async () => {
      const a = api(t);
      const before = (await a.channel()).body.channel;
      const bad: [object, RegExp][] = [
        [{ version: NEW, rollout: PLAN, extra: 1 }, /extra/],
        [{ version: NEW, rollout: { steps: [{ percent: 150, soak: 0 }] } }, /rollout\.steps\.0\.percent/],
        [{ version: NEW, rollout: { steps: [{ percent: 50, soak: 0 }, { percent: 20, soak: 0 }, { percent: 100, soak: 0 }] } }, /rollout\.steps\.1\.percent/],
        [{ version: NEW, rollout: { steps: [{ percent: 100, soak: 'soon' }] } }, /rollout\.steps\.0\.soak/],
        [{ version: NEW, rollout: { linear: { startPercent: 5, duration: '2x' } } }, /rollout\.linear\.duration/],
        [{ version: NEW, rollout: { steps: [{ percent: 100, soak: 0 }], haltOn: { failurePercent: 0 } } }, /rollout\.haltOn\.failurePercent/],
      ];
      for (const [body, field] of bad) {
        const res = await a.promote(body).expect(400);
        assert.match(JSON.stringify(res.body.error), field, JSON.stringify(res.body));
      }
      await a.act('pause', { why: 'x', extra: true }).expect(400);
      await a.pull(NEW, '').expect(400);
      await t.http.post(`/api/v1/apps/${FLATCAR}/packages/not-a-version/pull`).set('Authorization', t.auth).send({ reason: 'x' }).expect(400);
      assert.deepEqual((await a.channel()).body.channel, before);
    });
  });
}
