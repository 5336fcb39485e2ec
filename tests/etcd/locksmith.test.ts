// locksmith's exact sequence over HTTP against Platte on both stores: lock, recursive lock, unlock,
// set-max, an operator's unlock of another id, odd group names, pause and windows showing
// semaphore 0, basic auth and roles, and the same slots seen through FleetLock, the etcd view and
// the operator API at every step. Also the Omaha completion hook freeing a locksmith slot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR } from '../helpers/platte.ts';
import { bearer, client, onBothStores, TOKENS, type TestPlatte } from '../coordinator/helpers.ts';
import { basic, serve, type Served } from './helpers.ts';
import { EtcdFailure, LocalRefusal, type LocksmithClient } from './locksmith-client.ts';

const G = '/api/v1/reboot-groups';
const MACHINE = '5f1e2d3c4b5a69788796a5b4c3d2e1f0';

async function refusedLocally(work: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(work, (e: unknown) => e instanceof LocalRefusal && e.message === message);
}

async function failsWith(work: Promise<unknown>, status: number, errorCode: number, cause?: RegExp): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof EtcdFailure, String(e));
    assert.equal(e.reply.status, status, JSON.stringify(e.reply.body));
    assert.equal(e.errorCode, errorCode);
    if (cause) assert.match(String(e.reply.body.cause), cause);
    return true;
  });
}

/**
 * The same group seen through the three surfaces agrees: the etcd document's holders are the
 * operator API's, its semaphore the API's available slots (0 while paused or outside the window),
 * and FleetLock tells each of them it already holds (a pre-reboot by a holder changes nothing).
 */
async function agree(t: TestPlatte, lock: LocksmithClient, group = 'default'): Promise<string[]> {
  const doc = await lock.status();
  const view = (await t.http.get(`${G}/${group}`).set('authorization', bearer(TOKENS.readOnly)).expect(200)).body;
  const holders = (view.holders as { id: string }[]).map((h) => h.id).sort();
  assert.deepStrictEqual(doc.holders ?? [], holders, 'etcd holders = operator API holders');
  assert.equal(doc.max, view.max);
  assert.equal(doc.semaphore, view.paused || !view.windowOpen ? 0 : view.available, 'etcd semaphore = available slots');
  const before = (await t.platte.coordinator.service.slotState(group))!.revision;
  for (const id of holders) {
    const pre = await t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group)).expect(200);
    assert.equal(pre.body.already_held, true, `FleetLock: ${id} holds`);
  }
  assert.equal((await t.platte.coordinator.service.slotState(group))!.revision, before, 'looking through FleetLock changed nothing');
  return holders;
}

