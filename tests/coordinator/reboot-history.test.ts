// GET /api/v1/reboot-history on both stores: one node's slot lines across groups, what operators
// did, newest first across groups, the limit, the per-group search depth, and every bad query as a
// 400 in the operator API's error shape. The merge's order for lines at the same instant is checked
// on the pure function.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HISTORY_SEARCH_DEPTH, newestAcross } from '../../coordinator/history-across.ts';
import type { SlotEvent } from '../../coordinator/domain/types.ts';
import { bearer, client, onBothStores, TOKENS, type TestPlatte } from './helpers.ts';

const H = '/api/v1/reboot-history';
const G = '/api/v1/reboot-groups';
const as = (token: string) => ({ authorization: bearer(token) });

interface Line {
  group: string;
  at: string;
  event: string;
  holder?: string;
  by?: string;
  fencingToken?: number;
  detail?: string;
  max?: number;
  freed?: boolean;
}

onBothStores('rh', (kind, withPlatte) => {
  const pre = (t: TestPlatte, id: string, group: string) => t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group));
  const steady = (t: TestPlatte, id: string, group: string) => t.http.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client(id, group));
  const history = async (t: TestPlatte, query: string): Promise<Line[]> => (await t.http.get(`${H}?${query}`).set(as(TOKENS.readOnly)).expect(200)).body.events;
  const minute = (t: TestPlatte) => void (t.clock.now += 60_000);

  /** workers (max 2) and db (max 1) set up by the release bot, a node's and an operator's lines in both. */
  async function story(t: TestPlatte): Promise<void> {
    await t.http.put(`${G}/workers`).set(as(TOKENS.release)).send({ max: 2 }).expect(200); // 10:00 create + configure
    minute(t);
    await t.http.put(`${G}/db`).set(as(TOKENS.release)).send({ max: 1, lease: '10m', leasePolicy: 'release' }).expect(200); // 10:01
    minute(t);
    await pre(t, 'node-a', 'workers').expect(200); // 10:02 grant 1
    minute(t);
    await steady(t, 'node-a', 'workers').expect(200); // 10:03 release 1
    minute(t);
    await pre(t, 'node-a', 'db').expect(200); // 10:04 grant 1
    minute(t);
    await t.http.delete(`${G}/db/holders/node-a`).query({ reason: 'stuck' }).set(as(TOKENS.release)).expect(200); // 10:05
    minute(t);
    await pre(t, 'node-b', 'db').expect(200); // 10:06 grant 2
    await t.http.post(`${G}/workers/pause`).set(as(TOKENS.release)).send({ reason: 'maintenance' }).expect(200); // 10:06
    t.clock.now += 15 * 60_000;
    await t.platte.coordinator.service.sweep(); // 10:21 node-b's lease ran out: freed
    await pre(t, 'node-a', 'other').expect(200); // 10:21 created on first use by a node, grant 1
  }

  describe(`reboot history across groups (${kind} store)`, () => {
    it("node=: only that node's lines, newest first across groups, with group and fencing token", withPlatte(async (t) => {
      await story(t);
      assert.deepStrictEqual(await history(t, 'node=node-a'), [
        { group: 'other', at: '2025-01-06T10:21:00.000Z', event: 'grant', holder: 'node-a', fencingToken: 1, by: 'node' },
        { group: 'db', at: '2025-01-06T10:05:00.000Z', event: 'force-unlock', holder: 'node-a', fencingToken: 1, by: 'release-bot', detail: 'stuck' },
        { group: 'db', at: '2025-01-06T10:04:00.000Z', event: 'grant', holder: 'node-a', fencingToken: 1, by: 'node' },
        { group: 'workers', at: '2025-01-06T10:03:00.000Z', event: 'release', holder: 'node-a', fencingToken: 1, by: 'node' },
        { group: 'workers', at: '2025-01-06T10:02:00.000Z', event: 'grant', holder: 'node-a', fencingToken: 1, by: 'node' },
      ]);
      const b = await history(t, 'node=node-b');
      assert.deepStrictEqual(b.map((e) => [e.group, e.event, e.by, e.freed]), [
        ['db', 'expire', 'lease', true],
        ['db', 'grant', 'node', undefined],
      ]);
      assert.deepStrictEqual(await history(t, 'node=never-seen'), []);
    }));

    it('actions=operator: only what an operator did, in every group, newest first', withPlatte(async (t) => {
      await story(t);
      const ops = await history(t, 'actions=operator');
      assert.deepStrictEqual(ops.map((e) => [e.at.slice(11, 16), e.group, e.event, e.by]), [
        ['10:06', 'workers', 'pause', 'release-bot'],
        ['10:05', 'db', 'force-unlock', 'release-bot'],
        ['10:01', 'db', 'configure', 'release-bot'],
        ['10:01', 'db', 'create', 'release-bot'],
        ['10:00', 'workers', 'configure', 'release-bot'],
        ['10:00', 'workers', 'create', 'release-bot'],
      ]);
      assert.equal(ops[0]?.detail, 'reason: maintenance');
      assert.equal(ops[2]?.max, 1);
      assert.ok(!ops.some((e) => e.group === 'other'), 'a group created on first use is a node\'s doing');
    }));

    it('limit: the newest n lines across groups', withPlatte(async (t) => {
      await story(t);
      const two = await history(t, 'actions=operator&limit=2');
      assert.deepStrictEqual(two.map((e) => e.event), ['pause', 'force-unlock']);
      assert.equal((await history(t, 'node=node-a&limit=1'))[0]?.group, 'other');
      assert.equal((await history(t, 'node=node-a&limit=500')).length, 5);
    }));

    it(`searches only the newest ${HISTORY_SEARCH_DEPTH} lines of each group`, withPlatte(async (t) => {
      await pre(t, 'early', 'busy').expect(200);
      await steady(t, 'early', 'busy').expect(200);
      // 2 lines each, then a grant: 199 lines newer than early's release, which is line 200.
      for (let i = 0; i < HISTORY_SEARCH_DEPTH / 2 - 1; i++) {
        minute(t);
        await pre(t, 'churn', 'busy').expect(200);
        await steady(t, 'churn', 'busy').expect(200);
      }
      await pre(t, 'churn', 'busy').expect(200);
      assert.deepStrictEqual((await history(t, 'node=early')).map((e) => e.event), ['release'], 'the grant is line 201');
      minute(t);
      await steady(t, 'churn', 'busy').expect(200);
      assert.deepStrictEqual(await history(t, 'node=early'), []);
      const group = await t.http.get(`${G}/busy?history=1000`).set(as(TOKENS.readOnly)).expect(200);
      assert.ok(group.body.history.some((e: Line) => e.holder === 'early'), 'the group itself still keeps the lines');
    }));

    it('needs a token; any role may read', withPlatte(async (t) => {
      await t.http.get(`${H}?actions=operator`).expect(401);
      await t.http.get(`${H}?actions=operator`).set(as(TOKENS.readOnly)).expect(200);
    }));

    it('bad queries are a 400 in the API error shape', withPlatte(async (t) => {
      const bad: [string, RegExp][] = [
        ['', /exactly one of node=<id> and actions=operator/],
        ['limit=5', /exactly one of/],
        ['node=a&actions=operator', /exactly one of/],
        ['actions=all', /actions must be operator/],
        ['actions=operator&actions=operator', /actions must be given once/],
        ['node=a&node=b', /node must be given once/],
        ['node=', /node must be given once, not empty/],
        ['node', /node must be given once, not empty/],
        [`node=${'x'.repeat(257)}`, /node is longer than 256 characters/],
        ['node=a%01b', /node must not contain control characters/],
        ['node=%ED%A0%80', /not valid percent-encoded UTF-8/],
        ['node=a%zz', /not valid percent-encoded UTF-8/],
        ['node=a&group=db', /unknown query parameter "group"/],
        ['actions=operator&Limit=3', /unknown query parameter "Limit"/],
        ['actions=operator&limit=0', /limit must be a whole number from 1 to 500/],
        ['actions=operator&limit=501', /limit must be a whole number/],
        ['actions=operator&limit=1e2', /limit must be a whole number/],
        ['actions=operator&limit=-1', /limit must be a whole number/],
        ['actions=operator&limit=%205', /limit must be a whole number/],
        ['actions=operator&limit=2&limit=3', /limit must be given once/],
      ];
      for (const [query, message] of bad) {
        const res = await t.http.get(`${H}?${query}`).set(as(TOKENS.readOnly));
        assert.equal(res.status, 400, `${query}: ${res.status} ${res.text}`);
        assert.equal(res.body.error.code, 'bad_request', query);
        assert.match(res.body.error.message, message, query);
      }
    }));
  });
});

