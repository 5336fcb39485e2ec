// Model test of the instance stores: seeded random sequences of check-ins (several machines, random
// versions, tracks, events, status moves, grants to versions and errors), grants under small group
// limits (safe mode, a period limit, an in-progress limit), stale epochs, release writes that move
// the epoch, publish versions and move a group to another channel (so nodes move between rollout
// counters), nodes reporting `installed` and rebooting (a new boot id) on some version (a reboot
// from installed onto another version than the target is counted as reverted), clock steps, prunes, grant timeouts and stale
// marks (with the store's watermark; nodes come back by checking in) run against an in-memory model built only from
// domain/apply-check-in.ts and domain/rollout/limits.ts, and against both stores. After every step
// the instance records, histories, counters (the failure counters among them), unknown-track and unknown-version tallies, the progress
// bookkeeping (who is in progress where since when, each group's grants) and every answer must
// match the model, so neither the SQLite path nor the Lua scripts can drift from the pure rules.
// Small limits (history 4, 2 unknown tracks, 2 unknown versions) reach every cap in a few steps.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { applyCheckIn, forgetInstance, markStale, timeOut, type CheckInLimits, type CounterMove } from '../../server/domain/apply-check-in.ts';
import { GRANT_RETENTION_MS, grantHold, type Progress } from '../../server/domain/rollout/limits.ts';
import { counterPrefixes, OVERFLOW_TRACK, targetCounterPrefix, unknownVersionOf } from '../../server/domain/counters.ts';
import { indexRelease, type ReleaseIndex } from '../../server/domain/release-index.ts';
import { INSTANCE_STATUSES, type InstanceStatus } from '../../server/domain/statuses.ts';
import type { GrantLimits, HistoryEntry, InstanceRecord } from '../../server/domain/types.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { createRedisStore } from '../../server/store/redis/index.ts';
import { storeKeys } from '../../server/store/redis/keys.ts';
import type { CheckInResult, InstanceChange, Store } from '../../server/store/types.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { activity, APP, app, attrs, channel, group, pkg, T0 } from './fixtures/records.ts';

const LIMITS: CheckInLimits = { history: 4, unknownTracks: 2, unknownVersions: 2 };
const MACHINES = ['m0', 'm1', 'm2', 'm3', 'm4'];
const VERSIONS = ['3033.2.0', '3100.0.0', '1.2.3', '4.5.6', '7.8.9', 'ForcedUpdate', ''];
// The two grouped tracks twice: a machine then often checks in again on a channel, with a target.
const TRACKS = ['stable', 'beta', 'stable', 'beta', 't1', 't2', 't3', 'we|ird,t', ''];
/** Channels the group `stable` is moved between (the group `beta` stays on `beta`). */
const CHANNELS = ['stable', 'beta'];

/** The track groups (their ids are their tracks). */
const GROUPS = ['stable', 'beta'];

type Tallies = { tracks: [string, number][]; versions: [string, number][] };
/** In progress: [machine, group, since] by machine; each group's grants: [group, machine, at] by group and machine. */
type ProgressState = { progress: [string, string, number][]; grants: [string, string, number][] };
/** A grant's limits as the op draws them; the group is the node's, the safe-mode bucket its target's. */
type OpLimits = { perPeriod: { count: number; periodMs: number } | null; maxInProgress: number | null; safeMode: boolean };
type Op =
  | { kind: 'check-in'; machine: string; version: string; track: string; alias: string; boot: string; stale: 0 | -1 | 1; status: InstanceChange['status']; completion?: InstanceChange['completion']; target?: string; error?: { code: number; name: string }; history: HistoryEntry[]; limits?: OpLimits }
  | { kind: 'publish'; version: string }
  | { kind: 'promote'; version: string }
  | { kind: 'regroup'; channel: string }
  | { kind: 'tick'; ms: number }
  | { kind: 'prune'; back: number; limit: number }
  | { kind: 'mark-stale'; back: number; limit: number }
  | { kind: 'time-out'; group: string; back: number; limit: number };