async function served(t: TestPlatte, fn: (s: Served) => Promise<void>): Promise<void> {
  const s = await serve(t);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

onBothStores('lsm', (kind, withPlatte) => {
  describe(`locksmith against Platte (${kind} store)`, () => {
    it('lock, lock again, lock at 0, unlock, unlock again: as locksmithctl says, and every surface agrees', withPlatte((t) => served(t, async (s) => {
      const lsm = s.client();
      assert.deepStrictEqual(await lsm.status(), { semaphore: 1, max: 1, holders: [] }, 'status creates the group on first use');
      const created = await t.platte.coordinator.service.view('default', 10);
      assert.equal(created?.autoCreated, true);
      assert.deepStrictEqual(created?.history.map((e) => e.event), ['create']);
      await lsm.lock(MACHINE);
      assert.deepStrictEqual(await agree(t, lsm), [MACHINE]);
      await refusedLocally(lsm.lock(MACHINE), 'semaphore is at 0');
      await refusedLocally(lsm.lock('mach-b'), 'semaphore is at 0');
      const full = await t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client('mach-b')).expect(409);
      assert.equal(full.body.kind, 'slots_full');
      await lsm.unlock(MACHINE);
      assert.deepStrictEqual(await agree(t, lsm), []);
      await refusedLocally(lsm.unlock(MACHINE), 'holder does not exist');
      const view = await t.platte.coordinator.service.view('default', 10);
      assert.deepStrictEqual(view?.history.map((e) => [e.event, e.holder ?? '', e.by]), [
        ['release', MACHINE, 'node'],
        ['grant', MACHINE, 'node'],
        ['create', '', 'node'],
      ]);
      // Slots taken through FleetLock show in the etcd document and go back through it, and the reverse.
      await t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client('zincati-1')).expect(200);
      assert.deepStrictEqual(await agree(t, lsm), ['zincati-1']);
      await lsm.unlock('zincati-1');
      await lsm.lock('mach-c');
      await t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client('mach-c')).expect(200, /"released":true/);
      assert.deepStrictEqual(await agree(t, lsm), []);
    })));

    it('set-max and unlocking another id need an operator token; a node token acts for the id it names', withPlatte((t) => served(t, async (s) => {
      const anonymous = s.client();
      const node = s.client({ user: MACHINE, password: TOKENS.readOnly });
      const ops = s.client({ user: 'alice', password: TOKENS.release });
      await anonymous.status();
      const revision = async () => (await t.platte.coordinator.service.slotState('default'))!.revision;
      const before = await revision();
      await failsWith(anonymous.setMax(3), 401, 110, /release role/);
      await failsWith(node.setMax(3), 403, 110, /this one has read-only/);
      assert.equal(await revision(), before, 'nothing written');
      assert.equal(await ops.setMax(3), 1, 'Old-Max: 1');
      assert.deepStrictEqual(await agree(t, ops), []);
      await node.lock(MACHINE);
      await refusedLocally(node.lock(MACHINE), 'holder exists');
      await failsWith(node.lock('mach-b'), 403, 110, /only the slot of the id it names/);
      await anonymous.lock('mach-b');
      await failsWith(node.unlock('mach-b'), 403, 110, /"mach-b" needs the release role/);
      assert.deepStrictEqual(await agree(t, ops), [MACHINE, 'mach-b'].sort());
      await ops.unlock('mach-b');
      await node.unlock(MACHINE);
      assert.deepStrictEqual(await agree(t, ops), []);
      const view = await t.platte.coordinator.service.view('default', 10);
      assert.deepStrictEqual(view?.history.slice(0, 2).map((e) => [e.event, e.holder, e.by, e.detail]), [
        ['release', MACHINE, 'node', undefined],
        ['force-unlock', 'mach-b', 'release-bot', 'locksmith unlock'],
      ]);
      assert.equal(view?.history.find((e) => e.event === 'configure')?.by, 'release-bot');
      // Unknown or malformed credentials are refused even where none are needed.
      await failsWith(s.client({ user: MACHINE, password: 'not-a-token-0000000000' }).status(), 401, 110, /unknown or revoked/);
      const bad = await s.raw('GET', '/v2/keys/coreos.com/updateengine/rebootlock/semaphore', '', { authorization: 'Bearer x' });
      assert.equal(bad.status, 401);
    })));

    it('--etcd-auth required: nothing without a token', withPlatte((t) => served(t, async (s) => {
      await failsWith(s.client().status(), 401, 110, /credentials required/);
      const get = await s.raw('GET', '/v2/keys/coreos.com/updateengine/rebootlock/semaphore');
      assert.equal(get.status, 401);
      const node = s.client({ user: MACHINE, password: TOKENS.readOnly });
      await node.lock(MACHINE);
      assert.deepStrictEqual((await node.status()).holders, [MACHINE]);
    }), { etcdAuth: 'required' }));

    it('the plain key is the group --etcd-default-group names', withPlatte((t) => served(t, async (s) => {
      await s.client().lock(MACHINE);
      const view = await t.platte.coordinator.service.view('fleet', 0);
      assert.deepStrictEqual(view?.holders.map((h) => h.id), [MACHINE]);
      assert.equal(await t.platte.coordinator.service.view('default', 0), null);
    }), { etcdDefaultGroup: 'fleet' }));

    it('--unknown-groups refuse: locksmith cannot create a group; one an operator made works', withPlatte((t) => served(t, async (s) => {
      const lsm = s.client({ group: 'db' });
      await failsWith(lsm.status(), 404, 100, /group "db" does not exist \(this server does not create groups on first use\)/);
      assert.deepStrictEqual(await t.platte.coordinator.service.list(), []);
      await t.http.put(`${G}/db`).set('authorization', bearer(TOKENS.release)).send({ max: 2 }).expect(200);
      await lsm.lock(MACHINE);
      assert.deepStrictEqual(await agree(t, lsm, 'db'), [MACHINE]);
    }), { unknownGroups: 'refuse' }));

    it('--max-auto-groups: past the cap, a new group is refused and nothing is written', withPlatte((t) => served(t, async (s) => {
      await s.client({ group: 'a1' }).status();
      await failsWith(s.client({ group: 'a2' }).status(), 404, 100, /already has 1 groups created on first use \(--max-auto-groups\)/);
      assert.deepStrictEqual((await t.platte.coordinator.service.list()).map((g) => g.group), ['a1']);
    }), { maxAutoGroups: 1 }));

    it('groups: --group web-eu is the reboot group web-eu; odd names work and stay apart', withPlatte((t) => served(t, async (s) => {
      const web = s.client({ group: 'web-eu' });
      await web.lock(MACHINE);
      assert.deepStrictEqual(await agree(t, web, 'web-eu'), [MACHINE]);
      assert.deepStrictEqual((await s.client().status()).holders, [], 'the default group is another one');
      const names = ['web eu/1+é%', 'a"b', '{grp:x}', '🚀 rocket', '%2F'];
      for (const group of names) {
        const lsm = s.client({ group });
        await lsm.lock(`m-${group}`);
        await refusedLocally(lsm.lock('other'), 'semaphore is at 0');
        assert.deepStrictEqual((await lsm.status()).holders, [`m-${group}`]);
      }
      for (const group of names) {
        const view = await t.platte.coordinator.service.view(group, 0);
        assert.deepStrictEqual(view?.holders.map((h) => h.id), [`m-${group}`], group);
        await s.client({ group }).unlock(`m-${group}`);
        assert.deepStrictEqual((await t.platte.coordinator.service.view(group, 0))?.holders, []);
      }
      const listed = (await t.http.get(G).set('authorization', bearer(TOKENS.readOnly)).expect(200)).body.groups as { group: string }[];
      assert.deepStrictEqual(listed.map((g) => g.group).sort(), ['default', 'web-eu', ...names].sort());
    })));

    it('paused or outside its window, the document shows semaphore 0 and locksmith waits without writing', withPlatte((t) => served(t, async (s) => {
      const auth = { authorization: bearer(TOKENS.release) };
      const lsm = s.client();
      await t.http.put(`${G}/default`).set(auth).send({ max: 2 }).expect(200);
      await lsm.lock('m1');
      await t.http.post(`${G}/default/pause`).set(auth).send({ reason: 'INC-7' }).expect(200);
      assert.deepStrictEqual(await lsm.status(), { semaphore: 0, max: 2, holders: ['m1'] });
      const writes = () => lsm.log.filter((r) => r.method === 'PUT' && r.status !== 412).length;
      const before = writes();
      await refusedLocally(lsm.lock('m2'), 'semaphore is at 0');
      assert.equal(writes(), before, 'no write');
      // A client that writes anyway is refused by the coordinator's own rule.
      const { index } = await lsm.get();
      await failsWith(lsm.set({ semaphore: 0, max: 2, holders: ['m1', 'm2'] }, index), 412, 101, /paused by an operator: INC-7/);
      await lsm.unlock('m1');
      assert.deepStrictEqual(await agree(t, lsm), []);
      await t.http.post(`${G}/default/resume`).set(auth).expect(200);
      assert.equal((await lsm.status()).semaphore, 2);
      // Monday 10:00 UTC now; the window is Thursday 04:00 for an hour.
      await t.http.put(`${G}/default`).set(auth).send({ windows: [{ start: 'Thu 04:00', length: '1h', zone: 'UTC' }] }).expect(200);
      assert.deepStrictEqual(await lsm.status(), { semaphore: 0, max: 2, holders: [] });
      await refusedLocally(lsm.lock('m2'), 'semaphore is at 0');
      const late = await lsm.get();
      await failsWith(lsm.set({ semaphore: 1, max: 2, holders: ['m2'] }, late.index), 412, 101, /outside its reboot window; the next window opens 2025-01-09T04:00:00.000Z/);
      t.clock.now = Date.parse('2025-01-09T04:30:00Z');
      assert.equal((await lsm.status()).semaphore, 2, 'the window is open');
      await lsm.lock('m2');
      assert.deepStrictEqual(await agree(t, lsm), ['m2']);
    })));

    it('a stale index fails as etcd says it; a lowered max shows 0 free and takes no new holder', withPlatte((t) => served(t, async (s) => {
      const ops = s.client({ user: 'alice', password: TOKENS.release });
      const a = s.client();
      await ops.setMax(3);
      await a.lock('m1');
      await a.lock('m2');
      const stale = await a.get();
      await a.lock('m3');
      const now = (await a.get()).index;
      await failsWith(a.set({ semaphore: 0, max: 3, holders: ['m1', 'm2', 'm4'] }, stale.index), 412, 101, new RegExp(`^\\[${stale.index} != ${now}\\]$`));
      assert.equal(await ops.setMax(1), 3);
      assert.deepStrictEqual(await a.status(), { semaphore: 0, max: 1, holders: ['m1', 'm2', 'm3'] });
      await a.unlock('m1');
      await a.unlock('m2');
      await refusedLocally(a.lock('m4'), 'semaphore is at 0');
      await a.unlock('m3');
      assert.deepStrictEqual(await a.status(), { semaphore: 1, max: 1, holders: [] });
    })));

    it('leases: an expired holder (hold) stays in the document; policy release frees it on the sweep', withPlatte((t) => served(t, async (s) => {
      const lsm = s.client();
      await lsm.lock('m1');
      t.clock.now += 3600_000 + 1;
      await t.platte.coordinator.sweep();
      assert.deepStrictEqual((await lsm.status()).holders, ['m1']);
      await t.http.put(`${G}/default`).set('authorization', bearer(TOKENS.release)).send({ leasePolicy: 'release' }).expect(200);
      await lsm.unlock('m1');
      await lsm.lock('m2');
      const before = (await lsm.get()).index;
      t.clock.now += 3600_000 + 1;
      await t.platte.coordinator.sweep();
      const after = await lsm.get();
      assert.deepStrictEqual(after.sem, { semaphore: 1, max: 1, holders: [] });
      assert.equal(after.index, before + 1, 'the expiry is a change');
    })));

    it('Omaha completion: the node that comes back on the new version gives its locksmith slot back', withPlatte((t) => served(t, async (s) => {
      const auth = { authorization: bearer(TOKENS.admin) };
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
      const omaha = (body: string) => t.http.post('/v1/update/').set('content-type', 'text/xml').send(body).expect(200);
      const offer = await readAnswer((await omaha(ueRequest({ machineid: MACHINE, version: '3510.2.0' }))).text);
      assert.equal(offer.apps[0]?.manifestVersion, '3602.2.0');
      const lsm = s.client({ group: 'workers' });
      await lsm.lock(MACHINE);
      assert.equal((await t.platte.coordinator.service.view('workers', 0))?.holders[0]?.targetVersion, '3602.2.0');
      // locksmithd rebooted; before it unlocks, update_engine reports the new version.
      await omaha(ueRequest({ machineid: MACHINE, version: '3602.2.0', updatecheck: false, events: [{ type: 3, result: 2, previousversion: '3510.2.0' }] }));
      assert.deepStrictEqual(await lsm.status(), { semaphore: 1, max: 1, holders: [] });
      const view = await t.platte.coordinator.service.view('workers', 1);
      assert.deepStrictEqual([view?.history[0]?.event, view?.history[0]?.by], ['release', 'omaha']);
      // locksmithd's own unlock on boot then finds nothing to give back, as after any unlock.
      await refusedLocally(lsm.unlock(MACHINE), 'holder does not exist');
    })));
  });
});
