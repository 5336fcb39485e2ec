// The store contract (server/store/types.ts): every adapter runs these cases and must pass them all.
// Each case opens a fresh store and cleans it up; assertions use exact records (deepStrictEqual), so
// an adapter that adds, drops or mistypes a field fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadCursorError, encodeCursor } from '../../kernel/storage/cursor.ts';
import type { HistoryEntry, InstanceStatus } from '../../server/domain/types.ts';
import { ACTIVITY_CAP, HISTORY_CAP, type Store } from '../../server/store/types.ts';
import { channelRecordCases } from './contract-channels.ts';
import { failureCases } from './contract-failures.ts';
import { limitCases } from './contract-limits.ts';
import { staleCases } from './contract-stale.ts';
import { unknownTrackCases } from './contract-unknown-tracks.ts';
import { unknownVersionCases } from './contract-unknown-versions.ts';
import {
  activity,
  APP,
  app,
  attrs,
  change,
  channel,
  entry,
  group,
  newInstance,
  OTHER_APP,
  pkg,
  T0,
  token,
} from './fixtures/records.ts';

type Open = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

export function runStoreContract(name: string, open: Open): void {
  const withStore = (fn: (store: Store) => Promise<void>) => async () => {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };
  const test = (title: string, fn: (store: Store) => Promise<void>) => it(title, withStore(fn));

  describe(`store contract: ${name}`, () => {
    describe('apps and epochs', () => releaseAppCases(test));
    describe('packages', () => packageCases(test));
    describe('channels', () => channelCases(test));
    describe('channel records and pulled versions', () => channelRecordCases(test));
    describe('groups', () => groupCases(test));
    describe('activity', () => activityCases(test));
    describe('loadAppConfig', () => configCases(test));
    describe('applyCheckIn status and fields', () => checkInCases(test));
    describe('history', () => historyCases(test));
    describe('counters', () => counterCases(test));
    describe('unknown-track cap', () => unknownTrackCases(test));
    describe('unknown-version cap', () => unknownVersionCases(test));
    describe('listing, counting, pruning', () => listingCases(test));
    describe('group limits and grant timeouts', () => limitCases(test));
    describe('failure counters', () => failureCases(test));
    describe('stale instances', () => staleCases(test));
    describe('tokens', () => tokenCases(test));
  });
}

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

async function epochOf(store: Store, appId = APP): Promise<number> {
  const cfg = await store.loadAppConfig(appId);
  assert.ok(cfg, `app ${appId} should exist`);
  return cfg.epoch;
}

/** Creates APP with one amd64 package of `version` and returns the current epoch. */
async function seed(store: Store, version = '3033.2.0'): Promise<number> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  assert.equal(await store.addPackage(pkg(version), activity(APP, { kind: 'package-added' })), 'created');
  return epochOf(store);
}

function releaseAppCases(test: Case): void {
  test('createApp creates once, then reports exists without writing', async (store) => {
    assert.equal(await store.getApp(APP), null);
    assert.equal(await store.createApp(app(), activity()), 'created');
    assert.deepStrictEqual(await store.getApp(APP), app());
    const epoch = await epochOf(store);
    assert.equal(epoch, 1, 'epoch starts at 1 when the app is created');

    const dup = app(APP, { name: 'renamed', createdAt: T0 + 5 });
    assert.equal(await store.createApp(dup, activity(APP, { message: 'dup' })), 'exists');
    assert.deepStrictEqual(await store.getApp(APP), app(), 'the existing app is unchanged');
    assert.equal(await epochOf(store), epoch, "'exists' does not bump the epoch");
    assert.equal((await store.listActivity(APP, 10)).length, 1, "'exists' appends no activity");
  });

  test('listApps returns every app', async (store) => {
    assert.deepStrictEqual(await store.listApps(), []);
    await store.createApp(app(APP), activity(APP));
    await store.createApp(app(OTHER_APP, { name: 'other', createdAt: T0 + 1 }), activity(OTHER_APP));
    const apps = (await store.listApps()).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepStrictEqual(apps, [app(OTHER_APP, { name: 'other', createdAt: T0 + 1 }), app(APP)].sort((a, b) => a.id.localeCompare(b.id)));
  });

  test('every config write bumps the epoch; reads and refused writes do not', async (store) => {
    await store.createApp(app(), activity());
    let last = await epochOf(store);
    const bumped = async (what: string) => {
      const now = await epochOf(store);
      assert.ok(now > last, `${what} bumps the epoch (was ${last}, now ${now})`);
      last = now;
    };
    const same = async (what: string) => assert.equal(await epochOf(store), last, `${what} keeps the epoch`);

    await store.addPackage(pkg('1.0.0'), activity());
    await bumped('addPackage');
    await store.addPackage(pkg('1.0.0'), activity());
    await same("addPackage 'exists'");
    await store.createChannel(channel('stable', null), activity());
    await bumped('createChannel');
    await store.createChannel(channel('stable', null), activity());
    await same("createChannel 'exists'");
    await store.promoteChannel(channel('beta', '1.0.0'), activity());
    await same("promoteChannel 'no-channel'");
    await store.promoteChannel(channel('stable', '1.0.0'), activity());
    await bumped('promoteChannel (first version)');
    await store.promoteChannel(channel('stable', '1.0.0'), activity());
    await bumped('promoteChannel (same version again)');
    await store.promoteChannel(channel('stable', '9.9.9'), activity());
    await same("promoteChannel 'no-package'");
    await store.putTrackGroup(group('g1', 't1'), activity());
    await bumped('putTrackGroup (create)');
    await store.putTrackGroup(group('g1', 't1', { name: 'renamed' }), activity());
    await bumped('putTrackGroup (update)');
    await store.putTrackGroup(group('g2', 't1'), activity());
    await same("putTrackGroup 'track-taken'");
    assert.equal(await store.deleteTrackGroup(APP, 'nope', activity()), false);
    await same('deleteTrackGroup of a missing group');
    assert.equal(await store.deleteTrackGroup(APP, 'g1', activity()), true);
    await bumped('deleteTrackGroup');

    await store.getApp(APP);
    await store.listPackages(APP);
    await store.listChannels(APP);
    await store.listTrackGroups(APP);
    await store.listActivity(APP, 10);
    await same('reads');
    await store.applyCheckIn(APP, last, change('m1', { status: { to: 'granted', unlessIn: [] } }), T0);
    await same('a check-in');
  });

  test('epochs are per app', async (store) => {
    await store.createApp(app(APP), activity(APP));
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    const other = await epochOf(store, OTHER_APP);
    await store.addPackage(pkg('1.0.0'), activity());
    assert.equal(await epochOf(store, OTHER_APP), other);
  });
}

