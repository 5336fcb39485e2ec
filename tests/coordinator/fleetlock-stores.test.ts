// FleetLock over HTTP on both stores, for what depends on the store underneath: ids that are not
// well-formed Unicode (Redis would merge them), the cap on groups created on first use, and
// forgetting such groups once they stayed idle for a day.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../platte/config.ts';
import { bearer, client, onBothStores, TOKENS, type TestPlatte } from './helpers.ts';

const G = '/api/v1/reboot-groups';
const DAY = 86_400_000;
onBothStores('fs', (kind, withPlatte) => {
  const fl = (t: TestPlatte, op: 'pre-reboot' | 'steady-state', id: string, group = 'default') =>
    t.http.post(`/v1/${op}`).set('fleet-lock-protocol', 'true').send(client(id, group));
  const look = (t: TestPlatte, path = '') => t.http.get(`${G}${path}`).set('authorization', bearer(TOKENS.readOnly));
  const groupNames = async (t: TestPlatte) => (await look(t).expect(200)).body.groups.map((g: { group: string }) => g.group);

  describe(`FleetLock on the ${kind} store`, () => {
    it('ids with lone surrogates are refused before the store sees them: no two nodes share one slot', withPlatte(async (t) => {
      // On Redis, node\ud800, node\udbff and node\udc00 all become the same bytes (U+FFFD in UTF-8):
      // the second would be told it already holds the first one's slot, the third could release it.
      for (const id of ['node\ud800', 'node\udbff', 'node\udc00', '\ud83d']) {
        for (const op of ['pre-reboot', 'steady-state'] as const) {
          const res = await fl(t, op, id).expect(400);
          assert.deepStrictEqual(res.body, { kind: 'bad_request', value: 'client_params.id must be well-formed Unicode (it has a lone surrogate)' });
        }
      }
      await look(t, '/default').expect(404);
      assert.deepStrictEqual(await groupNames(t), [], 'nothing was written');
      await fl(t, 'pre-reboot', 'node\ud83d\ude00').expect(200, /"already_held":false/);
      await fl(t, 'pre-reboot', 'other').expect(409);
      const view = await look(t, '/default').expect(200);
      assert.deepStrictEqual(view.body.holders.map((h: { id: string }) => h.id), ['node\ud83d\ude00'], 'a well-formed pair is an ordinary character');
    }));

    it('an operator pause reason that is not well-formed Unicode is a 400', withPlatte(async (t) => {
      const res = await t.http.post(`${G}/default/pause`).set('authorization', bearer(TOKENS.release)).send({ reason: 'INC-\ud800' }).expect(400);
      assert.match(res.body.error.message, /reason: not well-formed Unicode/);
      await look(t, '/default').expect(404);
    }));

    it('groups created on first use are capped; beyond the cap: unknown_group; operator groups do not count', withPlatte(async (t) => {
      await t.http.put(`${G}/ops`).set('authorization', bearer(TOKENS.release)).send({ max: 2 }).expect(200);
      for (const g of ['g1', 'g2', 'g3']) await fl(t, 'pre-reboot', 'a', g).expect(200);
      const res = await fl(t, 'pre-reboot', 'a', 'g4').expect(404);
      assert.deepStrictEqual(res.body, {
        kind: 'unknown_group',
        value: 'group "g4" does not exist and this server already has 3 groups created on first use (--max-auto-groups); an operator can create it',
      });
      await fl(t, 'pre-reboot', 'b', 'g1').expect(409, /slots_full/);
      await fl(t, 'pre-reboot', 'a', 'ops').expect(200);
      assert.deepStrictEqual(await groupNames(t), ['g1', 'g2', 'g3', 'ops']);
      const g1 = await look(t, '/g1').expect(200);
      assert.equal(g1.body.autoCreated, true);
      assert.equal((await look(t, '/ops').expect(200)).body.autoCreated, false);
      // An operator taking over g1 frees its place under the cap.
      const taken = await t.http.put(`${G}/g1`).set('authorization', bearer(TOKENS.release)).send({ max: 1 }).expect(200);
      assert.equal(taken.body.autoCreated, false);
      await fl(t, 'pre-reboot', 'a', 'g4').expect(200);
      await fl(t, 'pre-reboot', 'a', 'g5').expect(404);
    }, { maxAutoGroups: 3 }));

    it('an auto-created group idle for a day (no holder, no configuration) is forgotten by the sweep', withPlatte(async (t) => {
      await fl(t, 'pre-reboot', 'a', 'idle').expect(200);
      await fl(t, 'pre-reboot', 'a', 'busy').expect(200);
      await fl(t, 'pre-reboot', 'a', 'kept').expect(200);
      await t.http.post(`${G}/kept/pause`).set('authorization', bearer(TOKENS.release)).expect(200);
      t.clock.now += 3600_000;
      for (const g of ['idle', 'kept']) await fl(t, 'steady-state', 'a', g).expect(200, /"released":true/);
      t.clock.now += DAY - 1;
      await t.platte.coordinator.service.sweep();
      assert.deepStrictEqual(await groupNames(t), ['busy', 'idle', 'kept'], 'not yet a full day since the release');
      t.clock.now += 1;
      await t.platte.coordinator.service.sweep();
      assert.deepStrictEqual(await groupNames(t), ['busy', 'kept'], 'a holder keeps a group; so does an operator having touched it');
      await look(t, '/idle').expect(404);
      // Forgotten means gone: the next pre-reboot creates it anew, history and fencing tokens from scratch.
      const again = await fl(t, 'pre-reboot', 'b', 'idle').expect(200);
      assert.equal(again.body.fencing_token, 1);
      const view = await look(t, '/idle').expect(200);
      assert.deepStrictEqual(view.body.history.map((e: { event: string }) => e.event), ['grant', 'create']);
    }, { maxAutoGroups: 3 }));

    it('a forgotten group frees its place under the cap', withPlatte(async (t) => {
      await fl(t, 'pre-reboot', 'a', 'one').expect(200);
      await fl(t, 'steady-state', 'a', 'one').expect(200);
      await fl(t, 'pre-reboot', 'a', 'two').expect(404);
      t.clock.now += DAY;
      await t.platte.coordinator.service.sweep();
      await fl(t, 'pre-reboot', 'a', 'two').expect(200);
      assert.deepStrictEqual(await groupNames(t), ['two']);
    }, { maxAutoGroups: 1 }));
  });
});

describe('--max-auto-groups / PLATTE_MAX_AUTO_GROUPS', () => {
  it('defaults to 100; flag over environment; a bad value names both', () => {
    assert.equal(loadConfig({}, {}).maxAutoGroups, 100);
    assert.equal(loadConfig({}, { PLATTE_MAX_AUTO_GROUPS: '7' }).maxAutoGroups, 7);
    assert.equal(loadConfig({ maxAutoGroups: '0' }, { PLATTE_MAX_AUTO_GROUPS: '7' }).maxAutoGroups, 0);
    assert.throws(() => loadConfig({ maxAutoGroups: '-1' }, {}), (e: Error) => e instanceof ConfigError && /--max-auto-groups \/ PLATTE_MAX_AUTO_GROUPS/.test(e.message));
  });
});