describe('newestAcross', () => {
  const line = (at: number, event: SlotEvent['event'], by: string, holder?: string): SlotEvent => ({ at, event, by, ...(holder ? { holder } : {}) });

  it('orders lines at the same instant by group name, then as their group listed them', () => {
    const perGroup = new Map<string, SlotEvent[]>([
      ['web', [line(5, 'release', 'node', 'n'), line(5, 'grant', 'node', 'n')]],
      ['db', [line(5, 'force-unlock', 'ops', 'n'), line(4, 'grant', 'node', 'n')]],
      ['api', [line(6, 'grant', 'node', 'n'), line(1, 'grant', 'node', 'm')]],
    ]);
    const got = newestAcross(perGroup, { node: 'n' }, 10).map((e) => `${e.at} ${e.group} ${e.event}`);
    assert.deepStrictEqual(got, ['6 api grant', '5 db force-unlock', '5 web release', '5 web grant', '4 db grant']);
    assert.equal(newestAcross(perGroup, { node: 'n' }, 2).length, 2);
  });

  it('an operator is any actor but node, omaha and lease; a line without actor is nobody', () => {
    const lines = [line(4, 'release', 'omaha', 'n'), line(3, 'expire', 'lease', 'n'), line(2, 'configure', 'alice'), line(1, 'grant', 'node', 'n'), { at: 0, event: 'grant' as const }];
    const got = newestAcross(new Map([['g', lines]]), { actions: 'operator' }, 10);
    assert.deepStrictEqual(got.map((e) => e.by), ['alice']);
  });
});