function packageCases(test: Case): void {
  test("addPackage: 'no-app', 'created', 'exists' per (app, version, arch)", async (store) => {
    assert.equal(await store.addPackage(pkg('1.0.0'), activity()), 'no-app');
    assert.equal(await store.getApp(APP), null, "'no-app' creates nothing");
    await store.createApp(app(), activity());
    assert.equal(await store.addPackage(pkg('1.0.0'), activity()), 'created');
    const dup = pkg('1.0.0', 'amd64', { url: 'https://other.example/', size: 1 });
    assert.equal(await store.addPackage(dup, activity()), 'exists');
    assert.equal(await store.addPackage(pkg('1.0.0', 'arm64'), activity()), 'created', 'another arch is another package');
    assert.equal(await store.addPackage(pkg('1.0.1'), activity()), 'created');
    const list = await store.listPackages(APP);
    assert.equal(list.length, 3);
    assert.deepStrictEqual(
      list.find((p) => p.version === '1.0.0' && p.arch === 'amd64'),
      pkg('1.0.0'),
      "'exists' left the first package untouched",
    );
  });

  test('packages round-trip every field; optional sha1 stays absent', async (store) => {
    await store.createApp(app(), activity());
    const full = pkg('2.0.0', 'arm64', {
      sha1: 'C+7Hteo/D9vJXQ3UfzxbwnXaijM=',
      extraFiles: [
        { name: 'oem-azure.gz', size: 42, sha256Hex: 'ab'.repeat(32), sha1: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
        { name: 'docker.raw', size: 0, sha256Hex: 'cd'.repeat(32) },
      ],
      createdAt: T0 + 10,
    });
    const bare = pkg('1.0.0', 'amd64', { createdAt: T0 + 5 });
    await store.addPackage(full, activity());
    await store.addPackage(bare, activity());
    const list = await store.listPackages(APP);
    assert.deepStrictEqual(
      list.sort((a, b) => a.createdAt - b.createdAt),
      [bare, full],
    );
    assert.ok(!('sha1' in list[0]!), 'absent sha1 comes back absent, not undefined/empty');
  });

  test('packages are per app', async (store) => {
    await store.createApp(app(APP), activity(APP));
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    await store.addPackage(pkg('1.0.0'), activity());
    assert.deepStrictEqual(await store.listPackages(OTHER_APP), []);
    assert.equal(await store.addPackage(pkg('1.0.0', 'amd64', { appId: OTHER_APP }), activity(OTHER_APP)), 'created');
    assert.equal((await store.listPackages(APP)).length, 1);
    assert.deepStrictEqual(await store.listPackages('unknown-app'), []);
  });
}

function channelCases(test: Case): void {
  test("createChannel: 'no-app', 'created' with no version, then 'exists' without writing", async (store) => {
    assert.equal(await store.createChannel(channel('stable', null), activity()), 'no-app');
    await store.createApp(app(), activity());
    const created = channel('stable', null, { updatedAt: T0 + 1, updatedBy: 'alice' });
    assert.equal(await store.createChannel(created, activity()), 'created');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), created);
    assert.equal(await store.createChannel(channel('stable', null, { updatedAt: T0 + 2, updatedBy: 'bob' }), activity()), 'exists');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), created, "'exists' keeps the channel");
  });

  test("promoteChannel: 'no-app', 'no-channel' (never creates one), 'no-package', then previous version", async (store) => {
    assert.equal(await store.promoteChannel(channel('stable', '1.0.0'), activity()), 'no-app');
    await store.createApp(app(), activity());
    await store.addPackage(pkg('0.9.0'), activity());
    assert.equal(await store.promoteChannel(channel('stable', '0.9.0'), activity()), 'no-channel');
    assert.equal(await store.getChannel(APP, 'stable'), null, "'no-channel' writes no channel");
    assert.equal(await store.createChannel(channel('stable', null), activity()), 'created');
    assert.equal(await store.promoteChannel(channel('stable', '1.0.0'), activity()), 'no-package');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), channel('stable', null), "'no-package' keeps the channel as it was");
    await store.addPackage(pkg('1.0.0', 'arm64'), activity());
    await store.addPackage(pkg('2.0.0', 'amd64'), activity());

    const first = channel('stable', '1.0.0', { updatedAt: T0 + 1, updatedBy: 'alice' });
    assert.deepStrictEqual(await store.promoteChannel(first, activity()), { previous: null });
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), first, 'a package of any arch is enough');

    const second = channel('stable', '2.0.0', { updatedAt: T0 + 2, updatedBy: 'bob' });
    assert.deepStrictEqual(await store.promoteChannel(second, activity()), { previous: '1.0.0' });
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), second);
    assert.equal(await store.promoteChannel(channel('stable', '3.0.0'), activity()), 'no-package');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), second, "'no-package' keeps the channel");
  });

  test('listChannels lists the app’s channels only; getChannel null when missing', async (store) => {
    await seed(store, '1.0.0');
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    await store.addPackage(pkg('1.0.0', 'amd64', { appId: OTHER_APP }), activity(OTHER_APP));
    await store.createChannel(channel('stable', '1.0.0'), activity());
    await store.createChannel(channel('beta', '1.0.0', { updatedAt: T0 + 3 }), activity());
    await store.createChannel(channel('alpha', '1.0.0', { appId: OTHER_APP }), activity(OTHER_APP));
    const list = (await store.listChannels(APP)).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepStrictEqual(list, [channel('beta', '1.0.0', { updatedAt: T0 + 3 }), channel('stable', '1.0.0')]);
    assert.equal(await store.getChannel(APP, 'alpha'), null);
    assert.equal(await store.getChannel('unknown-app', 'stable'), null);
    assert.deepStrictEqual(await store.listChannels('unknown-app'), []);
  });
}

