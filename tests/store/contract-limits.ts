// Store contract, continued: group limits in the check-in step and grant timeouts
// (domain/rollout/limits.ts, InstanceStore.timeOutGrants). A held grant writes nothing at all; a
// node in progress that is granted again takes no new place; leaving progress (completing, failing,
// being pruned, being granted in another group) frees a place; safe mode lets one node at a time
// through until one completed; the period limit counts distinct nodes granted in the period; timed
// out grants leave progress oldest first, with their counters and one history entry; a node that
// gave its reboot slot back leaves progress (endProgress) and stays out until it is granted again.
import assert from 'node:assert/strict';
import type { GrantLimits, HistoryEntry, InstanceStatus } from '../../server/domain/types.ts';
import type { InstanceChange, Store } from '../../server/store/types.ts';
import { activity, APP, app, attrs, change, group, OTHER_APP, pkg, T0 } from './fixtures/records.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const OLD = '3033.2.0';
const NEW = '3100.0.0';
const HOUR = 3_600_000;

const limits = (over: Partial<GrantLimits> = {}): GrantLimits => ({ group: 'stable', perPeriod: null, maxInProgress: null, safeModeBucket: null, ...over });
const grantEntry = (at: number): HistoryEntry => ({ at, kind: 'grant', version: NEW, status: 'granted', repeat: 1 });

/** A grant of NEW to a node of group `grp` running OLD, under `l` (none: no limits). */
function grant(machineId: string, at: number, l?: GrantLimits, grp = 'stable'): InstanceChange {
  const a = attrs({ group: grp, track: grp });
  return change(machineId, {
    attrs: a,
    status: { to: 'granted', unlessIn: [] },
    targetVersion: NEW,
    history: [grantEntry(at)],
    counterPrefixes: [`g/${grp}/${OLD}`],
    ...(l && { grantLimits: l }),
  });
}

/** The node reports `status` (running `version`), without a grant. */
function report(machineId: string, status: InstanceStatus, version = OLD, grp = 'stable'): InstanceChange {
  return change(machineId, { attrs: attrs({ group: grp, track: grp, version }), status: { to: status, unlessIn: [] }, counterPrefixes: [`g/${grp}/${version}`] });
}

/** APP with packages OLD and NEW and the groups stable and beta; returns the epoch. */
async function seed(store: Store): Promise<number> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  for (const v of [OLD, NEW]) assert.equal(await store.addPackage(pkg(v), activity()), 'created');
  assert.equal(await store.putTrackGroup(group('stable', 'stable'), activity()), 'created');
  assert.equal(await store.putTrackGroup(group('beta', 'beta'), activity()), 'created');
  return (await store.loadAppConfig(APP))!.epoch;
}

/** Everything a check-in could write, to compare before and after a refusal. */
async function snapshot(store: Store, machineIds: string[]) {
  return {
    instances: await Promise.all(machineIds.map((m) => store.getInstance(APP, m))),
    histories: await Promise.all(machineIds.map((m) => store.getHistory(APP, m, 100))),
    counters: await store.counters(APP),
    count: await store.countInstances(APP),
  };
}

const held = (hold: string) => ({ applied: false, reason: 'held', hold });
const applied = { applied: true, previousStatus: null, status: 'granted' };

