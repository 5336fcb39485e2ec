// Model test: random sequences of pre-reboot, steady-state, configuration changes, clock jumps and
// sweeps run against an in-memory model built only from domain/decide.ts, and against both stores.
// Every answer and every holder list must match the model step by step, so the Lua scripts cannot
// drift from the pure decisions.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { applyExpiry, decideAcquire, decideRelease, situationOf, type Expiry } from '../../coordinator/domain/decide.ts';
import type { GroupChange, GroupState } from '../../coordinator/domain/types.ts';
import { parseWindow } from '../../kernel/time/window-parse.ts';
import { isOpen } from '../../kernel/time/windows.ts';
import { createEmbeddedSlotStore } from '../../coordinator/store/embedded/index.ts';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import type { SlotStore, SlotStoreOptions } from '../../coordinator/store/types.ts';
import { openMemoryBackend } from '../../kernel/storage/backend.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { storeOptions, T0 } from './slot-store.contract.ts';

const GROUP = 'g';
const NODES = ['a', 'b', 'c', 'd', 'e'];
const WINDOWS = [[], [parseWindow({ days: 'Mon-Fri', start: '08:00', length: '3h', zone: 'Europe/Berlin' })], [parseWindow({ start: '00:00', length: '30m' })]];

/** Expiries as comparable [id, freed, expiredAt] rows; the order within one step carries no meaning. */
const expiredList = (xs: readonly Expiry[]) => xs.map((e) => [e.holder.id, e.freed, e.holder.expiredAt]).sort();

/** The reference: domain decisions applied to a plain object. */
function createModel(opts: SlotStoreOptions) {
  let state: GroupState | null = null;
  const ensure = (now: number): GroupState =>
    (state ??= {
      config: { group: GROUP, max: opts.defaults.max, paused: false, pauseReason: null, leaseSeconds: opts.defaults.leaseSeconds, leasePolicy: opts.defaults.leasePolicy, windows: [], epoch: 1, autoCreated: true, createdAt: now, updatedAt: now },
      holders: [],
      lastFencingToken: 0,
    });
  return {
    acquire(id: string, now: number) {
      const expiry = applyExpiry(ensure(now), now);
      state = expiry.state;
      const d = decideAcquire(situationOf(state, id), id, now, isOpen(state.config.windows, now));
      if (d.kind === 'grant') state = { ...state, holders: [...state.holders, d.holder], lastFencingToken: d.holder.fencingToken };
      return { kind: d.kind === 'grant' ? 'granted' : d.kind, fencingToken: 'holder' in d ? d.holder.fencingToken : null, expired: expiredList(expiry.expired) };
    },
    release(id: string) {
      if (!state) return 'unknown-group';
      const d = decideRelease(situationOf(state, id).mine);
      if (d.kind === 'released') state = { ...state, holders: state.holders.filter((h) => h.id !== id) };
      return d.kind;
    },
    configure(change: GroupChange, now: number) {
      const s = ensure(now);
      state = { ...s, config: { ...s.config, ...change, pauseReason: change.paused === false ? null : (change.pauseReason ?? s.config.pauseReason) } };
    },
    sweep(now: number) {
      if (!state) return [];
      const out = applyExpiry(state, now);
      state = out.state;
      return expiredList(out.expired);
    },
    holders: () => (state?.holders ?? []).map((h) => [h.id, h.fencingToken, h.since, h.leaseUntil, h.expiredAt]).sort(),
  };
}

/** What the random runs reached, so a test can prove every branch was exercised. */
const seen = new Set<string>();

async function runRandom(store: SlotStore, seed: number, steps: number): Promise<void> {
  const rng = xoroshiro128plus(seed);
  const pick = <T>(xs: readonly T[]): T => xs[uniformInt(rng, 0, xs.length - 1)] as T;
  const opts = storeOptions();
  const model = createModel(opts);
  let now = T0;
  for (let step = 0; step < steps; step++) {
    const where = `seed ${seed} step ${step}`;
    const roll = uniformInt(rng, 0, 99);
    if (roll < 45) {
      const id = pick(NODES);
      const got = await store.acquire(GROUP, id, now);
      const want = model.acquire(id, now);
      seen.add(want.kind);
      for (const [, freed] of want.expired) seen.add(freed ? 'expired-freed' : 'expired-held');
      const gotToken = 'holder' in got.result ? got.result.holder.fencingToken : null;
      assert.deepStrictEqual(
        { kind: got.result.kind, fencingToken: gotToken, expired: expiredList(got.expired) },
        want,
        `${where}: acquire ${id}`,
      );
    } else if (roll < 75) {
      const id = pick(NODES);
      assert.equal((await store.release(GROUP, id, now, { event: 'release', by: 'node' })).kind, model.release(id), `${where}: release ${id}`);
    } else if (roll < 85) {
      const change: GroupChange = pick<GroupChange>([
        { max: uniformInt(rng, 0, 4) },
        { paused: true, pauseReason: 'x' },
        { paused: false },
        { leasePolicy: pick(['hold', 'release'] as const) },
        { leaseSeconds: pick([60, 600, 3600]) },
        { windows: pick(WINDOWS) },
      ]);
      await store.configure(GROUP, change, now, 'op', true);
      model.configure(change, now);
    } else if (roll < 91) {
      now += uniformInt(rng, 0, 1800) * 1000;
    } else {
      if (uniformInt(rng, 0, 1) === 1) now += uniformInt(rng, 0, 3600) * 1000;
      const got = await store.expireDue(now);
      const want = model.sweep(now);
      for (const [, freed] of want) seen.add(freed ? 'swept-freed' : 'swept-held');
      assert.deepStrictEqual(expiredList(got), want, `${where}: sweep`);
    }
    const snap = await store.read(GROUP, { historyLimit: 0, waitingSince: 0 });
    const holders = (snap?.holders ?? []).map((h) => [h.id, h.fencingToken, h.since, h.leaseUntil, h.expiredAt]).sort();
    assert.deepStrictEqual(holders, model.holders(), `${where}: holders`);
  }
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const STEPS = 250;

describe('model test: stores follow domain/decide.ts', () => {
  it('embedded', async () => {
    for (const seed of SEEDS) {
      const backend = openMemoryBackend();
      if (backend.kind !== 'embedded') throw new Error('embedded expected');
      try {
        await runRandom(createEmbeddedSlotStore(backend.db, storeOptions()), seed, STEPS);
      } finally {
        backend.db.close();
      }
    }
    const all = ['granted', 'held', 'full', 'paused', 'outside-window', 'expired-freed', 'expired-held', 'swept-freed', 'swept-held'];
    assert.deepStrictEqual(all.filter((k) => !seen.has(k)), [], 'every outcome occurs in the random runs');
  });

  const server = startRedis();
  after(async () => (await server).cleanup());
  it('redis', async () => {
    const redis = new Redis((await server).url);
    try {
      for (const seed of SEEDS) await runRandom(createRedisSlotStore(redis, `m${seed}`, storeOptions()), seed, STEPS);
    } finally {
      await redis.quit();
    }
  });
});