function groupCases(test: Case): void {
  test("putTrackGroup: 'no-app', 'created', 'updated' keeps createdAt (full replace otherwise)", async (store) => {
    assert.equal(await store.putTrackGroup(group('g1', 't1'), activity()), 'no-app');
    await store.createApp(app(), activity());
    assert.equal(await store.putTrackGroup(group('g1', 't1', { createdAt: T0, updatedAt: T0 }), activity()), 'created');
    const replaced = group('g1', 't1-new', { name: 'New', channel: 'beta', createdAt: T0 + 99, updatedAt: T0 + 50 });
    assert.equal(await store.putTrackGroup(replaced, activity()), 'updated');
    assert.deepStrictEqual(await store.listTrackGroups(APP), [{ ...replaced, createdAt: T0 }]);
  });

  test("putTrackGroup: 'track-taken' only for another group's track", async (store) => {
    await store.createApp(app(), activity());
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    await store.putTrackGroup(group('g1', 'stable'), activity());
    assert.equal(await store.putTrackGroup(group('g2', 'stable'), activity()), 'track-taken');
    assert.deepStrictEqual((await store.listTrackGroups(APP)).map((g) => g.id), ['g1'], "'track-taken' writes nothing");
    assert.equal(await store.putTrackGroup(group('g1', 'stable', { name: 'same track' }), activity()), 'updated');
    assert.equal(
      await store.putTrackGroup(group('g2', 'stable', { appId: OTHER_APP }), activity(OTHER_APP)),
      'created',
      'tracks are unique per app only',
    );
    // Moving g1 off the track frees it.
    assert.equal(await store.putTrackGroup(group('g1', 'other'), activity()), 'updated');
    assert.equal(await store.putTrackGroup(group('g2', 'stable'), activity()), 'created');
    assert.equal(await store.putTrackGroup(group('g3', 'other'), activity()), 'track-taken');
  });

  test('deleteTrackGroup: false when missing, frees the track', async (store) => {
    await store.createApp(app(), activity());
    assert.equal(await store.deleteTrackGroup(APP, 'g1', activity()), false);
    assert.equal(await store.deleteTrackGroup('unknown-app', 'g1', activity()), false);
    await store.putTrackGroup(group('g1', 'stable'), activity());
    await store.putTrackGroup(group('g2', 'beta'), activity());
    assert.equal(await store.deleteTrackGroup(APP, 'g1', activity()), true);
    assert.equal(await store.deleteTrackGroup(APP, 'g1', activity()), false);
    assert.deepStrictEqual(await store.listTrackGroups(APP), [group('g2', 'beta')]);
    assert.equal(await store.putTrackGroup(group('g3', 'stable'), activity()), 'created');
    assert.deepStrictEqual(await store.listTrackGroups('unknown-app'), []);
  });
}

function activityCases(test: Case): void {
  test('activity is appended by every write, newest first, per app, limited', async (store) => {
    const a1 = activity(APP, { at: T0 + 1, kind: 'app-created', message: 'm1', data: { id: APP } });
    const a2 = activity(APP, { at: T0 + 2, kind: 'package-added', message: 'm2', data: { version: '1.0.0', size: 7 } });
    const a3 = activity(APP, { at: T0 + 3, kind: 'channel-created', message: 'm3', data: { channel: 'stable' } });
    const a3b = activity(APP, { at: T0 + 3, kind: 'channel-promoted', message: 'm3b', data: { from: null, to: '1.0.0' } });
    const a4 = activity(APP, { at: T0 + 4, kind: 'group-changed', message: 'm4', data: {} });
    const a5 = activity(APP, { at: T0 + 5, kind: 'group-deleted', message: 'm5', data: { id: 'g1' } });
    await store.createApp(app(), a1);
    await store.createApp(app(OTHER_APP), activity(OTHER_APP, { message: 'other' }));
    await store.addPackage(pkg('1.0.0'), a2);
    await store.addPackage(pkg('1.0.0'), activity(APP, { message: 'refused' }));
    await store.createChannel(channel('stable', null), a3);
    await store.createChannel(channel('stable', null), activity(APP, { message: 'refused' }));
    await store.promoteChannel(channel('stable', '1.0.0'), a3b);
    await store.promoteChannel(channel('stable', '9.0.0'), activity(APP, { message: 'refused' }));
    await store.putTrackGroup(group('g1', 't1'), a4);
    await store.putTrackGroup(group('g2', 't1'), activity(APP, { message: 'refused' }));
    await store.deleteTrackGroup(APP, 'g1', a5);
    await store.deleteTrackGroup(APP, 'g1', activity(APP, { message: 'refused' }));
    assert.deepStrictEqual(await store.listActivity(APP, 100), [a5, a4, a3b, a3, a2, a1]);
    assert.deepStrictEqual(await store.listActivity(APP, 2), [a5, a4]);
    assert.deepStrictEqual(await store.listActivity(OTHER_APP, 100), [activity(OTHER_APP, { message: 'other' })]);
    assert.deepStrictEqual(await store.listActivity('unknown-app', 10), []);
  });

  test(`activity keeps at most ACTIVITY_CAP (${ACTIVITY_CAP}) newest entries`, async (store) => {
    await store.createApp(app(), activity(APP, { message: 'created' }));
    const extra = ACTIVITY_CAP + 2;
    for (let i = 0; i < extra; i++) {
      await store.putTrackGroup(group('g1', 't1', { name: `n${i}` }), activity(APP, { at: T0 + i, kind: 'group-changed', message: `w${i}` }));
    }
    const list = await store.listActivity(APP, ACTIVITY_CAP * 2);
    assert.equal(list.length, ACTIVITY_CAP);
    assert.equal(list[0]!.message, `w${extra - 1}`);
    assert.equal(list.at(-1)!.message, `w${extra - ACTIVITY_CAP}`);
  });
}

