// Store contract, continued: the unknown-track cap (rule in server/domain/counters.ts). Nodes choose
// their track, so each app counts at most UNKNOWN_TRACK_CAP unknown tracks in buckets of their own;
// further ones count under OVERFLOW_TRACK. The decision is part of the store's atomic check-in, so
// it holds for concurrent check-ins (and across processes on Redis).
import assert from 'node:assert/strict';
import { counterPrefixes, OVERFLOW_TRACK, UNKNOWN_TRACK_CAP } from '../../server/domain/counters.ts';
import type { Store } from '../../server/store/types.ts';
import { activity, APP, app, change, OTHER_APP, pkg, T0 } from './fixtures/records.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const V = '3510.2.0';
const onTrack = (track: string, version = V) => counterPrefixes({ channel: '', group: '', track, version, arch: 'amd64' });
const inGroup = (group: string) => counterPrefixes({ channel: 'stable', group, track: group, version: V, arch: 'amd64' });
const bucket = (group: string, version = V) => `g/${group}/${version}|idle`;

async function createApp(store: Store, appId: string): Promise<number> {
  assert.equal(await store.createApp(app(appId), activity(appId)), 'created');
  assert.equal(await store.addPackage(pkg(V, 'amd64', { appId }), activity(appId, { kind: 'package-added' })), 'created');
  return (await store.loadAppConfig(appId))!.epoch;
}

/** Unknown-track group buckets (`g/?…`) of the app → count. */
async function unknownGroups(store: Store, appId = APP): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await store.counters(appId)).filter(([b]) => b.startsWith('g/?')));
}

/** Checks in `u0..u<n-1>` on tracks `t0..t<n-1>`, concurrently. */
async function fill(store: Store, epoch: number, n: number, at = T0): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => store.applyCheckIn(APP, epoch, change(`u${i}`, { counterPrefixes: onTrack(`t${i}`) }), at + i)),
  );
  assert.ok(results.every((r) => r.applied));
}

export function unknownTrackCases(test: Case): void {
  test('unknown tracks beyond the cap count under the overflow track, per app', async (store) => {
    const epoch = await createApp(store, APP);
    await fill(store, epoch, UNKNOWN_TRACK_CAP - 2);
    // Five new tracks at once with two places left: exactly two get their own bucket.
    const late = ['n0', 'n1', 'n2', 'n3', 'n4'];
    await Promise.all(late.map((t, i) => store.applyCheckIn(APP, epoch, change(`x${i}`, { counterPrefixes: onTrack(t) }), T0 + 500)));
    let groups = await unknownGroups(store);
    assert.equal(Object.keys(groups).length, UNKNOWN_TRACK_CAP + 1, 'the cap, plus the overflow track');
    assert.equal(groups[bucket(OVERFLOW_TRACK)], 3);
    assert.equal(late.filter((t) => groups[bucket(`?${t}`)] === 1).length, 2);
    assert.equal((await store.counters(APP))[`c/-/${V}|idle`], UNKNOWN_TRACK_CAP + 3, 'every node still counted');

    // A tracked track takes more nodes; a node keeps its own track, whatever its version.
    await store.applyCheckIn(APP, epoch, change('y', { counterPrefixes: onTrack('t5') }), T0 + 600);
    await store.applyCheckIn(APP, epoch, change('u3', { counterPrefixes: onTrack('t3', '3602.2.0') }), T0 + 600);
    groups = await unknownGroups(store);
    assert.equal(groups[bucket('?t5')], 2);
    assert.equal(groups[bucket('?t3', '3602.2.0')], 1);
    assert.equal(groups[bucket('?t3')], undefined);

    // Another app has its own places.
    const other = await createApp(store, OTHER_APP);
    await store.applyCheckIn(OTHER_APP, other, change('o', { counterPrefixes: onTrack('n4') }), T0 + 700);
    assert.deepStrictEqual(await unknownGroups(store, OTHER_APP), { [bucket('?n4')]: 1 });
  });

  test('a track whose last node leaves frees its place; only buckets are read back', async (store) => {
    const epoch = await createApp(store, APP);
    await fill(store, epoch, UNKNOWN_TRACK_CAP, T0 + 100);
    const checkIn = (m: string, prefixes: string[], at: number) => store.applyCheckIn(APP, epoch, change(m, { counterPrefixes: prefixes }), at);
    await checkIn('late', onTrack('fresh'), T0 + 500);
    assert.equal((await unknownGroups(store))[bucket(OVERFLOW_TRACK)], 1);

    // u0 joins a group: t0 has no node left, so `fresh` gets a bucket at late's next check-in.
    await checkIn('u0', inGroup('prod'), T0 + 600);
    await checkIn('late', onTrack('fresh'), T0 + 601);
    let groups = await unknownGroups(store);
    assert.equal(groups[bucket('?fresh')], 1);
    assert.equal(groups[bucket(OVERFLOW_TRACK)], undefined);
    assert.equal(Object.keys(groups).length, UNKNOWN_TRACK_CAP);

    // Full again: a newcomer overflows until pruning removes the only node of t1 (lastCheck T0+101).
    await checkIn('z', onTrack('later'), T0 + 700);
    assert.equal((await unknownGroups(store))[bucket(OVERFLOW_TRACK)], 1);
    assert.equal(await store.pruneInstances(APP, T0 + 102, 10), 1);
    await checkIn('z', onTrack('later'), T0 + 800);
    groups = await unknownGroups(store);
    assert.equal(groups[bucket('?later')], 1);
    assert.equal(groups[bucket('?t1')], undefined);
    assert.equal(groups[bucket(OVERFLOW_TRACK)], undefined);

    // What counters() gives back is buckets only (`<prefix>|<status>`), on every store.
    const counters = await store.counters(APP);
    assert.ok(Object.keys(counters).every((b) => b.includes('|')), 'no bookkeeping fields');
    assert.equal(Object.values(counters).reduce((a, b) => a + b, 0), 3 * (await store.countInstances(APP)), 'each node in one channel, one group and one arch bucket');
    assert.equal(await store.pruneInstances(APP, T0 + 10_000, 1000), UNKNOWN_TRACK_CAP + 1);
    assert.deepStrictEqual(await store.counters(APP), {});
  });
}
