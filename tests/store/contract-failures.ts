// Store contract, continued: the failure counters (`f/<channel>/<version>|<kind>`, domain/counters.ts).
// The check-in step counts a node that installed its target and came back from a reboot on another
// version (`reverted`, domain/apply-check-in.ts revertedBucket), whatever else the check-in does;
// countFailure adds one to a bucket (the coordinator's expired leases). Both only go up: pruning
// leaves them, and counters() lists them with the other buckets.
import assert from 'node:assert/strict';
import type { InstanceStatus } from '../../server/domain/types.ts';
import type { InstanceChange, Store } from '../../server/store/types.ts';
import { activity, APP, app, attrs, change, group, OTHER_APP, pkg, T0 } from './fixtures/records.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const OLD = '3033.2.0';
const NEW = '3100.0.0';
const BOOT = 'b0075a0e-0000-4000-8000-000000000001';
const REBOOTED = 'b0075a0e-0000-4000-8000-0000000000ff';
const REVERTED = `f/stable/${NEW}|reverted`;

/** The node, running `version` from boot `bootId`, reports `status` (null: keeps its status). */
function report(machineId: string, status: InstanceStatus | null, version = OLD, bootId = BOOT, over: Partial<InstanceChange> = {}): InstanceChange {
  return change(machineId, {
    attrs: attrs({ version, bootId }),
    status: status === null ? null : { to: status, unlessIn: [] },
    counterPrefixes: [`c/stable/${version}`],
    ...over,
  });
}

/** APP with packages OLD and NEW and the group stable; returns the epoch. */
async function seed(store: Store): Promise<number> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  for (const v of [OLD, NEW]) assert.equal(await store.addPackage(pkg(v), activity()), 'created');
  assert.equal(await store.putTrackGroup(group('stable', 'stable'), activity()), 'created');
  return (await store.loadAppConfig(APP))!.epoch;
}

/** The node is granted NEW and reports it installed (waiting to reboot), on OLD from BOOT. */
async function installed(store: Store, epoch: number, machineId: string, at: number): Promise<void> {
  await store.applyCheckIn(APP, epoch, report(machineId, 'granted', OLD, BOOT, { targetVersion: NEW }), at);
  assert.equal((await store.applyCheckIn(APP, epoch, report(machineId, 'installed'), at + 1)).applied, true);
}

const failuresOf = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([b]) => b.startsWith('f/')));

export function failureCases(test: Case): void {
  test('a node that installed the target and rebooted into another version counts as reverted, once per reboot', async (store) => {
    const epoch = await seed(store);
    await installed(store, epoch, 'm1', T0);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), {}, 'nothing counted yet');
    await store.applyCheckIn(APP, epoch, report('m1', null, OLD, BOOT), T0 + 2);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), {}, 'the same boot: no reboot yet');
    await store.applyCheckIn(APP, epoch, report('m1', 'error', OLD, REBOOTED, { error: { code: 44, name: 'rollback' } }), T0 + 3);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), { [REVERTED]: 1 }, 'counted besides the error the change reports');
    await store.applyCheckIn(APP, epoch, report('m1', null, OLD, `${REBOOTED}0`), T0 + 4);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), { [REVERTED]: 1 }, 'no longer installed: a further reboot counts nothing');
    assert.equal((await store.getInstance(APP, 'm1'))!.bootId, `${REBOOTED}0`);
  });

  test('coming back on the target, without a boot id, without a channel or without a target counts nothing', async (store) => {
    const epoch = await seed(store);
    await installed(store, epoch, 'ok', T0);
    await store.applyCheckIn(APP, epoch, report('ok', null, NEW, REBOOTED, { completion: { version: NEW, from: ['installed'] } }), T0 + 2);
    assert.equal((await store.getInstance(APP, 'ok'))!.status, 'complete');
    await installed(store, epoch, 'noboot', T0);
    await store.applyCheckIn(APP, epoch, report('noboot', null, OLD, ''), T0 + 2);
    await installed(store, epoch, 'nochannel', T0);
    await store.applyCheckIn(APP, epoch, { ...report('nochannel', null, OLD, REBOOTED), attrs: attrs({ bootId: REBOOTED, channel: '', group: '', track: 'x' }) }, T0 + 2);
    await store.applyCheckIn(APP, epoch, report('notarget', 'installed'), T0);
    await store.applyCheckIn(APP, epoch, report('notarget', null, OLD, REBOOTED), T0 + 1);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), {});
  });

  test('a new grant in the same check-in still counts the reverted target; a stale check-in counts nothing', async (store) => {
    const epoch = await seed(store);
    await installed(store, epoch, 'm1', T0);
    assert.deepStrictEqual(await store.applyCheckIn(APP, epoch + 1, report('m1', null, OLD, REBOOTED), T0 + 2), { applied: false, reason: 'stale-config' });
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), {});
    await store.applyCheckIn(APP, epoch, report('m1', 'granted', OLD, REBOOTED, { targetVersion: OLD }), T0 + 3);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), { [REVERTED]: 1 });
    assert.equal((await store.getInstance(APP, 'm1'))!.targetVersion, OLD);
  });

  test('countFailure adds one to the bucket, per app; pruning leaves failure buckets alone', async (store) => {
    const epoch = await seed(store);
    assert.equal(await store.createApp(app(OTHER_APP), activity(OTHER_APP)), 'created');
    const bucket = `f/stable/${NEW}|lease-expired`;
    await store.countFailure(APP, bucket);
    await store.countFailure(APP, bucket);
    await store.countFailure(OTHER_APP, bucket);
    await installed(store, epoch, 'm1', T0);
    await store.applyCheckIn(APP, epoch, report('m1', null, OLD, REBOOTED), T0 + 2);
    assert.deepStrictEqual(failuresOf(await store.counters(APP)), { [bucket]: 2, [REVERTED]: 1 });
    assert.deepStrictEqual(failuresOf(await store.counters(OTHER_APP)), { [bucket]: 1 });
    assert.equal(await store.pruneInstances(APP, T0 + 1000, 10), 1);
    assert.deepStrictEqual(await store.counters(APP), { [bucket]: 2, [REVERTED]: 1 }, 'instance buckets gone, failure buckets kept');
    await assert.rejects(store.countFailure(APP, 'u/?x'), /no failure bucket/);
  });
}