function configCases(test: Case): void {
  test('loadAppConfig: null for unknown app, else a full snapshot', async (store) => {
    assert.equal(await store.loadAppConfig(APP), null);
    await store.createApp(app(), activity());
    const empty = await store.loadAppConfig(APP);
    assert.deepStrictEqual(empty, { epoch: 1, app: app(), channels: [], groups: [], packages: [], pulled: [], canaries: [] });

    const p1 = pkg('1.0.0', 'amd64', { createdAt: T0 + 1 });
    const p2 = pkg('1.0.0', 'arm64', { createdAt: T0 + 2, sha1: 'x' });
    await store.addPackage(p1, activity());
    await store.addPackage(p2, activity());
    await store.createChannel(channel('stable', '1.0.0'), activity());
    await store.putTrackGroup(group('g1', 'stable'), activity());
    const cfg = await store.loadAppConfig(APP);
    assert.ok(cfg);
    assert.ok(cfg.epoch > 1);
    assert.deepStrictEqual(cfg.app, app());
    assert.deepStrictEqual(cfg.channels, [channel('stable', '1.0.0')]);
    assert.deepStrictEqual(cfg.groups, [group('g1', 'stable')]);
    assert.deepStrictEqual(cfg.packages.sort((a, b) => a.createdAt - b.createdAt), [p1, p2]);

    // A snapshot: later writes change neither it nor its epoch.
    await store.putTrackGroup(group('g2', 'beta'), activity());
    assert.equal(cfg.groups.length, 1);
    const later = await store.loadAppConfig(APP);
    assert.ok(later && later.epoch > cfg.epoch);
    assert.equal(later.groups.length, 2);
  });
}

function checkInCases(test: Case): void {
  test('a new instance: idle, firstSeen = lastCheck = statusSince = now, empty target/error', async (store) => {
    const epoch = await seed(store);
    const res = await store.applyCheckIn(APP, epoch, change('m1'), T0 + 100);
    assert.deepStrictEqual(res, { applied: true, previousStatus: null, status: 'idle' });
    const inst = await store.getInstance(APP, 'm1');
    assert.deepStrictEqual(inst, newInstance('m1', T0 + 100));
    assert.equal(typeof inst!.errorCode, 'number');
    assert.equal(typeof inst!.lastCheck, 'number');
    assert.equal(await store.getInstance(APP, 'unknown'), null);
    assert.equal(await store.getInstance(OTHER_APP, 'm1'), null);
  });

  test('a new instance takes status.to even when unlessIn names it', async (store) => {
    const epoch = await seed(store);
    const res = await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'granted', unlessIn: ['idle', 'granted'] } }), T0);
    assert.deepStrictEqual(res, { applied: true, previousStatus: null, status: 'granted' });
    assert.equal((await store.getInstance(APP, 'm1'))!.status, 'granted');
  });

  test('status: null keeps, unlessIn keeps, otherwise moves; statusSince only on change', async (store) => {
    const epoch = await seed(store);
    const step = async (status: { to: InstanceStatus; unlessIn: InstanceStatus[] } | null, now: number) =>
      store.applyCheckIn(APP, epoch, change('m1', { status }), now);

    assert.deepStrictEqual(await step({ to: 'granted', unlessIn: [] }, T0 + 1), { applied: true, previousStatus: null, status: 'granted' });
    assert.deepStrictEqual(await step(null, T0 + 2), { applied: true, previousStatus: 'granted', status: 'granted' });
    let inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.statusSince, T0 + 1, 'null status keeps statusSince');
    assert.equal(inst.lastCheck, T0 + 2);
    assert.equal(inst.firstSeen, T0 + 1);

    assert.deepStrictEqual(await step({ to: 'granted', unlessIn: [] }, T0 + 3), { applied: true, previousStatus: 'granted', status: 'granted' });
    assert.equal((await store.getInstance(APP, 'm1'))!.statusSince, T0 + 1, 'same status keeps statusSince');

    assert.deepStrictEqual(await step({ to: 'installed', unlessIn: ['complete'] }, T0 + 4), {
      applied: true,
      previousStatus: 'granted',
      status: 'installed',
    });
    inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.status, 'installed');
    assert.equal(inst.statusSince, T0 + 4);

    assert.deepStrictEqual(await step({ to: 'up-to-date', unlessIn: ['installed', 'deferred'] }, T0 + 5), {
      applied: true,
      previousStatus: 'installed',
      status: 'installed',
    });
    inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.status, 'installed', 'unlessIn keeps the current status');
    assert.equal(inst.statusSince, T0 + 4);
    assert.equal(inst.lastCheck, T0 + 5);
    assert.equal(inst.firstSeen, T0 + 1, 'firstSeen never moves');
  });

  test('attrs overwrite every attribute field', async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, change('m1'), T0);
    const next = attrs({
      alias: 'renamed',
      ip: '10.9.9.9',
      oem: 'azure',
      oemVersion: '2.5',
      alephVersion: '2905.0.0',
      bootId: 'b0075a0e-0000-4000-8000-000000000002',
      version: '3100.0.0',
      track: 'beta',
      group: '',
      channel: '',
      arch: 'arm64',
    });
    await store.applyCheckIn(APP, epoch, change('m1', { attrs: next }), T0 + 1);
    assert.deepStrictEqual(
      await store.getInstance(APP, 'm1'),
      { ...newInstance('m1', T0), ...next, lastCheck: T0 + 1 },
    );
  });

  test('targetVersion and error are kept when the change omits them', async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'granted', unlessIn: [] }, targetVersion: '3100.0.0' }), T0);
    await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'downloading', unlessIn: [] } }), T0 + 1);
    let inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.targetVersion, '3100.0.0');
    assert.equal(inst.errorCode, 0);
    assert.equal(inst.errorName, '');

    await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'error', unlessIn: [] }, error: { code: 7, name: 'PayloadHashMismatch' } }), T0 + 2);
    await store.applyCheckIn(APP, epoch, change('m1', { status: null }), T0 + 3);
    inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.status, 'error');
    assert.equal(inst.errorCode, 7);
    assert.equal(inst.errorName, 'PayloadHashMismatch');
    assert.equal(inst.targetVersion, '3100.0.0');

    await store.applyCheckIn(APP, epoch, change('m1', { targetVersion: '', error: { code: 0, name: '' } }), T0 + 4);
    inst = (await store.getInstance(APP, 'm1'))!;
    assert.equal(inst.targetVersion, '', 'an explicit empty target is written');
    assert.equal(inst.errorCode, 0);
    assert.equal(inst.errorName, '');
  });

  test('a stale or unknown epoch writes nothing', async (store) => {
    assert.deepStrictEqual(await store.applyCheckIn(APP, 1, change('m0'), T0), { applied: false, reason: 'stale-config' }, 'unknown app');
    const epoch = await seed(store);
    await store.applyCheckIn(
      APP,
      epoch,
      change('m1', { status: { to: 'granted', unlessIn: [] }, targetVersion: '1', history: [entry(T0)], counterPrefixes: ['g'] }),
      T0,
    );
    const before = await store.getInstance(APP, 'm1');
    await store.putTrackGroup(group('g1', 't1'), activity());
    const stale = change('m1', {
      attrs: attrs({ alias: 'changed' }),
      status: { to: 'error', unlessIn: [] },
      targetVersion: '2',
      error: { code: 1, name: 'x' },
      history: [entry(T0 + 5, { kind: 'status', status: 'error' })],
      counterPrefixes: ['h'],
    });
    for (const e of [epoch, epoch + 1000, 0]) {
      assert.deepStrictEqual(await store.applyCheckIn(APP, e, stale, T0 + 5), { applied: false, reason: 'stale-config' });
      assert.deepStrictEqual(await store.applyCheckIn(APP, e, { ...stale, machineId: 'm2' }, T0 + 5), {
        applied: false,
        reason: 'stale-config',
      });
    }
    assert.deepStrictEqual(await store.getInstance(APP, 'm1'), before);
    assert.equal(await store.getInstance(APP, 'm2'), null);
    assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [entry(T0)]);
    assert.deepStrictEqual(await store.getHistory(APP, 'm2', 10), []);
    assert.deepStrictEqual(await store.counters(APP), { 'g|granted': 1 });
    assert.equal(await store.countInstances(APP), 1);
    assert.deepStrictEqual((await store.listInstances(APP, { limit: 10 })).items.map((i) => i.machineId), ['m1']);
    assert.equal((await store.applyCheckIn(APP, await epochOf(store), stale, T0 + 6)).applied, true, 'the fresh epoch works');
  });

  test('instances are per app', async (store) => {
    const epoch = await seed(store);
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    const otherEpoch = await epochOf(store, OTHER_APP);
    await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'granted', unlessIn: [] }, counterPrefixes: ['p'] }), T0);
    const res = await store.applyCheckIn(OTHER_APP, otherEpoch, change('m1', { counterPrefixes: ['p'] }), T0 + 1);
    assert.deepStrictEqual(res, { applied: true, previousStatus: null, status: 'idle' });
    assert.equal((await store.getInstance(APP, 'm1'))!.status, 'granted');
    assert.equal(await store.countInstances(APP), 1);
    assert.equal(await store.countInstances(OTHER_APP), 1);
    assert.deepStrictEqual(await store.counters(APP), { 'p|granted': 1 });
    assert.deepStrictEqual(await store.counters(OTHER_APP), { 'p|idle': 1 });
  });

  test('concurrent check-ins stay consistent', async (store) => {
    const epoch = await seed(store);
    const statuses: InstanceStatus[] = ['idle', 'granted', 'downloading', 'installed'];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.applyCheckIn(
          APP,
          epoch,
          change(`m${i % 10}`, { status: { to: statuses[i % 4]!, unlessIn: [] }, counterPrefixes: ['all'], history: [entry(T0 + i)] }),
          T0 + i,
        ),
      ),
    );
    assert.equal(await store.countInstances(APP), 10);
    const counters = await store.counters(APP);
    assert.equal(Object.values(counters).reduce((a, b) => a + b, 0), 10);
    for (let m = 0; m < 10; m++) {
      const inst = (await store.getInstance(APP, `m${m}`))!;
      assert.equal(inst.status, statuses[(m + 30) % 4], 'the last write wins');
    }
  });
}