const status = fc.constantFrom(...INSTANCE_STATUSES);
const entryTemplate = fc.constantFrom<Omit<HistoryEntry, 'at' | 'version'>>(
  { kind: 'event', eventType: 3, eventResult: 2, repeat: 1 },
  { kind: 'event', eventType: 13, eventResult: 1, status: 'downloading', repeat: 1 },
  { kind: 'event', eventType: 3, eventResult: 0, errorCode: 7, errorName: 'PayloadHashMismatch', status: 'error', repeat: 1 },
  { kind: 'grant', status: 'granted', repeat: 2 },
  { kind: 'status', status: 'deferred', previousVersion: '3033.2.0', repeat: 1 },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('check-in' as const),
      machine: fc.constantFrom(...MACHINES),
      version: fc.constantFrom(...VERSIONS),
      track: fc.constantFrom(...TRACKS),
      alias: fc.constantFrom('a', 'b'),
      boot: fc.constantFrom('b1', 'b1', 'b1', 'b2', ''),
      stale: fc.constantFrom<(0 | -1 | 1)[]>(0, 0, 0, 0, 0, -1, 1),
      status: fc.option(fc.record({ to: status, unlessIn: fc.uniqueArray(status, { maxLength: 3 }) })),
      completion: fc.option(fc.record({ version: fc.constantFrom('3100.0.0', '3033.2.0'), from: fc.uniqueArray(status, { minLength: 1, maxLength: 3 }) }), { nil: undefined }),
      target: fc.option(fc.constantFrom('', '3100.0.0', '3033.2.0', '4.5.6'), { nil: undefined }),
      error: fc.option(fc.record({ code: fc.constantFrom(0, 7), name: fc.constantFrom('', 'x') }), { nil: undefined }),
      history: fc.array(fc.tuple(entryTemplate, fc.constantFrom(...VERSIONS.slice(0, 3))).map(([e, version]) => ({ ...e, version, at: 0 })), { maxLength: 4 }),
    }, { requiredKeys: ['kind', 'machine', 'version', 'track', 'alias', 'boot', 'stale', 'status', 'history'] }),
  },
  {
    // A grant, often under limits small enough to bind among five machines.
    weight: 8,
    arbitrary: fc
      .record({
        machine: fc.constantFrom(...MACHINES),
        version: fc.constantFrom('3033.2.0', '3100.0.0'),
        track: fc.constantFrom('stable', 'beta', 'stable', 'beta', 't1'),
        stale: fc.constantFrom<(0 | -1 | 1)[]>(0, 0, 0, 0, 0, 0, -1),
        unlessIn: fc.constantFrom<InstanceStatus[][]>([], [], ['installed'], ['complete', 'error']),
        target: fc.constantFrom('3100.0.0', '3033.2.0'),
        limits: fc.option(
          fc.record({
            perPeriod: fc.option(fc.record({ count: fc.integer({ min: 1, max: 3 }), periodMs: fc.integer({ min: 100, max: 3000 }) }), { nil: null }),
            maxInProgress: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
            safeMode: fc.boolean(),
          }),
          { nil: undefined, freq: 4 },
        ),
      })
      .map(({ unlessIn, target, limits, ...o }): Op => ({
        kind: 'check-in',
        ...o,
        alias: 'a',
        boot: 'b1',
        status: { to: 'granted', unlessIn },
        target,
        history: [{ kind: 'grant', status: 'granted', version: target, repeat: 1, at: 0 }],
        ...(limits !== undefined && { limits }),
      })),
  },
  {
    // A node reports its update installed (3/1: waiting to reboot), from the boot it was granted in.
    weight: 2,
    arbitrary: fc.record({ machine: fc.constantFrom(...MACHINES), version: fc.constantFrom('3033.2.0', '3100.0.0'), track: fc.constantFrom('stable', 'beta') }).map(
      (o): Op => ({ kind: 'check-in', ...o, alias: 'a', boot: 'b1', stale: 0, status: { to: 'installed', unlessIn: [] }, history: [] }),
    ),
  },
  {
    // A node checks in from a new boot: on the target (an unreported completion) or on another version.
    weight: 2,
    arbitrary: fc
      .record({
        machine: fc.constantFrom(...MACHINES),
        version: fc.constantFrom('3033.2.0', '3100.0.0', '1.2.3'),
        track: fc.constantFrom('stable', 'beta', 't1'),
        boot: fc.integer({ min: 0, max: 1_000_000 }).map((n) => `r${n}`),
        completes: fc.boolean(),
      })
      .map(({ completes, ...o }): Op => ({
        kind: 'check-in',
        ...o,
        alias: 'a',
        stale: 0,
        status: null,
        ...(completes && { completion: { version: o.version, from: ['installed'] } }),
        history: [],
      })),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('time-out' as const), group: fc.constantFrom(...GROUPS, 'nope'), back: fc.integer({ min: 0, max: 2000 }), limit: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('publish' as const), version: fc.constantFrom('3100.0.0', '1.2.3', '4.5.6') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('promote' as const), version: fc.constant('3033.2.0') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('regroup' as const), channel: fc.constantFrom(...CHANNELS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('prune' as const), back: fc.integer({ min: 0, max: 2000 }), limit: fc.integer({ min: 1, max: 3 }) }) },
);
/** A stale sweep: the store's markStale with a cutoff `back` ms ago (limit 0 included). */
const markStaleOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('mark-stale' as const), back: fc.integer({ min: 0, max: 300 }), limit: fc.integer({ min: 0, max: 3 }) });
/** Clock steps, so that nodes go quiet for longer than a sweep's cutoff. */
const tickOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 600 }) });
/** Grant timeouts again, so that a stale node in progress gets timed out. */
const timeOutOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('time-out' as const), group: fc.constantFrom(...GROUPS), back: fc.integer({ min: 0, max: 300 }), limit: fc.integer({ min: 1, max: 3 }) });

