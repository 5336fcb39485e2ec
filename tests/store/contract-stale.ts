// Store contract, continued: stale instances (InstanceStore.markStale, domain/apply-check-in.ts
// markStale). A node not seen since the cutoff keeps its status but is counted under
// `<prefix>|stale`; the store reads only past its watermark, so a second call with the same cutoff
// finds nothing; a check-in brings the node back to its status' buckets; counters stay exact through
// marking, timing out and pruning, and failure buckets never move.
import assert from 'node:assert/strict';
import { summarize } from '../../server/domain/summary.ts';
import type { InstanceChange, Store } from '../../server/store/types.ts';
import { activity, APP, app, change, group, OTHER_APP, pkg, T0 } from './fixtures/records.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const V = '3033.2.0';
const NEW = '3100.0.0';

/** A check-in of a node on the stable channel moving it to `status`. */
const report = (machineId: string, status: 'up-to-date' | 'granted' | 'error', over: Partial<InstanceChange> = {}): InstanceChange =>
  change(machineId, { status: { to: status, unlessIn: [] }, counterPrefixes: [`c/stable/${V}`, `g/stable/${V}`], ...over });

async function seed(store: Store): Promise<number> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  for (const v of [V, NEW]) assert.equal(await store.addPackage(pkg(v), activity()), 'created');
  assert.equal(await store.putTrackGroup(group('stable', 'stable'), activity()), 'created');
  return (await store.loadAppConfig(APP))!.epoch;
}

export function staleCases(test: Case): void {
  test('nodes not seen since the cutoff count as stale, oldest first, each once; a check-in brings one back', async (store) => {
    const epoch = await seed(store);
    for (const [i, m] of ['m1', 'm2', 'm3', 'm4'].entries()) await store.applyCheckIn(APP, epoch, report(m, i === 3 ? 'error' : 'up-to-date'), T0 + i * 10);
    assert.equal(await store.markStale(APP, T0 + 25, 2), 2, 'm1 and m2, the limit');
    assert.equal((await store.getInstance(APP, 'm1'))!.stale, true);
    assert.equal((await store.getInstance(APP, 'm1'))!.status, 'up-to-date', 'the status is kept');
    assert.equal((await store.getInstance(APP, 'm3'))!.stale, false);
    assert.equal(await store.markStale(APP, T0 + 25, 2), 1, 'm3: the rest before the cutoff');
    assert.equal(await store.markStale(APP, T0 + 25, 10), 0, 'the watermark: nothing read twice');
    assert.deepStrictEqual(await store.counters(APP), {
      [`c/stable/${V}|stale`]: 3,
      [`g/stable/${V}|stale`]: 3,
      [`c/stable/${V}|error`]: 1,
      [`g/stable/${V}|error`]: 1,
    });
    const summary = summarize(await store.counters(APP), await store.countInstances(APP));
    assert.deepStrictEqual({ ...summary.byStatus }, { stale: 3, error: 1 });

    // m2 checks in: back in its status' buckets, no longer stale, and stale again later.
    await store.applyCheckIn(APP, epoch, report('m2', 'granted', { targetVersion: NEW, targetCounter: 't/stable' }), T0 + 100);
    const m2 = (await store.getInstance(APP, 'm2'))!;
    assert.deepStrictEqual([m2.stale, m2.status, m2.lastCheck], [false, 'granted', T0 + 100]);
    assert.deepStrictEqual(await store.counters(APP), {
      [`c/stable/${V}|stale`]: 2,
      [`g/stable/${V}|stale`]: 2,
      [`c/stable/${V}|granted`]: 1,
      [`g/stable/${V}|granted`]: 1,
      [`t/stable/${NEW}|granted`]: 1,
      [`c/stable/${V}|error`]: 1,
      [`g/stable/${V}|error`]: 1,
    });
    assert.equal(await store.markStale(APP, T0 + 101, 10), 2, 'm4 and m2 went quiet since');
    assert.deepStrictEqual(await store.counters(APP), {
      [`c/stable/${V}|stale`]: 4,
      [`g/stable/${V}|stale`]: 4,
      [`t/stable/${NEW}|stale`]: 1,
    });
    assert.equal(await store.markStale(OTHER_APP, T0 + 1000, 10), 0, 'an unknown app');
  });

  test('nodes checked in at the same time are marked across batches, each exactly once', async (store) => {
    const epoch = await seed(store);
    for (const m of ['m5', 'm1', 'm4', 'm2', 'm3']) await store.applyCheckIn(APP, epoch, report(m, 'up-to-date'), T0);
    assert.deepStrictEqual([await store.markStale(APP, T0 + 1, 2), await store.markStale(APP, T0 + 1, 2), await store.markStale(APP, T0 + 1, 2)], [2, 2, 1]);
    assert.equal(await store.markStale(APP, T0 + 1, 2), 0);
    assert.deepStrictEqual(await store.counters(APP), { [`c/stable/${V}|stale`]: 5, [`g/stable/${V}|stale`]: 5 });
  });

  test('a sweep reads only past the watermark: what lies before it is never read again', async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, report('m1', 'up-to-date'), T0 + 10);
    assert.equal(await store.markStale(APP, T0 + 20, 10), 1);
    // A check-in dated before the watermark (a clock behind): later sweeps do not look back there.
    await store.applyCheckIn(APP, epoch, report('m2', 'up-to-date'), T0 + 5);
    assert.equal(await store.markStale(APP, T0 + 30, 10), 0);
    assert.equal(await store.markStale(APP, T0 + 10, 10), 0, 'an earlier cutoff moves nothing back');
    await store.applyCheckIn(APP, epoch, report('m2', 'up-to-date'), T0 + 40);
    assert.equal(await store.markStale(APP, T0 + 50, 10), 1, 'checked in again: past the watermark');
  });

  test('a stale node stays counted as stale when its grant times out, leaves its buckets when pruned, and keeps failure counts', async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, report('m1', 'granted', { targetVersion: NEW, targetCounter: 't/stable' }), T0);
    await store.applyCheckIn(APP, epoch, report('m2', 'up-to-date'), T0);
    await store.countFailure(APP, `f/stable/${NEW}|lease-expired`);
    assert.equal(await store.markStale(APP, T0 + 1, 0), 0, 'a limit of 0 marks nothing');
    assert.equal(await store.markStale(APP, T0 + 1, 5), 2);
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 1, T0 + 2, 5), ['m1']);
    const m1 = (await store.getInstance(APP, 'm1'))!;
    assert.deepStrictEqual([m1.status, m1.stale], ['timed-out', true]);
    assert.deepStrictEqual(await store.counters(APP), {
      [`c/stable/${V}|stale`]: 2,
      [`g/stable/${V}|stale`]: 2,
      [`t/stable/${NEW}|stale`]: 1,
      [`f/stable/${NEW}|lease-expired`]: 1,
    });
    // The timed-out node checks in: counted under its real status again.
    await store.applyCheckIn(APP, epoch, change('m1', { counterPrefixes: [`c/stable/${V}`, `g/stable/${V}`], targetCounter: 't/stable' }), T0 + 3);
    assert.equal(await store.pruneInstances(APP, T0 + 1, 10), 1, 'm2');
    assert.deepStrictEqual(await store.counters(APP), {
      [`c/stable/${V}|timed-out`]: 1,
      [`g/stable/${V}|timed-out`]: 1,
      [`t/stable/${NEW}|timed-out`]: 1,
      [`f/stable/${NEW}|lease-expired`]: 1,
    });
    assert.equal(await store.countInstances(APP), 1);
  });
}