function historyCases(test: Case): void {
  test('entries come back newest first with exactly the fields given', async (store) => {
    const epoch = await seed(store);
    const bare: HistoryEntry = { at: T0 + 1, kind: 'grant', version: '3100.0.0', repeat: 1 };
    const full: HistoryEntry = {
      at: T0 + 2,
      kind: 'event',
      eventType: 3,
      eventResult: 0,
      errorCode: 0,
      errorName: '',
      previousVersion: '',
      version: '3100.0.0',
      status: 'error',
      repeat: 3,
    };
    const odd: HistoryEntry = {
      at: T0 + 3,
      kind: 'status',
      errorName: 'a|b,c;"d\'\ne',
      previousVersion: '3033.2.0',
      version: '',
      status: 'deferred',
      repeat: 1,
    };
    await store.applyCheckIn(APP, epoch, change('m1', { history: [bare, full] }), T0 + 2);
    await store.applyCheckIn(APP, epoch, change('m1', { history: [odd] }), T0 + 3);
    const got = await store.getHistory(APP, 'm1', 10);
    assert.deepStrictEqual(got, [odd, full, bare]);
    assert.ok(!('eventType' in got[2]!) && !('status' in got[2]!), 'absent optional fields stay absent');
    assert.deepStrictEqual(await store.getHistory(APP, 'm1', 2), [odd, full]);
    assert.deepStrictEqual(await store.getHistory(APP, 'nobody', 10), []);
    assert.deepStrictEqual(await store.getHistory(OTHER_APP, 'm1', 10), []);
  });

  test('identical consecutive entries fold: repeat adds up, at moves to the newest', async (store) => {
    const epoch = await seed(store);
    const check = (at: number, repeat = 1) => entry(at, { kind: 'event', eventType: 3, eventResult: 2, repeat });
    await store.applyCheckIn(APP, epoch, change('m1', { history: [check(T0 + 1), check(T0 + 2)] }), T0 + 2);
    assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [check(T0 + 2, 2)], 'folds within one change');
    await store.applyCheckIn(APP, epoch, change('m1', { history: [check(T0 + 3, 5)] }), T0 + 3);
    assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [check(T0 + 3, 7)], 'folds across check-ins');

    // Each differing field stops the fold.
    const variants: HistoryEntry[] = [
      entry(T0 + 10, { kind: 'status' }),
      entry(T0 + 11, { kind: 'status', eventType: 13 }),
      entry(T0 + 12, { kind: 'status', eventType: 13, eventResult: 1 }),
      entry(T0 + 13, { kind: 'status', eventType: 13, eventResult: 1, errorCode: 0 }),
      entry(T0 + 14, { kind: 'status', eventType: 13, eventResult: 1, errorCode: 0, errorName: '' }),
      entry(T0 + 15, { kind: 'status', eventType: 13, eventResult: 1, errorCode: 0, errorName: '', previousVersion: '' }),
      entry(T0 + 16, { kind: 'status', eventType: 13, eventResult: 1, errorCode: 0, errorName: '', previousVersion: '', version: 'v2' }),
      entry(T0 + 17, {
        kind: 'status',
        eventType: 13,
        eventResult: 1,
        errorCode: 0,
        errorName: '',
        previousVersion: '',
        version: 'v2',
        status: 'error',
      }),
    ];
    const noEventType = entry(T0 + 18, { kind: 'status', status: 'error' });
    delete noEventType.eventType;
    const noStatus = entry(T0 + 19, { kind: 'status', status: 'error' });
    delete noStatus.eventType;
    delete noStatus.status;
    const noStatusAgain = { ...noStatus, at: T0 + 20, repeat: 2 };
    await store.applyCheckIn(APP, epoch, change('m1', { history: [...variants, noEventType, noStatus, noStatusAgain] }), T0 + 20);
    const got = await store.getHistory(APP, 'm1', 100);
    assert.deepStrictEqual(got, [
      { ...noStatus, at: T0 + 20, repeat: 3 },
      noEventType,
      ...[...variants].reverse(),
      check(T0 + 3, 7),
    ]);
  });

  test(`history keeps the newest HISTORY_CAP (${HISTORY_CAP}) entries`, async (store) => {
    const epoch = await seed(store);
    const all = Array.from({ length: HISTORY_CAP + 8 }, (_, i) => entry(T0 + i, { version: `v${i}` }));
    await store.applyCheckIn(APP, epoch, change('m1', { history: all.slice(0, 20) }), T0 + 20);
    await store.applyCheckIn(APP, epoch, change('m1', { history: all.slice(20) }), T0 + 40);
    const got = await store.getHistory(APP, 'm1', 1000);
    assert.equal(got.length, HISTORY_CAP);
    assert.deepStrictEqual(got, all.slice(-HISTORY_CAP).reverse());
    // A fold at the cap keeps the size and updates the newest entry.
    await store.applyCheckIn(APP, epoch, change('m1', { history: [{ ...all.at(-1)!, at: T0 + 99 }] }), T0 + 99);
    const folded = await store.getHistory(APP, 'm1', 1000);
    assert.equal(folded.length, HISTORY_CAP);
    assert.deepStrictEqual(folded[0], { ...all.at(-1)!, at: T0 + 99, repeat: 2 });
    assert.deepStrictEqual(folded.at(-1), all.at(-HISTORY_CAP));
    // One more distinct entry at the cap drops exactly the oldest.
    const extra = entry(T0 + 100, { version: 'newest' });
    await store.applyCheckIn(APP, epoch, change('m1', { history: [extra] }), T0 + 100);
    const shifted = await store.getHistory(APP, 'm1', 1000);
    assert.equal(shifted.length, HISTORY_CAP);
    assert.deepStrictEqual(shifted[0], extra);
    assert.deepStrictEqual(shifted.at(-1), all.at(-HISTORY_CAP + 1));
  });
}