interface ModelInstance {
  record: InstanceRecord;
  buckets: readonly string[];
  talliedVersion: string | null;
  /** Oldest first. */
  history: HistoryEntry[];
  progress: Progress | null;
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const byText = <T extends unknown[]>(rows: T[]): T[] => rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** The reference: applyCheckIn, grantHold, timeOut and forgetInstance carried out on maps. */
function createModel() {
  const instances = new Map<string, ModelInstance>();
  /** group → machine → its latest grant time there. */
  const grants = new Map<string, Map<string, number>>();
  const counters = new Map<string, number>();
  const tracks = new Map<string, number>();
  const versions = new Map<string, number>();
  const bump = (m: Map<string, number>, name: string | null, by: number) => {
    if (name === null) return;
    const n = (m.get(name) ?? 0) + by;
    if (n > 0) m.set(name, n);
    else m.delete(name);
  };
  const move = (c: CounterMove) => {
    for (const b of c.leave) bump(counters, b, -1);
    for (const b of c.join) bump(counters, b, 1);
    bump(tracks, c.tracks.leave, -1);
    bump(tracks, c.tracks.join, 1);
    bump(versions, c.versions.leave, -1);
    bump(versions, c.versions.join, 1);
  };
  const tally = (m: Map<string, number>) => ({ has: (n: string) => m.has(n), count: () => m.size });
  const inGroup = (group: string) => [...instances.values()].filter((i) => i.progress?.group === group);
  const counts = {
    grantedSince: (group: string, since: number) => [...(grants.get(group)?.values() ?? [])].filter((at) => at > since).length,
    inProgress: (group: string) => inGroup(group).length,
    bucket: (name: string) => counters.get(name) ?? 0,
  };
  const stored = (cur: ModelInstance) => ({ ...cur.record, buckets: cur.buckets, talliedVersion: cur.talliedVersion, newestEntry: cur.history.at(-1) ?? null, historyLength: cur.history.length, progress: cur.progress });
  const edit = (old: HistoryEntry[], e: ReturnType<typeof applyCheckIn>['history']) => {
    const history = [...old];
    if (e.foldedNewest) history[history.length - 1] = e.foldedNewest;
    history.push(...e.appended);
    history.splice(0, e.dropOldest);
    return history;
  };
  return {
    epoch: 0,
    instances,
    /** The failure bucket the last applied check-in counted, or null. */
    lastFailure: null as string | null,
    checkIn(epoch: number, change: InstanceChange, now: number): CheckInResult {
      this.lastFailure = null;
      if (epoch !== this.epoch) return { applied: false, reason: 'stale-config' };
      const cur = instances.get(change.machineId);
      const out = applyCheckIn(cur ? stored(cur) : null, change, now, { tracks: tally(tracks), versions: tally(versions) }, LIMITS);
      const hold = grantHold(change.grantLimits, out.progress, now, counts);
      if (hold !== null) return { applied: false, reason: 'held', hold };
      const { buckets, talliedVersion, progress, ...fields } = out.instance;
      const history = edit(cur?.history ?? [], out.history);
      instances.set(change.machineId, { record: { appId: APP, machineId: change.machineId, ...change.attrs, ...fields }, buckets, talliedVersion, history, progress });
      move(out.counters);
      bump(counters, out.failure, 1);
      this.lastFailure = out.failure;
      if (out.progress.entered && progress) {
        const g = grants.get(progress.group) ?? new Map<string, number>();
        g.set(change.machineId, now);
        for (const [m, at] of g) if (at <= now - GRANT_RETENTION_MS) g.delete(m);
        grants.set(progress.group, g);
      }
      return { applied: true, previousStatus: out.previousStatus, status: fields.status };
    },
    timeOut(group: string, before: number, now: number, limit: number): string[] {
      const victims = inGroup(group)
        .filter((i) => i.progress!.since < before)
        .sort((a, b) => a.progress!.since - b.progress!.since || (a.record.machineId < b.record.machineId ? -1 : 1))
        .slice(0, limit);
      for (const v of victims) {
        const out = timeOut(stored(v), now, LIMITS);
        instances.set(v.record.machineId, {
          ...v,
          record: { ...v.record, status: out.status, statusSince: out.statusSince },
          buckets: out.buckets,
          history: edit(v.history, out.history),
          progress: null,
        });
        move(out.counters);
      }
      return victims.map((v) => v.record.machineId);
    },
    /** The stale watermark: every instance at or before (lastCheck, machine id) was looked at. */
    staleMark: [0, ''] as [number, string],
    markStale(before: number, limit: number): number {
      if (limit <= 0) return 0;
      const [markAt, markId] = this.staleMark;
      const past = (i: ModelInstance) => i.record.lastCheck > markAt || (i.record.lastCheck === markAt && i.record.machineId > markId);
      const victims = [...instances.values()]
        .filter((i) => !i.record.stale && i.record.lastCheck < before && past(i))
        .sort((a, b) => a.record.lastCheck - b.record.lastCheck || (a.record.machineId < b.record.machineId ? -1 : 1))
        .slice(0, limit);
      for (const v of victims) {
        const out = markStale(stored(v));
        instances.set(v.record.machineId, { ...v, record: { ...v.record, stale: true }, buckets: out.buckets });
        move(out.counters);
      }
      const last = victims.at(-1);
      const to: [number, string] = victims.length === limit && last ? [last.record.lastCheck, last.record.machineId] : [before, ''];
      if (to[0] > markAt || (to[0] === markAt && to[1] > markId)) this.staleMark = to;
      return victims.length;
    },
    prune(before: number, limit: number): number {
      const victims = [...instances.values()]
        .filter((i) => i.record.lastCheck < before)
        .sort((a, b) => a.record.lastCheck - b.record.lastCheck || (a.record.machineId < b.record.machineId ? -1 : 1))
        .slice(0, limit);
      for (const v of victims) {
        instances.delete(v.record.machineId);
        move(forgetInstance(v));
      }
      return victims.length;
    },
    counters: () => sorted(counters),
    tallies: (): Tallies => ({ tracks: sorted(tracks), versions: sorted(versions) }),
    progress: (): ProgressState => ({
      progress: byText([...instances.values()].filter((i) => i.progress).map((i): [string, string, number] => [i.record.machineId, i.progress!.group, i.progress!.since])),
      grants: byText([...grants].flatMap(([g, m]) => [...m].map(([id, at]): [string, string, number] => [g, id, at]))),
    }),
  };
}

/** What the random runs reached, so the test can prove every rule was exercised. */
const seen = new Set<string>();

/** The rollout counter prefix among buckets (`t/<channel>/<target>`), or null. */
const rolloutPrefix = (buckets: readonly string[] | undefined) => buckets?.find((b) => b.startsWith('t/'))?.split('|')[0] ?? null;

function noteOutcome(change: InstanceChange, res: CheckInResult, model: ReturnType<typeof createModel>, before: string | null, progressBefore: Progress | null) {
  if (!res.applied) return seen.add(res.reason === 'held' ? `held-${res.hold}` : 'stale');
  if (model.lastFailure !== null) seen.add('reverted');
  noteProgress(change, model.instances.get(change.machineId)!.progress, progressBefore);
  if (change.status && res.status !== change.status.to) seen.add('unless-kept');
  if (change.completion && res.status === 'complete' && change.status?.to !== 'complete') seen.add('unreported-completion');
  const inst = model.instances.get(change.machineId)!;
  if (inst.buckets.some((b) => b.startsWith(`g/${OVERFLOW_TRACK}/`))) seen.add('track-overflow');
  if (change.unknownVersion && inst.talliedVersion === null) seen.add('version-other');
  if (inst.history.length === LIMITS.history) seen.add('history-cap');
  if (inst.history.some((e) => e.repeat > 2)) seen.add('history-fold');
  const after = rolloutPrefix(inst.buckets);
  if (after !== null) seen.add('rollout-counted');
  if (before !== null && after !== null && before !== after) {
    seen.add(before.split('/')[1] === after.split('/')[1] ? 'rollout-regrant' : 'rollout-channel-move');
  }
  if (before !== null && after === null) seen.add('rollout-left');
}

function noteProgress(change: InstanceChange, after: Progress | null, before: Progress | null) {
  if (before && after && before.group !== after.group) seen.add('progress-moved');
  if (before && after === before && change.grantLimits && change.targetVersion) seen.add('regrant-kept');
  if (before && !after) seen.add('progress-left');
  if (!before && after && change.grantLimits) seen.add('granted-under-limits');
}

/** The change a check-in op makes, under the release `index`, at `now`. */
function changeOf(o: Extract<Op, { kind: 'check-in' }>, index: ReleaseIndex, now: number): InstanceChange {
  const g = index.groupsByTrack.get(o.track);
  const a = attrs({ alias: o.alias, bootId: o.boot, version: o.version, track: o.track, group: g?.id ?? '', channel: g?.channel ?? '' });
  const unknownVersion = unknownVersionOf(index, a.version);
  const limits: GrantLimits | undefined = o.limits && g && {
    group: g.id,
    perPeriod: o.limits.perPeriod,
    maxInProgress: o.limits.maxInProgress,
    safeModeBucket: o.limits.safeMode ? `g/${g.id}/${o.target}|complete` : null,
  };
  return {
    machineId: o.machine,
    attrs: a,
    status: o.status,
    ...(o.completion !== undefined && { completion: o.completion }),
    ...(o.target !== undefined && { targetVersion: o.target }),
    ...(o.error !== undefined && { error: o.error }),
    history: o.history.map((e) => ({ ...e, at: now })),
    counterPrefixes: counterPrefixes(a),
    ...(a.channel !== '' && { targetCounter: targetCounterPrefix(a.channel) }),
    ...(unknownVersion !== undefined && { unknownVersion }),
    ...(limits && { grantLimits: limits }),
  };
}

async function runOps(store: Store, reads: StoreReads, ops: Op[]): Promise<void> {
  const model = createModel();
  assert.equal(await store.createApp(app(), activity()), 'created');
  assert.equal(await store.addPackage(pkg('3033.2.0'), activity()), 'created');
  assert.equal((await store.putTrackGroup(group('stable', 'stable'), activity())), 'created');
  assert.equal(await store.createChannel(channel('stable', null), activity()), 'created');
  assert.equal((await store.putTrackGroup(group('beta', 'beta', { channel: 'beta' }), activity())), 'created');
  assert.equal(await store.createChannel(channel('beta', null), activity()), 'created');
  let index: ReleaseIndex = indexRelease((await store.loadAppConfig(APP))!);
  model.epoch = index.config.epoch;
  let now = T0;
  for (const [step, o] of ops.entries()) {
    const where = `step ${step} ${JSON.stringify(o)}`;
    if (o.kind === 'check-in') {
      const change = changeOf(o, index, now);
      const before = rolloutPrefix(model.instances.get(o.machine)?.buckets);
      const progressBefore = model.instances.get(o.machine)?.progress ?? null;
      const wasStale = model.instances.get(o.machine)?.record.stale === true;
      const want = model.checkIn(model.epoch + o.stale, change, now);
      if (wasStale && want.applied) seen.add('came-back');
      assert.deepStrictEqual(await store.applyCheckIn(APP, model.epoch + o.stale, change, now), want, where);
      noteOutcome(change, want, model, before, progressBefore);
    } else if (o.kind === 'publish' || o.kind === 'promote' || o.kind === 'regroup') {
      const res =
        o.kind === 'publish'
          ? await store.addPackage(pkg(o.version), activity())
          : o.kind === 'promote'
            ? await store.promoteChannel(channel('stable', o.version), activity())
            : await store.putTrackGroup(group('stable', 'stable', { channel: o.channel }), activity());
      index = indexRelease((await store.loadAppConfig(APP))!);
      if (res !== 'exists') model.epoch++;
      assert.equal(index.config.epoch, model.epoch, `${where}: a release write moves the epoch`);
    } else if (o.kind === 'tick') {
      now += o.ms;
    } else if (o.kind === 'mark-stale') {
      const want = model.markStale(now - o.back, o.limit);
      if (want > 0) seen.add('marked-stale');
      assert.equal(await store.markStale(APP, now - o.back, o.limit), want, where);
    } else if (o.kind === 'time-out') {
      const staleBefore = new Set([...model.instances.values()].filter((i) => i.record.stale).map((i) => i.record.machineId));
      const want = model.timeOut(o.group, now - o.back, now, o.limit);
      if (want.some((m) => staleBefore.has(m))) seen.add('stale-timed-out');
      if (want.length > 0) seen.add('timed-out');
      assert.deepStrictEqual(await store.timeOutGrants(APP, o.group, now - o.back, now, o.limit), want, where);
    } else {
      const inProgress = model.progress().progress.length;
      const want = model.prune(now - o.back, o.limit);
      if (want > 0) seen.add('pruned');
      if (model.progress().progress.length < inProgress) seen.add('pruned-in-progress');
      assert.equal(await store.pruneInstances(APP, now - o.back, o.limit), want, where);
    }
    for (const m of MACHINES) {
      const inst = model.instances.get(m);
      assert.deepStrictEqual(await store.getInstance(APP, m), inst?.record ?? null, `${where}: instance ${m}`);
      assert.deepStrictEqual(await store.getHistory(APP, m, 100), [...(inst?.history ?? [])].reverse(), `${where}: history ${m}`);
    }
    assert.deepStrictEqual(sorted(new Map(Object.entries(await store.counters(APP)))), model.counters(), `${where}: counters`);
    assert.deepStrictEqual(await reads.tallies(), model.tallies(), `${where}: tallies`);
    assert.deepStrictEqual(await reads.progress(), model.progress(), `${where}: progress`);
    assert.equal(await store.countInstances(APP), model.instances.size, `${where}: count`);
  }
}

/** Tally rows (`u/?<track>`, `v/<version>`: no '|') of a counters table or hash. */
function talliesOf(rows: [string, number][]): Tallies {
  const pick = (p: string) => rows.filter(([k]) => k.startsWith(p)).map(([k, n]): [string, number] => [k.slice(p.length), n]);
  return { tracks: sorted(new Map(pick('u/'))), versions: sorted(new Map(pick('v/'))) };
}

/** What a test reads from a store's own tables or keys: the parts no Store method shows. */
interface StoreReads {
  tallies(): Promise<Tallies>;
  progress(): Promise<ProgressState>;
}

const RUNS = { seed: 20261129, numRuns: 20 };
// Medium size: sequences long enough for one machine to be granted, moved and granted again.
const OPS = fc.array(op, { minLength: 1, maxLength: 40, size: 'medium' });
// The same with stale sweeps among the steps (a run of its own, so the runs above draw as before).
const STALE_OPS = fc.array(fc.oneof({ weight: 8, arbitrary: op }, { weight: 3, arbitrary: markStaleOp }, { weight: 2, arbitrary: timeOutOp }, { weight: 2, arbitrary: tickOp }), {
  minLength: 1,
  maxLength: 40,
  size: 'medium',
});

describe('model test: instance stores follow domain/apply-check-in.ts', () => {
  it('embedded', async () => {
    for (const opsOf of [OPS, STALE_OPS]) await fc.assert(
      fc.asyncProperty(opsOf, async (ops) => {
        const backend = openMemoryBackend() as Extract<Backend, { kind: 'embedded' }>;
        const store = createEmbeddedStore(backend, { limits: LIMITS });
        const rows = backend.db.prepare<[string], [string, number]>(`SELECT bucket, count FROM counters WHERE app_id = ? AND instr(bucket, '|') = 0`).raw();
        const progress = backend.db.prepare<[string], [string, string, number]>(`SELECT machine_id, progress_group, progress_since FROM instances
          WHERE app_id = ? AND progress_group IS NOT NULL`).raw();
        const grants = backend.db.prepare<[string], [string, string, number]>('SELECT grp, machine_id, granted_at FROM group_grants WHERE app_id = ?').raw();
        const reads: StoreReads = {
          tallies: async () => talliesOf(rows.all(APP)),
          progress: async () => ({ progress: byText(progress.all(APP)), grants: byText(grants.all(APP)) }),
        };
        try {
          await runOps(store, reads, ops);
        } finally {
          await store.close();
          await closeBackend(backend);
        }
      }),
      RUNS,
    );
    const all = ['stale', 'unless-kept', 'track-overflow', 'version-other', 'history-cap', 'history-fold', 'pruned', 'unreported-completion',
      'rollout-counted', 'rollout-regrant', 'rollout-channel-move', 'rollout-left', 'held-safe-mode', 'held-rate-limit', 'held-in-progress-limit',
      'granted-under-limits', 'regrant-kept', 'progress-moved', 'progress-left', 'timed-out', 'pruned-in-progress', 'reverted',
      'marked-stale', 'came-back', 'stale-timed-out'];
    assert.deepStrictEqual(all.filter((k) => !seen.has(k)), [], 'every rule is reached by the random runs');
  });

  const server = startRedis();
  after(async () => (await server).cleanup());
  it('redis', async () => {
    const backend = (await openRedisBackend((await server).url, 'model')) as Extract<Backend, { kind: 'redis' }>;
    const keys = storeKeys('model');
    const tallies = async () => {
      const rows = Object.entries(await backend.redis.hgetall(keys.counters(APP))).filter(([k]) => !k.includes('|'));
      const t = talliesOf(rows.map(([k, v]) => [k, Number(v)]));
      // The script also keeps how many names each tally holds ('u', 'v'; absent at 0).
      const size = (f: string) => Number(rows.find(([k]) => k === f)?.[1] ?? 0);
      assert.deepStrictEqual([size('u'), size('v')], [t.tracks.length, t.versions.length], 'tally sizes');
      return t;
    };
    const { redis } = backend;
    const scored = async (key: string) => {
      const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      return Array.from({ length: flat.length / 2 }, (_, i): [string, number] => [flat[2 * i]!, Number(flat[2 * i + 1])]);
    };
    const progress = async (): Promise<ProgressState> => {
      const members = await scored(keys.progress(APP));
      const groups = await Promise.all(MACHINES.map((m) => redis.hget(keys.instance(APP, m), 'pg')));
      const inProgress = members.map(([m, since]): [string, string, number] => [m, groups[MACHINES.indexOf(m)] ?? '?', since]);
      // The group field and the per-group counts say the same as the sorted set.
      assert.deepStrictEqual(MACHINES.filter((_, i) => groups[i] !== null).sort(), members.map(([m]) => m).sort(), 'pg fields');
      const perGroup = new Map<string, number>();
      for (const [, g] of inProgress) perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
      assert.deepStrictEqual(sorted(new Map(Object.entries(await redis.hgetall(keys.progressCounts(APP))).map(([g, n]) => [g, Number(n)]))), sorted(perGroup), 'progress counts');
      const grants = (await Promise.all(GROUPS.map(async (g) => (await scored(keys.groupGrants(APP, g))).map(([m, at]): [string, string, number] => [g, m, at])))).flat();
      return { progress: byText(inProgress), grants: byText(grants) };
    };
    try {
      for (const opsOf of [OPS, STALE_OPS]) await fc.assert(
        fc.asyncProperty(opsOf, async (ops) => {
          await backend.redis.flushall();
          const store = await createRedisStore(backend, { limits: LIMITS });
          try {
            await runOps(store, { tallies, progress }, ops);
          } finally {
            await store.close();
          }
        }),
        RUNS,
      );
    } finally {
      await closeBackend(backend);
    }
  });
});
