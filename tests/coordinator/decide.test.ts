// The pure slot decisions, called directly.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyExpiry, decideAcquire as decideIn, decideRelease, situationOf } from '../../coordinator/domain/decide.ts';
import type { GroupConfig, GroupState, Holder } from '../../coordinator/domain/types.ts';

const T = 1_000_000;
const config = (over: Partial<GroupConfig> = {}): GroupConfig => ({
  group: 'g', max: 2, paused: false, pauseReason: null, leaseSeconds: 60, leasePolicy: 'hold', windows: [], epoch: 1, autoCreated: false, createdAt: 0, updatedAt: 0, ...over,
});
const holder = (id: string, since: number, over: Partial<Holder> = {}): Holder => ({ id, fencingToken: 1, since, leaseUntil: since + 60_000, expiredAt: null, ...over });
const state = (holders: Holder[], over: Partial<GroupConfig> = {}, lastFencingToken = 5): GroupState => ({ config: config(over), holders, lastFencingToken });
const decideAcquire = (s: GroupState, id: string, now: number, open: boolean) => decideIn(situationOf(s, id), id, now, open);

it('grants the next fencing token with a lease from now', () => {
  assert.deepStrictEqual(decideAcquire(state([]), 'a', T, true), { kind: 'grant', holder: { id: 'a', fencingToken: 6, since: T, leaseUntil: T + 60_000, expiredAt: null } });
});

it('a holder asking again keeps its slot, even paused, outside the window or over max', () => {
  const s = state([holder('a', 0), holder('b', 1)], { paused: true, max: 1 });
  assert.equal(decideAcquire(s, 'a', T, false).kind, 'held');
});

it('order of refusals: paused, then window, then full (with the count)', () => {
  const s = state([holder('b', 5), holder('a', 1)], { paused: true, pauseReason: 'why' });
  assert.deepStrictEqual(decideAcquire(s, 'c', T, false), { kind: 'paused', reason: 'why' });
  assert.deepStrictEqual(decideAcquire({ ...s, config: { ...s.config, paused: false } }, 'c', T, false), { kind: 'outside-window' });
  assert.deepStrictEqual(decideAcquire({ ...s, config: { ...s.config, paused: false } }, 'c', T, true), { kind: 'full', max: 2, count: 2 });
});

it('a lowered max lets nobody in while holders exceed it; max 0 lets nobody in', () => {
  assert.equal(decideAcquire(state([holder('a', 0), holder('b', 0)], { max: 1 }), 'c', T, true).kind, 'full');
  assert.equal(decideAcquire(state([], { max: 0 }), 'c', T, true).kind, 'full');
});

it('expiry: hold marks and keeps, release drops; each holder only once', () => {
  const s = state([holder('a', 0), holder('b', T)]);
  const held = applyExpiry(s, 60_000);
  assert.deepStrictEqual(held.expired.map((e) => [e.holder.id, e.freed, e.holder.expiredAt]), [['a', false, 60_000]]);
  assert.equal(held.state.holders.length, 2);
  assert.deepStrictEqual(applyExpiry(held.state, 70_000).expired, [], 'already marked');
  const freed = applyExpiry(state([holder('a', 0)], { leasePolicy: 'release' }), 60_000);
  assert.deepStrictEqual(freed.state.holders, []);
  assert.equal(freed.expired[0]?.freed, true);
  assert.equal(applyExpiry(s, 59_999).expired.length, 0, 'not before the deadline');
});

it('release: only the holder', () => {
  assert.equal(decideRelease(situationOf(state([holder('a', 0)]), 'a').mine).kind, 'released');
  assert.deepStrictEqual(decideRelease(situationOf(state([holder('a', 0)]), 'b').mine), { kind: 'not-held' });
});