function counterCases(test: Case): void {
  test('buckets are prefix|status; instances move between them; zero buckets vanish', async (store) => {
    const epoch = await seed(store);
    assert.deepStrictEqual(await store.counters(APP), {});
    const to = (s: InstanceStatus) => ({ to: s, unlessIn: [] as InstanceStatus[] });
    await store.applyCheckIn(APP, epoch, change('m1', { counterPrefixes: ['all', 'grp:stable'] }), T0);
    await store.applyCheckIn(APP, epoch, change('m2', { counterPrefixes: ['all', 'grp:stable'] }), T0);
    assert.deepStrictEqual(await store.counters(APP), { 'all|idle': 2, 'grp:stable|idle': 2 });

    await store.applyCheckIn(APP, epoch, change('m1', { status: to('granted'), counterPrefixes: ['all', 'grp:stable'] }), T0 + 1);
    assert.deepStrictEqual(await store.counters(APP), {
      'all|idle': 1,
      'all|granted': 1,
      'grp:stable|idle': 1,
      'grp:stable|granted': 1,
    });

    await store.applyCheckIn(APP, epoch, change('m2', { status: to('granted'), counterPrefixes: ['all', 'grp:beta'] }), T0 + 2);
    assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 2, 'grp:stable|granted': 1, 'grp:beta|granted': 1 });

    // unlessIn keeps the status, so the bucket uses the kept status.
    await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'idle', unlessIn: ['granted'] }, counterPrefixes: ['all'] }), T0 + 3);
    assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 2, 'grp:beta|granted': 1 });

    await store.applyCheckIn(APP, epoch, change('m1', { status: null, counterPrefixes: [] }), T0 + 4);
    await store.applyCheckIn(APP, epoch, change('m2', { status: to('error'), counterPrefixes: ['all'] }), T0 + 5);
    assert.deepStrictEqual(await store.counters(APP), { 'all|error': 1 });
    await store.applyCheckIn(APP, epoch, change('m2', { status: to('error'), counterPrefixes: ['all'] }), T0 + 6);
    assert.deepStrictEqual(await store.counters(APP), { 'all|error': 1 }, 'an unchanged membership counts once');
    assert.deepStrictEqual(await store.counters('unknown-app'), {});
  });

  test('the rollout counter counts the final target with the final status, until the node leaves it', async (store) => {
    const epoch = await seed(store);
    const to = (s: InstanceStatus) => ({ to: s, unlessIn: [] as InstanceStatus[] });
    const on = (channel: string) => ({ attrs: attrs({ channel }), counterPrefixes: [`c/${channel}`], targetCounter: `t/${channel}` });
    await store.applyCheckIn(APP, epoch, change('m1', on('stable')), T0);
    assert.deepStrictEqual(await store.counters(APP), { 'c/stable|idle': 1 }, 'no target: no rollout bucket');
    await store.applyCheckIn(APP, epoch, change('m1', { ...on('stable'), status: to('granted'), targetVersion: '3100.0.0' }), T0 + 1);
    // unlessIn keeps `granted`: the rollout bucket takes the kept status, like the others.
    await store.applyCheckIn(APP, epoch, change('m1', { ...on('stable'), status: { to: 'idle', unlessIn: ['granted'] } }), T0 + 2);
    assert.deepStrictEqual(await store.counters(APP), { 'c/stable|granted': 1, 't/stable/3100.0.0|granted': 1 });
    await store.applyCheckIn(APP, epoch, change('m1', { ...on('beta'), status: to('installed') }), T0 + 3);
    assert.deepStrictEqual(await store.counters(APP), { 'c/beta|installed': 1, 't/beta/3100.0.0|installed': 1 }, 'the stored target, in the new channel');
    await store.applyCheckIn(APP, epoch, change('m1', { ...on('beta'), status: to('granted'), targetVersion: '3200.0.0' }), T0 + 4);
    await store.applyCheckIn(APP, epoch, change('m2', { ...on('beta'), status: to('granted'), targetVersion: '3200.0.0' }), T0 + 4);
    assert.deepStrictEqual(await store.counters(APP), { 'c/beta|granted': 2, 't/beta/3200.0.0|granted': 2 });
    const { targetCounter: _, ...noChannel } = change('m2', { ...on(''), counterPrefixes: ['c/-'] });
    await store.applyCheckIn(APP, epoch, noChannel, T0 + 5);
    assert.deepStrictEqual(await store.counters(APP), { 'c/beta|granted': 1, 't/beta/3200.0.0|granted': 1, 'c/-|granted': 1 }, 'no channel: no rollout bucket');
    assert.equal(await store.pruneInstances(APP, T0 + 5, 10), 1);
    assert.deepStrictEqual(await store.counters(APP), { 'c/-|granted': 1 }, 'pruning forgets the rollout bucket too');
  });
}

