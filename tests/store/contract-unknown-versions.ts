// Store contract, continued: the unknown-version cap (rule in server/domain/counters.ts). Nodes report
// any version they like, so each app counts at most UNKNOWN_VERSION_CAP versions that name no package
// (the change's unknownVersion) in buckets of their own; further ones count as `other`. Packages
// always keep their own buckets. The decision is part of the store's atomic check-in, so it holds for
// concurrent check-ins (and across processes on Redis).
import assert from 'node:assert/strict';
import {
  counterPrefixes,
  OTHER_VERSION,
  OVERFLOW_TRACK,
  UNKNOWN_TRACK_CAP,
  UNKNOWN_VERSION_CAP,
} from '../../server/domain/counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import type { InstanceChange, Store } from '../../server/store/types.ts';
import { activity, APP, app, change, OTHER_APP, pkg, T0 } from './fixtures/records.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const KNOWN = '3510.2.0';
const prefixes = (version: string) => counterPrefixes({ channel: 'stable', group: 'stable', track: 'stable', version, arch: 'amd64' });
/** A check-in on `version`: unknown (capped) unless it is `known`, as the planner marks it. */
const on = (machineId: string, version: string, known = false): InstanceChange =>
  change(machineId, { counterPrefixes: prefixes(version), ...(known ? {} : { unknownVersion: version }) });

async function createApp(store: Store, appId: string): Promise<number> {
  assert.equal(await store.createApp(app(appId), activity(appId)), 'created');
  assert.equal(await store.addPackage(pkg(KNOWN, 'amd64', { appId }), activity(appId, { kind: 'package-added' })), 'created');
  return (await store.loadAppConfig(appId))!.epoch;
}

/** The app's instances per counted version (every instance here is on `stable`, both dimensions agree). */
async function versions(store: Store, appId = APP): Promise<Record<string, number>> {
  const counters = await store.counters(appId);
  for (const [b, n] of Object.entries(counters)) {
    if (b.startsWith('c/')) assert.equal(counters[`g/${b.slice(2)}`], n, `${b}: the group bucket agrees`);
  }
  return { ...summarize(counters, 0).byVersion };
}

/** Checks in `u0..u<n-1>` on the unknown versions `1.0.0..1.0.<n-1>`, concurrently. */
async function fill(store: Store, epoch: number, n: number, at = T0): Promise<void> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => store.applyCheckIn(APP, epoch, on(`u${i}`, `1.0.${i}`), at + i)));
  assert.ok(results.every((r) => r.applied));
}