export function limitCases(test: Case): void {
  test('a held grant writes nothing: no instance, no attrs, no history, no counters', async (store) => {
    const epoch = await seed(store);
    const max1 = limits({ maxInProgress: 1 });
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m1', T0, max1), T0), applied);
    await store.applyCheckIn(APP, epoch, report('m2', 'idle'), T0 + 1);
    const before = await snapshot(store, ['m1', 'm2', 'm3']);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m2', T0 + 2, max1), T0 + 2), held('in-progress-limit'));
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, { ...grant('m3', T0 + 2, max1), attrs: attrs({ alias: 'new' }) }, T0 + 2), held('in-progress-limit'));
    assert.deepStrictEqual(await snapshot(store, ['m1', 'm2', 'm3']), before);
    assert.equal(await store.getInstance(APP, 'm3'), null, 'a new node held is not created');
    // The epoch comes first: a stale change is stale, held or not.
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch - 1, grant('m2', T0 + 3, max1), T0 + 3), { applied: false, reason: 'stale-config' });
  });

  test('a node in progress granted again keeps its grant and takes no new place', async (store) => {
    const epoch = await seed(store);
    const l = limits({ maxInProgress: 2, perPeriod: { count: 2, periodMs: HOUR } });
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m1', T0, l), T0)).applied, true);
    for (const s of ['downloading', 'installed'] as const) {
      await store.applyCheckIn(APP, epoch, report('m1', s), T0 + 1);
      assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m1', T0 + 2, l), T0 + 2), { applied: true, previousStatus: s, status: 'granted' });
    }
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m2', T0 + 3, l), T0 + 3)).applied, true, 'm1 took one place and one grant of the period');
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m3', T0 + 4, l), T0 + 4), held('rate-limit'));
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m1', T0 + 5, l), T0 + 5)).applied, true, 'still its own');
  });

  test('leaving progress frees a place: completing, failing, being granted in another group, being pruned', async (store) => {
    const epoch = await seed(store);
    const max1 = limits({ maxInProgress: 1 });
    let now = T0;
    const takes = async (m: string) => assert.equal((await store.applyCheckIn(APP, epoch, grant(m, now, max1), now++)).applied, true, `${m} takes the place`);
    const isHeld = async (m: string) => assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant(m, now, max1), now++), held('in-progress-limit'), `${m} held`);
    await takes('m1');
    await isHeld('m2');
    await store.applyCheckIn(APP, epoch, report('m1', 'complete', NEW), now++);
    await takes('m2');
    await isHeld('m3');
    await store.applyCheckIn(APP, epoch, report('m2', 'error'), now++);
    await takes('m3');
    // Granted in another group (without limits), m3 moves there.
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m3', now, undefined, 'beta'), now++)).applied, true);
    await takes('m4');
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m5', now, limits({ group: 'beta', maxInProgress: 1 }), 'beta'), now++), held('in-progress-limit'), 'm3 counts in beta now');
    await isHeld('m5');
    // Pruned (m5 was never written): m4 leaves progress with its instance.
    assert.equal(await store.pruneInstances(APP, now, 10), 4);
    await takes('m5');
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m6', now, limits({ group: 'beta', maxInProgress: 1 }), 'beta'), now++)).applied, true, 'm3 left beta');
  });

  test('safe mode: one node in progress until one completed the version, then the other limits only', async (store) => {
    const epoch = await seed(store);
    const safe = limits({ safeModeBucket: `g/stable/${NEW}|complete`, maxInProgress: 3 });
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m1', T0, safe), T0)).applied, true);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m2', T0 + 1, safe), T0 + 1), held('safe-mode'));
    await store.applyCheckIn(APP, epoch, report('m1', 'installed'), T0 + 2);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m2', T0 + 3, safe), T0 + 3), held('safe-mode'), 'installed is still in progress');
    await store.applyCheckIn(APP, epoch, report('m1', 'complete', NEW), T0 + 4);
    assert.equal((await store.counters(APP))[`g/stable/${NEW}|complete`], 1, 'm1 counts as complete');
    for (const [i, m] of ['m2', 'm3', 'm4'].entries()) assert.equal((await store.applyCheckIn(APP, epoch, grant(m, T0 + 5 + i, safe), T0 + 5 + i)).applied, true, m);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m5', T0 + 9, safe), T0 + 9), held('in-progress-limit'));
  });

  test('the period limit counts distinct nodes granted in the last period; older grants fall out', async (store) => {
    const epoch = await seed(store);
    const two = limits({ perPeriod: { count: 2, periodMs: 1000 } });
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m1', T0, two), T0)).applied, true);
    await store.applyCheckIn(APP, epoch, report('m1', 'complete', NEW), T0 + 1);
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m2', T0 + 400, two), T0 + 400)).applied, true);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m3', T0 + 999, two), T0 + 999), held('rate-limit'), 'completing does not give back a grant of the period');
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m3', T0 + 1000, two), T0 + 1000)).applied, true, "m1's grant is one period old: out");
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m4', T0 + 1001, two), T0 + 1001), held('rate-limit'));
    // Grants without limits are counted too, so a limit set later starts from exact counts.
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m5', T0 + 1300, undefined), T0 + 1300)).applied, true);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m6', T0 + 1401, two), T0 + 1401), held('rate-limit'), 'm3 and m5 in the period');
  });

  test('timeOutGrants: the group’s grants older than the cutoff, oldest first, at most limit, each to timed-out', async (store) => {
    const epoch = await seed(store);
    for (const [i, m] of ['m3', 'm1', 'm2'].entries()) await store.applyCheckIn(APP, epoch, grant(m, T0 + i * 10, undefined), T0 + i * 10);
    await store.applyCheckIn(APP, epoch, grant('b1', T0, undefined, 'beta'), T0);
    await store.applyCheckIn(APP, epoch, report('m2', 'downloading'), T0 + 25);
    const last = await store.getInstance(APP, 'm3');
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 15, T0 + 100, 1), ['m3'], 'oldest first, at most limit');
    assert.deepStrictEqual(await store.getInstance(APP, 'm3'), { ...last!, status: 'timed-out', statusSince: T0 + 100 }, 'lastCheck kept');
    assert.deepStrictEqual((await store.getHistory(APP, 'm3', 10))[0], { at: T0 + 100, kind: 'status', status: 'timed-out', version: NEW, repeat: 1 });
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 15, T0 + 101, 10), ['m1'], 'm2 was granted at the cutoff, b1 is in beta');
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 15, T0 + 102, 10), [], 'nothing left before the cutoff');
    assert.deepStrictEqual(await store.counters(APP), { [`g/stable/${OLD}|timed-out`]: 2, [`g/stable/${OLD}|downloading`]: 1, [`g/beta/${OLD}|granted`]: 1 });
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 21, T0 + 103, 10), ['m2'], 'downloading is in progress too');
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'beta', T0 + 1, T0 + 104, 10), ['b1']);
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'nope', T0 + 1000, T0 + 105, 10), []);
    // Out of progress: a place is free again, and a node that completed or was re-granted is left alone.
    const max1 = limits({ maxInProgress: 1 });
    assert.equal((await store.applyCheckIn(APP, epoch, grant('m4', T0 + 200, max1), T0 + 200)).applied, true);
    await store.applyCheckIn(APP, epoch, report('m4', 'complete', NEW), T0 + 201);
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 1000, T0 + 300, 10), []);
    assert.equal((await store.getInstance(APP, 'm4'))!.status, 'complete');
  });

  test('endProgress: a node that gave its slot back leaves progress and frees its place, nothing else changes', async (store) => {
    const epoch = await seed(store);
    const max1 = limits({ maxInProgress: 1 });
    const takes = async (m: string, at: number) => assert.equal((await store.applyCheckIn(APP, epoch, grant(m, at, max1), at)).applied, true, `${m} takes the place`);
    await takes('m1', T0);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m2', T0 + 1, max1), T0 + 1), held('in-progress-limit'));
    await store.applyCheckIn(APP, epoch, report('m1', 'installed'), T0 + 2);
    const before = await snapshot(store, ['m1', 'm2']);
    assert.equal(await store.endProgress(APP, 'm1', T0 + 3), true);
    assert.deepStrictEqual(await snapshot(store, ['m1', 'm2']), before, 'status, target, history and counters untouched');
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 1000, T0 + 4, 10), [], 'm1 is in progress nowhere');
    assert.equal(await store.endProgress(APP, 'm1', T0 + 5), false, 'no longer in progress');
    assert.equal(await store.endProgress(APP, 'nobody', T0 + 5), false, 'no such instance');
    assert.equal(await store.endProgress(OTHER_APP, 'm1', T0 + 5), false, 'no such app');
    assert.equal(await store.getInstance(APP, 'nobody'), null, 'nothing created');
    // Still installed at its next check-in: it stays out, so m2 takes the place it gave back.
    await store.applyCheckIn(APP, epoch, report('m1', 'installed'), T0 + 6);
    await takes('m2', T0 + 7);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m3', T0 + 8, max1), T0 + 8), held('in-progress-limit'), 'm2 holds the one place');
    // Complete after its reboot: out of progress already, it frees no place twice.
    await store.applyCheckIn(APP, epoch, report('m1', 'complete', NEW), T0 + 9);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m3', T0 + 10, max1), T0 + 10), held('in-progress-limit'), 'the count did not go below m2');
    assert.equal(await store.endProgress(APP, 'm2', T0 + 11), true);
    await takes('m3', T0 + 12);
    // Granted again, a node enters progress again.
    assert.equal(await store.endProgress(APP, 'm3', T0 + 13), true);
    await takes('m1', T0 + 14);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch, grant('m4', T0 + 15, max1), T0 + 15), held('in-progress-limit'), 'm1 is in progress again');
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 1000, T0 + 16, 10), ['m1'], 'and in the progress index again');
  });

  test('timeOutGrants ignores a limit below 1 and other apps', async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, grant('m1', T0, undefined), T0);
    assert.deepStrictEqual(await store.timeOutGrants(APP, 'stable', T0 + 1, T0 + 2, 0), []);
    assert.deepStrictEqual(await store.timeOutGrants(OTHER_APP, 'stable', T0 + 1, T0 + 2, 10), []);
    assert.equal((await store.getInstance(APP, 'm1'))!.status, 'granted');
  });
}