function listingCases(test: Case): void {
  test('listInstances: newest lastCheck first, paged with a cursor, ties included once', async (store) => {
    const epoch = await seed(store);
    assert.deepStrictEqual(await store.listInstances(APP, { limit: 5 }), { items: [], next: null });
    // m0..m6 at distinct times, t0..t4 at one shared time.
    for (let i = 0; i < 7; i++) await store.applyCheckIn(APP, epoch, change(`m${i}`), T0 + i * 10);
    for (let i = 0; i < 5; i++) await store.applyCheckIn(APP, epoch, change(`t${i}`), T0 + 35);
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 20, 'paging ends');
      const page = await store.listInstances(APP, { limit: 3, cursor });
      assert.ok(page.items.length <= 3);
      for (const item of page.items) {
        seen.push(item.machineId);
        times.push(item.lastCheck);
        assert.deepStrictEqual(item, newInstance(item.machineId, item.lastCheck));
      }
      if (page.next === null) break;
      assert.equal(typeof page.next, 'string');
      cursor = page.next;
    }
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen).size, 12, 'no instance twice');
    assert.deepStrictEqual([...times].sort((a, b) => b - a), times, 'newest first');
    assert.deepStrictEqual(seen.slice(0, 3), ['m6', 'm5', 'm4']);
    assert.deepStrictEqual(new Set(seen.slice(3, 8)), new Set(['t0', 't1', 't2', 't3', 't4']));
    assert.deepStrictEqual(seen.slice(8), ['m3', 'm2', 'm1', 'm0']);

    const all = await store.listInstances(APP, { limit: 100 });
    assert.equal(all.items.length, 12);
    assert.equal(all.next, null);
    assert.deepStrictEqual((await store.listInstances(OTHER_APP, { limit: 10 })).items, []);
  });

  test('listInstances survives check-ins during paging', async (store) => {
    const epoch = await seed(store);
    for (let i = 0; i < 6; i++) await store.applyCheckIn(APP, epoch, change(`m${i}`), T0 + i);
    const first = await store.listInstances(APP, { limit: 2 });
    assert.deepStrictEqual(first.items.map((i) => i.machineId), ['m5', 'm4']);
    await store.applyCheckIn(APP, epoch, change('m0'), T0 + 100);
    await store.applyCheckIn(APP, epoch, change('m3'), T0 + 101);
    const rest: string[] = [];
    let cursor = first.next ?? undefined;
    while (cursor) {
      const page = await store.listInstances(APP, { limit: 2, cursor });
      rest.push(...page.items.map((i) => i.machineId));
      cursor = page.next ?? undefined;
    }
    assert.ok(rest.includes('m2') && rest.includes('m1'), `untouched older instances still listed: ${rest}`);
  });

  test("a bad cursor throws BadCursorError, its message starting with 'bad cursor'", async (store) => {
    const epoch = await seed(store);
    await store.applyCheckIn(APP, epoch, change('m1'), T0);
    for (const cursor of ['garbage', '!!!', 'eyJ4IjoxfQ', '{"a":1}', '\u0000']) {
      await assert.rejects(store.listInstances(APP, { limit: 5, cursor }), (err: unknown) => {
        assert.ok(err instanceof BadCursorError, `cursor ${JSON.stringify(cursor)}: ${String(err)}`);
        assert.match(err.message, /^bad cursor/, `cursor ${JSON.stringify(cursor)}`);
        return true;
      });
    }
  });

  test('one cursor form for both stores: a cursor in the embedded store\'s former form is a bad cursor', async (store) => {
    const epoch = await seed(store);
    for (let i = 0; i < 3; i++) await store.applyCheckIn(APP, epoch, change(`m${i}`), T0 + i);
    const first = await store.listInstances(APP, { limit: 1 });
    assert.equal(first.next, encodeCursor({ lastCheck: T0 + 2, machineId: 'm2' }), 'the kernel codec wrote it');
    const former = Buffer.from(`${T0 + 2}\nm2`, 'utf8').toString('base64url');
    await assert.rejects(store.listInstances(APP, { limit: 1, cursor: former }), BadCursorError);
  });

  test('countInstances counts distinct instances per app', async (store) => {
    const epoch = await seed(store);
    assert.equal(await store.countInstances(APP), 0);
    assert.equal(await store.countInstances('unknown-app'), 0);
    await store.applyCheckIn(APP, epoch, change('m1'), T0);
    await store.applyCheckIn(APP, epoch, change('m1'), T0 + 1);
    await store.applyCheckIn(APP, epoch, change('m2'), T0 + 2);
    assert.equal(await store.countInstances(APP), 2);
  });

  test('pruneInstances removes the oldest before the cutoff, with history and counters', async (store) => {
    const epoch = await seed(store);
    for (let i = 0; i < 6; i++) {
      await store.applyCheckIn(
        APP,
        epoch,
        change(`m${i}`, { status: { to: i % 2 ? 'granted' : 'idle', unlessIn: [] }, counterPrefixes: ['all'], history: [entry(T0 + i)] }),
        T0 + i * 10,
      );
    }
    assert.deepStrictEqual(await store.counters(APP), { 'all|idle': 3, 'all|granted': 3 });
    // lastCheck: m0=T0, m1=+10, m2=+20, m3=+30, m4=+40, m5=+50. Cutoff +30 is exclusive.
    assert.equal(await store.pruneInstances(APP, T0 + 30, 2), 2, 'at most limit');
    assert.equal(await store.getInstance(APP, 'm0'), null);
    assert.equal(await store.getInstance(APP, 'm1'), null);
    assert.ok(await store.getInstance(APP, 'm2'), 'oldest go first');
    assert.deepStrictEqual(await store.getHistory(APP, 'm0', 10), []);
    assert.equal(await store.countInstances(APP), 4);
    assert.deepStrictEqual(await store.counters(APP), { 'all|idle': 2, 'all|granted': 2 });

    assert.equal(await store.pruneInstances(APP, T0 + 30, 100), 1);
    assert.ok(await store.getInstance(APP, 'm3'), 'lastCheck == cutoff is kept');
    assert.equal(await store.pruneInstances(APP, T0 + 30, 100), 0);
    assert.equal(await store.countInstances(APP), 3);
    assert.deepStrictEqual(await store.counters(APP), { 'all|idle': 1, 'all|granted': 2 });
    assert.deepStrictEqual(
      (await store.listInstances(APP, { limit: 10 })).items.map((i) => i.machineId),
      ['m5', 'm4', 'm3'],
    );

    assert.equal(await store.pruneInstances(APP, T0 + 1000, 100), 3);
    assert.deepStrictEqual(await store.counters(APP), {});
    assert.equal(await store.countInstances(APP), 0);
    assert.equal(await store.pruneInstances('unknown-app', T0 + 1000, 100), 0);

    // A pruned machine that comes back is new again.
    const res = await store.applyCheckIn(APP, epoch, change('m0'), T0 + 2000);
    assert.deepStrictEqual(res, { applied: true, previousStatus: null, status: 'idle' });
    assert.deepStrictEqual(await store.getInstance(APP, 'm0'), newInstance('m0', T0 + 2000));
    assert.deepStrictEqual(await store.getHistory(APP, 'm0', 10), []);
    assert.equal(await store.countInstances(APP), 1);
  });
}