export function unknownVersionCases(test: Case): void {
  test('unknown versions beyond the cap count as other, per app; packages keep their own', async (store) => {
    const epoch = await createApp(store, APP);
    await fill(store, epoch, UNKNOWN_VERSION_CAP - 2);
    // Five new versions at once with two places left: exactly two get their own bucket.
    const late = ['2.0.0', '2.0.1', '2.0.2', '2.0.3', '2.0.4'];
    await Promise.all(late.map((v, i) => store.applyCheckIn(APP, epoch, on(`x${i}`, v), T0 + 500)));
    let byVersion = await versions(store);
    assert.equal(Object.keys(byVersion).length, UNKNOWN_VERSION_CAP + 1, 'the cap, plus other');
    assert.equal(byVersion[OTHER_VERSION], 3);
    assert.equal(late.filter((v) => byVersion[v] === 1).length, 2);

    // A package version always has its own bucket; a tallied version takes more nodes; a node keeps
    // its own unknown version whatever else changes (here its status).
    await store.applyCheckIn(APP, epoch, on('k', KNOWN, true), T0 + 600);
    await store.applyCheckIn(APP, epoch, on('y', '1.0.5'), T0 + 600);
    await store.applyCheckIn(APP, epoch, { ...on('u3', '1.0.3'), status: { to: 'error', unlessIn: [] } }, T0 + 600);
    byVersion = await versions(store);
    assert.equal(byVersion[KNOWN], 1);
    assert.equal(byVersion['1.0.5'], 2);
    assert.equal((await store.counters(APP))['c/stable/1.0.3|error'], 1);
    assert.equal(Object.values(byVersion).reduce((a, b) => a + b, 0), UNKNOWN_VERSION_CAP + 5, 'every node still counted');

    // Another app has its own places.
    const other = await createApp(store, OTHER_APP);
    await store.applyCheckIn(OTHER_APP, other, on('o', '2.0.4'), T0 + 700);
    assert.deepStrictEqual(await versions(store, OTHER_APP), { '2.0.4': 1 });
  });

  test('a version frees its place with its last node, when published, or when pruned', async (store) => {
    let epoch = await createApp(store, APP);
    await fill(store, epoch, UNKNOWN_VERSION_CAP, T0 + 100);
    const checkIn = (c: InstanceChange, at: number) => store.applyCheckIn(APP, epoch, c, at);
    await checkIn(on('late', '9.9.9'), T0 + 500);
    assert.equal((await versions(store))[OTHER_VERSION], 1);

    // u0 moves to a package version: 1.0.0 has no node left, so 9.9.9 gets a bucket at late's next check-in.
    await checkIn(on('u0', KNOWN, true), T0 + 600);
    await checkIn(on('late', '9.9.9'), T0 + 601);
    let byVersion = await versions(store);
    assert.equal(byVersion['9.9.9'], 1);
    assert.equal(byVersion[OTHER_VERSION], undefined);
    assert.equal(byVersion['1.0.0'], undefined);

    // Full again: a newcomer counts as other until 1.0.1 is published and its node checks in with it
    // known: the node keeps its bucket, the version leaves the tally.
    await checkIn(on('z', '8.8.8'), T0 + 700);
    assert.equal((await versions(store))[OTHER_VERSION], 1);
    assert.equal(await store.addPackage(pkg('1.0.1', 'arm64'), activity(APP, { kind: 'package-added' })), 'created');
    epoch = (await store.loadAppConfig(APP))!.epoch;
    await checkIn(on('u1', '1.0.1', true), T0 + 701);
    await checkIn(on('z', '8.8.8'), T0 + 702);
    byVersion = await versions(store);
    assert.equal(byVersion['1.0.1'], 1);
    assert.equal(byVersion['8.8.8'], 1);
    assert.equal(byVersion[OTHER_VERSION], undefined);

    // Full again: a newcomer counts as other until pruning removes the only node of 1.0.2 (lastCheck T0+102).
    await checkIn(on('w', '7.7.7'), T0 + 800);
    assert.equal((await versions(store))[OTHER_VERSION], 1);
    assert.equal(await store.pruneInstances(APP, T0 + 103, 10), 1);
    await checkIn(on('w', '7.7.7'), T0 + 801);
    byVersion = await versions(store);
    assert.equal(byVersion['7.7.7'], 1);
    assert.equal(byVersion['1.0.2'], undefined);
    assert.equal(byVersion[OTHER_VERSION], undefined);
    assert.equal(Object.keys(byVersion).length, UNKNOWN_VERSION_CAP + 2, 'the cap, plus the two packages');

    // What counters() gives back is buckets only (`<prefix>|<status>`), on every store.
    const counters = await store.counters(APP);
    assert.ok(Object.keys(counters).every((b) => b.includes('|')), 'no bookkeeping fields');
    assert.equal(Object.values(counters).reduce((a, b) => a + b, 0), 3 * (await store.countInstances(APP)), 'each node in one channel, one group and one arch bucket');
    assert.equal(await store.pruneInstances(APP, T0 + 10_000, 1000), UNKNOWN_VERSION_CAP + 2);
    assert.deepStrictEqual(await store.counters(APP), {});
    // An empty app starts with all its places again.
    await fill(store, epoch, UNKNOWN_VERSION_CAP + 1, T0 + 20_000);
    assert.equal((await versions(store))[OTHER_VERSION], 1);
  });

  test('both caps apply together: an invented track and version beyond both count as ?~other / other', async (store) => {
    const epoch = await createApp(store, APP);
    const onTrack = (m: string, track: string, version: string) =>
      change(m, { counterPrefixes: counterPrefixes({ channel: '', group: '', track, version, arch: 'amd64' }), unknownVersion: version });
    const n = Math.max(UNKNOWN_TRACK_CAP, UNKNOWN_VERSION_CAP);
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => store.applyCheckIn(APP, epoch, onTrack(`f${i}`, `t${i}`, `1.0.${i}`), T0 + i)),
    );
    assert.ok(results.every((r) => r.applied));
    await store.applyCheckIn(APP, epoch, onTrack('late', 'fresh', '9.9.9'), T0 + 500);
    const counters = await store.counters(APP);
    assert.equal(counters[`c/-/${OTHER_VERSION}|idle`], 1 + n - UNKNOWN_VERSION_CAP);
    assert.equal(counters[`g/${OVERFLOW_TRACK}/${OTHER_VERSION}|idle`], 1);
    assert.equal(Object.keys(counters).filter((b) => b.startsWith('c/')).length, UNKNOWN_VERSION_CAP + 1);
    assert.equal(Object.keys(counters).filter((b) => b.startsWith('g/')).length, UNKNOWN_TRACK_CAP + 1);
  });
}
