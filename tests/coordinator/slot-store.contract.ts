// The slot-store contract: the embedded and the Redis adapter both run every case here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlotEvent } from '../../coordinator/domain/types.ts';
import { parseWindow } from '../../kernel/time/window-parse.ts';
import { DEFAULT_STORE_OPTIONS, type SlotStore, type SlotStoreOptions } from '../../coordinator/store/types.ts';

/** Monday 2025-01-06 10:00 UTC. */
export const T0 = Date.parse('2025-01-06T10:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const NODE = { event: 'release', by: 'node' } as const;

export interface OpenedStores {
  store: SlotStore;
  /** Another store on the same backend, as a second Platte process would have. */
  another(): Promise<SlotStore>;
  cleanup(): Promise<void>;
}
export type OpenSlotStore = (opts: SlotStoreOptions) => Promise<OpenedStores>;

export function storeOptions(over: Partial<SlotStoreOptions> = {}): SlotStoreOptions {
  return {
    ...DEFAULT_STORE_OPTIONS,
    createUnknownGroups: true,
    defaults: { max: 1, leaseSeconds: 3600, leasePolicy: 'hold' },
    ...over,
  };
}

const events = (h: SlotEvent[]) => h.map((e) => `${e.event}${e.holder ? ` ${e.holder}` : ''}${e.fencingToken ? ` #${e.fencingToken}` : ''}`);

export function runSlotStoreContract(name: string, open: OpenSlotStore): void {
  const test = (title: string, fn: (s: OpenedStores) => Promise<void>, over: Partial<SlotStoreOptions> = {}) =>
    it(title, async () => {
      const opened = await open(storeOptions(over));
      try {
        await fn(opened);
      } finally {
        await opened.cleanup();
      }
    });

  describe(`slot store contract: ${name}`, () => {
    test('a group created on first use starts with the defaults and grants fencing token 1', async ({ store }) => {
      const out = await store.acquire('default', 'a', T0);
      assert.deepStrictEqual(out, {
        result: { kind: 'granted', holder: { id: 'a', fencingToken: 1, since: T0, leaseUntil: T0 + 3600_000, expiredAt: null } },
        expired: [],
      });
      const snap = await store.read('default', { historyLimit: 10, waitingSince: 0 });
      assert.ok(snap);
      assert.equal(snap.config.max, 1);
      assert.equal(snap.config.leasePolicy, 'hold');
      assert.equal(snap.config.paused, false);
      assert.deepStrictEqual(snap.config.windows, []);
      assert.equal(snap.lastFencingToken, 1);
      assert.deepStrictEqual(events(snap.history), ['grant a #1', 'create']);
      assert.equal(snap.history[1]?.max, 1);
      assert.deepStrictEqual(await store.listGroups(), ['default']);
    });

    test('unknown groups are refused when so configured', async ({ store }) => {
      assert.deepStrictEqual(await store.acquire('nope', 'a', T0), { result: { kind: 'unknown-group' }, expired: [] });
      assert.deepStrictEqual(await store.release('nope', 'a', T0, NODE), { kind: 'unknown-group' });
      assert.equal(await store.read('nope', { historyLimit: 10, waitingSince: 0 }), null);
      assert.deepStrictEqual(await store.listGroups(), []);
      assert.equal(await store.configure('nope', { max: 2 }, T0, 'op', false), null);
      const cfg = await store.configure('nope', { max: 2 }, T0, 'op', true);
      assert.equal(cfg?.max, 2);
      assert.equal((await store.acquire('nope', 'a', T0)).result.kind, 'granted');
    }, { createUnknownGroups: false });

    test('groups created on first use are capped; operator groups do not count; configuring one frees its place', async ({ store }) => {
      assert.equal((await store.acquire('a1', 'n', T0)).result.kind, 'granted');
      assert.equal((await store.acquire('a2', 'n', T0)).result.kind, 'granted');
      assert.deepStrictEqual(await store.acquire('a3', 'n', T0), { result: { kind: 'unknown-group', limit: 2 }, expired: [] });
      assert.deepStrictEqual(await store.release('a3', 'n', T0, NODE), { kind: 'unknown-group' });
      assert.equal(await store.read('a3', { historyLimit: 10, waitingSince: 0 }), null, 'nothing written');
      await store.configure('ops', { max: 3 }, T0, 'op', true);
      assert.equal((await store.acquire('ops', 'n', T0)).result.kind, 'granted', 'operator groups are not capped');
      assert.deepStrictEqual(await store.listGroups(), ['a1', 'a2', 'ops']);
      assert.equal((await store.read('a1', { historyLimit: 0, waitingSince: 0 }))!.config.autoCreated, true);
      assert.equal((await store.read('ops', { historyLimit: 0, waitingSince: 0 }))!.config.autoCreated, false);
      const taken = await store.configure('a1', { max: 2 }, T0 + 1, 'op', false);
      assert.equal(taken?.autoCreated, false, 'an operator took a1 over');
      assert.equal((await store.acquire('a3', 'n', T0 + 2)).result.kind, 'granted');
      assert.equal((await store.acquire('a4', 'n', T0 + 2)).result.kind, 'unknown-group');
    }, { maxAutoGroups: 2 });

    test('the cap holds across processes: 20 first pre-reboots of distinct groups at once create exactly the cap', async ({ store, another }) => {
      const other = await another();
      const res = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).acquire(`g${i}`, 'n', T0)));
      const granted = res.filter((r) => r.result.kind === 'granted').length;
      assert.equal(granted, 5);
      assert.equal(res.filter((r) => r.result.kind === 'unknown-group' && r.result.limit === 5).length, 15);
      assert.equal((await store.listGroups()).length, 5);
      assert.equal((await other.listGroups()).length, 5);
    }, { maxAutoGroups: 5 });

    test('a group created on first use is forgotten a day after its last holder left; holders and operators keep groups', async ({ store, another }) => {
      const H = 3600_000;
      await store.acquire('idle', 'a', T0);
      await store.acquire('idle', 'b', T0 + 1);
      await store.acquire('busy', 'a', T0);
      await store.acquire('conf', 'a', T0);
      await store.configure('conf', { max: 1 }, T0 + 1, 'op', false);
      await store.configure('ops', { max: 1 }, T0, 'op', true);
      await store.release('idle', 'a', T0 + H, NODE);
      await store.release('conf', 'a', T0 + H, NODE);
      assert.deepStrictEqual(await store.forgetIdle(T0 + H + DAY - 1), []);
      const other = await another();
      assert.deepStrictEqual(await other.forgetIdle(T0 + H + DAY), ['idle'], 'any process sweeps');
      assert.deepStrictEqual(await store.forgetIdle(T0 + H + DAY), [], 'once');
      assert.equal(await store.read('idle', { historyLimit: 10, waitingSince: 0 }), null);
      assert.deepStrictEqual(await store.listGroups(), ['busy', 'conf', 'ops'], 'busy has a holder (its lease ran out: still a holder)');
      // Forgotten is gone: created anew, with its own history, waiting list and fencing tokens.
      const again = await store.acquire('idle', 'c', T0 + H + DAY + 1);
      assert.equal(again.result.kind === 'granted' && again.result.holder.fencingToken, 1);
      const snap = await store.read('idle', { historyLimit: 10, waitingSince: 0 });
      assert.deepStrictEqual(events(snap!.history), ['grant c #1', 'create']);
      assert.deepStrictEqual(snap!.waiting, []);
      // busy's last holder leaves on day 2: forgotten a day after that, not a day after the sweep looked at it.
      await store.release('busy', 'a', T0 + 2 * DAY, NODE);
      assert.deepStrictEqual(await store.forgetIdle(T0 + 3 * DAY - 1), []);
      assert.deepStrictEqual(await other.forgetIdle(T0 + 3 * DAY), ['busy']);
      assert.deepStrictEqual(await store.forgetIdle(T0 + 30 * DAY), [], 'idle has a holder again; conf and ops were configured: kept for good');
      assert.deepStrictEqual(await store.listGroups(), ['conf', 'idle', 'ops']);
    }, { autoGroupIdleMs: DAY });

    test('a forgotten group frees its place under the cap', async ({ store }) => {
      await store.acquire('one', 'a', T0);
      await store.release('one', 'a', T0, NODE);
      assert.equal((await store.acquire('two', 'a', T0)).result.kind, 'unknown-group');
      assert.deepStrictEqual(await store.forgetIdle(T0 + DAY), ['one']);
      assert.equal((await store.acquire('two', 'a', T0 + DAY)).result.kind, 'granted');
    }, { maxAutoGroups: 1, autoGroupIdleMs: DAY });

    test('owned and recursive: asking again keeps the slot, others cannot release it', async ({ store }) => {
      await store.acquire('g', 'a', T0);
      const again = await store.acquire('g', 'a', T0 + MIN);
      assert.equal(again.result.kind, 'held');
      assert.equal(again.result.kind === 'held' && again.result.holder.fencingToken, 1);
      assert.equal(again.result.kind === 'held' && again.result.holder.since, T0, 'since is not reset');
      assert.deepStrictEqual(await store.release('g', 'b', T0, NODE), { kind: 'not-held' });
      const full = await store.acquire('g', 'b', T0 + MIN);
      assert.equal(full.result.kind, 'full');
      const rel = await store.release('g', 'a', T0 + 2 * MIN, NODE);
      assert.equal(rel.kind, 'released');
      assert.deepStrictEqual(await store.release('g', 'a', T0 + 2 * MIN, NODE), { kind: 'not-held' }, 'unbalanced release is fine');
      const b = await store.acquire('g', 'b', T0 + 3 * MIN);
      assert.equal(b.result.kind === 'granted' && b.result.holder.fencingToken, 2, 'fencing token grows');
      const snap = await store.read('g', { historyLimit: 10, waitingSince: 0 });
      assert.deepStrictEqual(events(snap!.history), ['grant b #2', 'release a #1', 'grant a #1', 'create']);
      assert.equal(snap!.history[1]?.by, 'node');
    });

    test('full names how many hold and the oldest holders', async ({ store }) => {
      await store.configure('g', { max: 4 }, T0, 'op', true);
      for (const [i, id] of ['d', 'b', 'c', 'a'].entries()) await store.acquire('g', id, T0 + i * MIN);
      const out = await store.acquire('g', 'e', T0 + 10 * MIN);
      assert.equal(out.result.kind, 'full');
      if (out.result.kind !== 'full') return;
      assert.equal(out.result.max, 4);
      assert.equal(out.result.count, 4);
      assert.deepStrictEqual(out.result.holders.map((h) => [h.id, h.since]), [['d', T0], ['b', T0 + MIN], ['c', T0 + 2 * MIN]]);
    });

    test('max changes take effect at once, also for another process', async ({ store, another }) => {
      const other = await another();
      await store.configure('g', { max: 2 }, T0, 'op', true);
      await store.acquire('g', 'a', T0);
      await store.acquire('g', 'b', T0);
      assert.equal((await other.acquire('g', 'c', T0)).result.kind, 'full');
      await other.configure('g', { max: 3 }, T0 + 1, 'op', false);
      assert.equal((await store.acquire('g', 'c', T0 + 2)).result.kind, 'granted', 'raising lets a waiting node in');
      await store.configure('g', { max: 1 }, T0 + 3, 'op', false);
      assert.equal((await other.acquire('g', 'd', T0 + 4)).result.kind, 'full');
      await store.release('g', 'a', T0 + 5, NODE);
      await store.release('g', 'b', T0 + 5, NODE);
      assert.equal((await other.acquire('g', 'd', T0 + 6)).result.kind, 'full', 'still c holds one of 1');
      await store.release('g', 'c', T0 + 7, NODE);
      assert.equal((await other.acquire('g', 'd', T0 + 8)).result.kind, 'granted');
      const snap = await store.read('g', { historyLimit: 100, waitingSince: 0 });
      assert.deepStrictEqual(snap!.history.filter((e) => e.event === 'configure').map((e) => e.max), [1, 3, 2]);
    });

    test('pause refuses new holders but not a holder asking again; resume lets them in', async ({ store, another }) => {
      await store.configure('g', { max: 5 }, T0, 'op', true);
      await store.acquire('g', 'a', T0);
      const other = await another();
      await other.configure('g', { paused: true, pauseReason: 'incident 42' }, T0 + 1, 'alice', false);
      assert.deepStrictEqual((await store.acquire('g', 'b', T0 + 2)).result, { kind: 'paused', reason: 'incident 42' });
      assert.equal((await store.acquire('g', 'a', T0 + 2)).result.kind, 'held');
      const cfg = await store.configure('g', { paused: false }, T0 + 3, 'alice', false);
      assert.equal(cfg?.paused, false);
      assert.equal(cfg?.pauseReason, null);
      assert.equal((await other.acquire('g', 'b', T0 + 4)).result.kind, 'granted');
      const snap = await store.read('g', { historyLimit: 100, waitingSince: 0 });
      const pause = snap!.history.find((e) => e.event === 'pause');
      assert.equal(pause?.by, 'alice');
      assert.match(pause?.detail ?? '', /incident 42/);
      assert.ok(snap!.history.some((e) => e.event === 'resume'));
    });

    test('windows: closed → outside-window; a change made by another process applies at once', async ({ store, another }) => {
      const other = await another();
      // T0 is Monday 10:00 UTC.
      const thu = parseWindow({ start: 'Thu 04:00', length: '1h', zone: 'UTC' });
      await store.configure('g', { max: 3, windows: [thu] }, T0, 'op', true);
      const out = await other.acquire('g', 'a', T0);
      assert.deepStrictEqual(out.result, { kind: 'outside-window', windows: [thu] });
      const thursday = Date.parse('2025-01-09T04:30:00Z');
      assert.equal((await other.acquire('g', 'a', thursday)).result.kind, 'granted');
      const monday = parseWindow({ days: 'Mon', start: '09:30', length: '1h', zone: 'UTC' });
      await store.configure('g', { windows: [thu, monday] }, T0, 'op', false);
      assert.equal((await other.acquire('g', 'b', T0)).result.kind, 'granted', 'other process sees the new window');
      await store.configure('g', { windows: [thu] }, T0, 'op', false);
      assert.equal((await other.acquire('g', 'c', T0)).result.kind, 'outside-window', 'and its removal');
      assert.equal((await other.acquire('g', 'b', T0)).result.kind, 'held', 'a holder asking again is not refused');
    });

    test('lease policy hold: expiry is marked and recorded, the slot stays until the node or an operator acts', async ({ store }) => {
      await store.configure('g', { max: 1, leaseSeconds: 600 }, T0, 'op', true);
      await store.acquire('g', 'a', T0);
      const later = T0 + 600_000;
      const out = await store.acquire('g', 'b', later);
      assert.equal(out.result.kind, 'full');
      assert.deepStrictEqual(out.expired, [
        { holder: { id: 'a', fencingToken: 1, since: T0, leaseUntil: T0 + 600_000, expiredAt: later }, freed: false },
      ]);
      if (out.result.kind === 'full') assert.equal(out.result.holders[0]?.expiredAt, later);
      assert.deepStrictEqual((await store.acquire('g', 'c', later + 1)).expired, [], 'expired once only');
      assert.deepStrictEqual(await store.expireDue(later + 2), [], 'the sweep finds nothing left');
      const snap = await store.read('g', { historyLimit: 100, waitingSince: 0 });
      assert.equal(snap!.holders[0]?.expiredAt, later);
      const exp = snap!.history.find((e) => e.event === 'expire');
      assert.deepStrictEqual(exp, { at: later, event: 'expire', holder: 'a', fencingToken: 1, by: 'lease', freed: false });
      assert.equal((await store.release('g', 'a', later + 3, { event: 'release', by: 'omaha', detail: 'now on 4000.0.0' })).kind, 'released');
      assert.equal((await store.acquire('g', 'b', later + 4)).result.kind, 'granted');
    });

    test('lease policy release: the slot is freed in the same step that grants the next node', async ({ store }) => {
      await store.configure('g', { max: 1, leaseSeconds: 600, leasePolicy: 'release' }, T0, 'op', true);
      await store.acquire('g', 'a', T0);
      const out = await store.acquire('g', 'b', T0 + 600_000);
      assert.equal(out.result.kind, 'granted');
      assert.equal(out.expired.length, 1);
      assert.equal(out.expired[0]?.freed, true);
      assert.deepStrictEqual((await store.release('g', 'a', T0 + 600_001, NODE)), { kind: 'not-held' }, 'late steady-state is a no-op');
      const snap = await store.read('g', { historyLimit: 100, waitingSince: 0 });
      assert.deepStrictEqual(events(snap!.history).slice(0, 2), ['grant b #2', 'expire a #1']);
      assert.equal(snap!.history[1]?.freed, true);
    });

    test('the sweep processes due leases in every group', async ({ store }) => {
      await store.configure('x', { leaseSeconds: 60 }, T0, 'op', true);
      await store.configure('y', { leaseSeconds: 120, leasePolicy: 'release' }, T0, 'op', true);
      await store.acquire('x', 'a', T0);
      await store.acquire('y', 'b', T0);
      assert.deepStrictEqual(await store.expireDue(T0 + 59_999), []);
      const first = await store.expireDue(T0 + 60_000);
      assert.deepStrictEqual(first.map((e) => [e.group, e.holder.id, e.freed]), [['x', 'a', false]]);
      const second = await store.expireDue(T0 + 200_000);
      assert.deepStrictEqual(second.map((e) => [e.group, e.holder.id, e.freed]), [['y', 'b', true]]);
      assert.deepStrictEqual(await store.expireDue(T0 + 300_000), []);
      const x = await store.read('x', { historyLimit: 0, waitingSince: 0 });
      assert.equal(x!.holders.length, 1);
      assert.equal(x!.holders[0]?.expiredAt, T0 + 60_000);
      assert.equal((await store.read('y', { historyLimit: 0, waitingSince: 0 }))!.holders.length, 0);
    });

    test('force-unlock is recorded with the operator', async ({ store }) => {
      await store.acquire('g', 'a', T0);
      const out = await store.release('g', 'a', T0 + 1, { event: 'force-unlock', by: 'alice', detail: 'node is gone' });
      assert.equal(out.kind, 'released');
      const snap = await store.read('g', { historyLimit: 1, waitingSince: 0 });
      assert.deepStrictEqual(snap!.history, [{ at: T0 + 1, event: 'force-unlock', holder: 'a', fencingToken: 1, by: 'alice', detail: 'node is gone' }]);
    });

    test('waiting nodes: refused ones are listed with why, newest first, until granted', async ({ store }) => {
      await store.acquire('g', 'a', T0);
      await store.acquire('g', 'b', T0 + 1);
      await store.acquire('g', 'c', T0 + 2);
      await store.configure('g', { paused: true }, T0 + 3, 'op', false);
      await store.acquire('g', 'b', T0 + 4);
      let snap = await store.read('g', { historyLimit: 0, waitingSince: 0 });
      assert.deepStrictEqual(snap!.waiting, [
        { id: 'b', lastSeen: T0 + 4, reason: 'paused' },
        { id: 'c', lastSeen: T0 + 2, reason: 'full' },
      ]);
      assert.deepStrictEqual((await store.read('g', { historyLimit: 0, waitingSince: T0 + 3 }))!.waiting.map((w) => w.id), ['b']);
      await store.configure('g', { paused: false, max: 2 }, T0 + 5, 'op', false);
      await store.acquire('g', 'b', T0 + 6);
      snap = await store.read('g', { historyLimit: 0, waitingSince: 0 });
      assert.deepStrictEqual(snap!.waiting.map((w) => w.id), ['c']);
    });

    test('history and waiting lists are capped', async ({ store }) => {
      await store.configure('g', { max: 1000 }, T0, 'op', true);
      for (let i = 0; i < 300; i++) {
        await store.acquire('g', `n${i}`, T0 + i);
        await store.release('g', `n${i}`, T0 + i, NODE);
      }
      const snap = await store.read('g', { historyLimit: 10_000, waitingSince: 0 });
      assert.ok(snap!.history.length >= 100 && snap!.history.length <= 100 + 64, `history kept ${snap!.history.length}`);
      assert.deepStrictEqual(events(snap!.history.slice(0, 2)), ['release n299 #300', 'grant n299 #300']);
      await store.configure('g', { max: 0 }, T0, 'op', false);
      for (let i = 0; i < 300; i++) await store.acquire('g', `w${i}`, T0 + i);
      const w = await store.read('g', { historyLimit: 0, waitingSince: 0 });
      assert.ok(w!.waiting.length >= 50 && w!.waiting.length <= 50 + 64, `waiting kept ${w!.waiting.length}`);
      assert.equal(w!.waiting[0]?.id, 'w299');
    }, { historyCap: 100, waitingCap: 50 });

    test('holder → group index and target versions', async ({ store }) => {
      await store.acquire('x', 'm1', T0);
      await store.acquire('y', 'm1', T0);
      await store.acquire('y', 'm2', T0);
      assert.deepStrictEqual(await store.groupsHeldBy('m1'), ['x', 'y']);
      assert.deepStrictEqual(await store.groupsHeldBy('m3'), []);
      await store.rememberTarget('m1', '4081.2.0', T0);
      const t = await store.targetsOf(['m1', 'm2'], T0 + 1);
      assert.deepStrictEqual([...t], [['m1', '4081.2.0']]);
    });

    test('ids with quotes, backslashes, colons, spaces and non-ASCII survive in holders and history', async ({ store }) => {
      const odd = ['a"b', 'c\\d', 'e:f:1:2', 'g h', 'knödel-ü', '{grp:x}', '</script>'];
      await store.configure('g', { max: 100 }, T0, 'op', true);
      for (const id of odd) assert.equal((await store.acquire('g', id, T0)).result.kind, 'granted', id);
      const snap = await store.read('g', { historyLimit: 100, waitingSince: 0 });
      assert.deepStrictEqual(snap!.holders.map((h) => h.id).sort(), [...odd].sort());
      assert.deepStrictEqual(snap!.history.filter((e) => e.event === 'grant').map((e) => e.holder).sort(), [...odd].sort());
      for (const id of odd) assert.equal((await store.release('g', id, T0, { event: 'release', by: 'op "x"', detail: 'why: "because"' })).kind, 'released', id);
      const after = await store.read('g', { historyLimit: 1, waitingSince: 0 });
      assert.deepStrictEqual(after!.history[0], { at: T0, event: 'release', holder: odd.at(-1), fencingToken: odd.length, by: 'op "x"', detail: 'why: "because"' });
    });

    test('200 concurrent pre-reboots over two processes: exactly max granted, everyone else full', async ({ store, another }) => {
      const other = await another();
      await store.configure('g', { max: 7 }, T0, 'op', true);
      const res = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? store : other).acquire('g', `n${i}`, T0)),
      );
      const kinds = res.map((r) => r.result.kind);
      assert.equal(kinds.filter((k) => k === 'granted').length, 7);
      assert.equal(kinds.filter((k) => k === 'full').length, 193);
      const tokens = res.flatMap((r) => (r.result.kind === 'granted' ? [r.result.holder.fencingToken] : [])).sort((a, b) => a - b);
      assert.deepStrictEqual(tokens, [1, 2, 3, 4, 5, 6, 7]);
      const snap = await store.read('g', { historyLimit: 0, waitingSince: 0 });
      assert.equal(snap!.holders.length, 7);
    });

    // The change counter (etcd's modifiedIndex for locksmith): 1 at creation, one up per change of
    // holders or configuration, unmoved by anything else, the same seen from another process.
    test('revision: 1 when created, one up for every change of holders or configuration, nothing else', async ({ store, another }) => {
      const other = await another();
      const rev = async (s = store) => (await s.read('g', { historyLimit: 0, waitingSince: 0 }))!.revision;
      assert.equal((await store.acquire('g', 'a', T0)).result.kind, 'granted');
      assert.equal(await rev(), 2, 'create + grant');
      assert.equal((await store.acquire('g', 'a', T0)).result.kind, 'held');
      assert.equal((await store.acquire('g', 'b', T0)).result.kind, 'full');
      assert.equal((await store.release('g', 'b', T0, NODE)).kind, 'not-held');
      assert.equal(await rev(), 2, 'a holder asking again, a refusal and a release of nothing change nothing');
      await other.configure('g', { max: 2 }, T0 + 1, 'op', false);
      assert.equal(await rev(), 3, 'configure');
      assert.equal((await other.acquire('g', 'b', T0 + 2)).result.kind, 'granted');
      assert.equal(await rev(other), 4, 'grant');
      await store.configure('g', { paused: true }, T0 + 3, 'op', false);
      await store.configure('g', { paused: false }, T0 + 4, 'op', false);
      assert.equal(await rev(), 6, 'pause and resume');
      await store.expireDue(T0 + 3600_000 + 10);
      assert.equal(await rev(), 8, 'two leases marked expired (policy hold): two changes');
      await store.expireDue(T0 + 7200_000);
      assert.equal(await rev(), 8, 'a sweep with nothing due');
      assert.equal((await store.release('g', 'a', T0 + 5, { event: 'force-unlock', by: 'op' })).kind, 'released');
      assert.equal((await other.release('g', 'b', T0 + 6, NODE)).kind, 'released');
      assert.equal(await rev(other), 10, 'force-unlock and release');
      const snap = await store.read('g', { historyLimit: 1000, waitingSince: 0 });
      assert.equal(snap!.history.length, snap!.revision, 'one history line per change');
    });

    test('revision: a lease freed on the way to a grant counts, in the same step', async ({ store }) => {
      await store.configure('g', { max: 1, leasePolicy: 'release' }, T0, 'op', true);
      await store.acquire('g', 'a', T0);
      const before = (await store.read('g', { historyLimit: 0, waitingSince: 0 }))!.revision;
      assert.equal((await store.acquire('g', 'b', T0 + 3600_000)).result.kind, 'granted');
      assert.equal((await store.read('g', { historyLimit: 0, waitingSince: 0 }))!.revision, before + 2, 'expire (freed) + grant');
    });

    test('createOnFirstUse: a group with the defaults, marked created on first use, no slot taken; once', async ({ store, another }) => {
      const other = await another();
      const made = await Promise.all([store.createOnFirstUse('g', T0), other.createOnFirstUse('g', T0), store.createOnFirstUse('g', T0)]);
      assert.deepStrictEqual(made.map((r) => r.kind).sort(), ['created', 'exists', 'exists']);
      const snap = await store.read('g', { historyLimit: 10, waitingSince: 0 });
      assert.ok(snap);
      assert.equal(snap.revision, 1);
      assert.equal(snap.config.max, 1);
      assert.equal(snap.config.autoCreated, true);
      assert.deepStrictEqual(snap.holders, []);
      assert.deepStrictEqual(events(snap.history), ['create']);
      assert.deepStrictEqual(await store.listGroups(), ['g']);
      assert.equal((await store.acquire('g', 'a', T0)).result.kind, 'granted');
      assert.equal((await store.read('g', { historyLimit: 0, waitingSince: 0 }))!.revision, 2);
      await store.configure('ops', { max: 3 }, T0, 'op', true);
      assert.deepStrictEqual(await store.createOnFirstUse('ops', T0), { kind: 'exists' }, 'an operator group exists');
    });

    test('createOnFirstUse: counts against the cap; refused groups stay unwritten; forgotten when idle', async ({ store }) => {
      assert.deepStrictEqual(await store.createOnFirstUse('a1', T0), { kind: 'created' });
      assert.deepStrictEqual(await store.createOnFirstUse('a2', T0), { kind: 'created' });
      assert.deepStrictEqual(await store.createOnFirstUse('a3', T0), { kind: 'unknown-group', limit: 2 });
      assert.deepStrictEqual((await store.acquire('a4', 'n', T0)).result, { kind: 'unknown-group', limit: 2 });
      assert.equal(await store.read('a3', { historyLimit: 10, waitingSince: 0 }), null);
      assert.deepStrictEqual(await store.forgetIdle(T0 + DAY + MIN), ['a1', 'a2']);
      assert.deepStrictEqual(await store.createOnFirstUse('a3', T0 + DAY + MIN), { kind: 'created' });
      assert.equal((await store.read('a3', { historyLimit: 0, waitingSince: 0 }))!.revision, 1);
    }, { maxAutoGroups: 2 });

    test('createOnFirstUse: nothing is created when unknown groups are refused', async ({ store }) => {
      assert.deepStrictEqual(await store.createOnFirstUse('g', T0), { kind: 'unknown-group' });
      assert.equal(await store.read('g', { historyLimit: 10, waitingSince: 0 }), null);
      assert.deepStrictEqual(await store.listGroups(), []);
      await store.configure('g', {}, T0, 'op', true);
      assert.deepStrictEqual(await store.createOnFirstUse('g', T0), { kind: 'exists' });
    }, { createUnknownGroups: false });
  });
}