function tokenCases(test: Case): void {
  test('add, find, list, delete', async (store) => {
    const a = token('a'.repeat(64), { role: 'admin', name: 'ops' });
    const b = token('b'.repeat(64), { role: 'release', createdAt: T0 + 1 });
    assert.equal(await store.findToken(a.hash), null);
    assert.deepStrictEqual(await store.listTokens(), []);
    await store.addToken(a);
    await store.addToken(b);
    assert.deepStrictEqual(await store.findToken(a.hash), a);
    assert.deepStrictEqual(await store.findToken(b.hash), b);
    assert.deepStrictEqual((await store.listTokens()).sort((x, y) => x.hash.localeCompare(y.hash)), [a, b]);
    assert.equal(await store.deleteToken(a.hash), true);
    assert.equal(await store.deleteToken(a.hash), false);
    assert.equal(await store.findToken(a.hash), null);
    assert.deepStrictEqual(await store.listTokens(), [b]);
  });

  test('bootstrapToken adds only when no token exists, exactly once', async (store) => {
    const first = token('1'.repeat(64), { role: 'admin' });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.bootstrapToken(i === 0 ? first : token(String(i + 1).repeat(64), { role: 'admin' }))),
    );
    assert.equal(results.filter(Boolean).length, 1, 'exactly one bootstrap wins');
    assert.equal((await store.listTokens()).length, 1);
    assert.equal(await store.bootstrapToken(token('9'.repeat(64))), false);
    assert.equal((await store.listTokens()).length, 1);
  });

  test('bootstrapToken is refused once any token was added', async (store) => {
    await store.addToken(token('c'.repeat(64)));
    assert.equal(await store.bootstrapToken(token('d'.repeat(64), { role: 'admin' })), false);
    assert.equal(await store.findToken('d'.repeat(64)), null);
    assert.deepStrictEqual(await store.listTokens(), [token('c'.repeat(64))]);
    assert.equal(await store.deleteToken('c'.repeat(64)), true);
    assert.equal(await store.bootstrapToken(token('d'.repeat(64), { role: 'admin' })), true, 'empty again → bootstrap works');
  });
}
