// What a decided check-in does to the stored instance: every rule of the store step written once.
// planCheckIn (instance-state.ts) decides the change from what the node sent; applyCheckIn here
// combines it with what is stored (the instance, the app's unknown-track and unknown-version
// tallies) into the new stored state: the final status, the history edit (folding repeats,
// capping), the counter buckets left and joined and the tally moves. The embedded store calls it
// inside its transaction (read → applyCheckIn → write). The Redis script carries out the same
// rules itself, because they read state only Redis sees atomically; tests/store/model.test.ts
// holds both stores to this function (docs/ARD-001-update-check-path.md, "where each check-in rule
// lives"). The step also moves the node's progress in its group (rollout/limits.ts, whose grantHold
// says whether the change's group limits refuse it); timeOut is the server's move of a grant that
// took longer than its group allows. It also notices a node that installed its target and came
// back from a reboot on another version (revertedBucket): a failure counted in the rollout's
// `f/…|reverted` bucket (counters.ts), whatever else the change does. markStale is the server's
// move of a node not seen for the stale period into the `stale` pseudo-status (counters.ts STALE);
// its next check-in moves it back.
import { capUnknownTrack, capUnknownVersion, OVERFLOW_TRACK, STALE, targetPrefix, unknownTrackOf, UNKNOWN_TRACK_CAP, UNKNOWN_VERSION_CAP, type Tally } from './counters.ts';
import { failureBucket } from './failure-counters.ts';
import { grantingGroup, progressStep, type Progress, type ProgressStep } from './rollout/limits.ts';
import type { HistoryEntry, InstanceChange, InstanceStatus } from './types.ts';
import { editHistory, type HistoryEdit } from './history-fold.ts';

/** Most history entries kept per instance (oldest dropped first; repeats fold into one entry). */
export const HISTORY_CAP = 32;

/** The bounds of the step. Only tests choose others (small ones, to reach every cap quickly). */
export interface CheckInLimits {
  history: number;
  unknownTracks: number;
  unknownVersions: number;
}

export const CHECK_IN_LIMITS: Readonly<CheckInLimits> = {
  history: HISTORY_CAP,
  unknownTracks: UNKNOWN_TRACK_CAP,
  unknownVersions: UNKNOWN_VERSION_CAP,
};

/** What the step reads of a stored instance. */
export interface StoredInstance {
  status: InstanceStatus;
  statusSince: number;
  firstSeen: number;
  targetVersion: string;
  errorCode: number;
  errorName: string;
  /** The boot id it last reported ('' when none): another one means it rebooted since. */
  bootId: string;
  /**
   * The counter buckets it is counted in (`<prefix>|<status>`, distinct; `<prefix>|stale` while
   * stale: the rules below count a stale instance there whatever a store passes).
   */
  buckets: readonly string[];
  /** The unknown version it is tallied under, or null. */
  talliedVersion: string | null;
  /** Its newest history entry (null: none): the only one a new entry can fold into. */
  newestEntry: HistoryEntry | null;
  /** How many history entries are kept. */
  historyLength: number;
  /** The group it is in progress in and since when; null or absent: not in progress. */
  progress?: Progress | null;
  /** Marked stale (markStale) and not seen since; absent: not stale. */
  stale?: boolean;
}

/** The instance's new state, without the attributes (the change's attrs overwrite them). */
export type InstanceState = Omit<StoredInstance, 'newestEntry' | 'historyLength' | 'progress' | 'bootId' | 'stale'> & {
  lastCheck: number;
  progress: Progress | null;
  /** Always false: a check-in is a sign of life. */
  stale: false;
};

/** One instance leaving a tally entry and joining another (null: none). */
export interface TallyMove {
  leave: string | null;
  join: string | null;
}

/** Counter buckets to decrement (a bucket reaching 0 disappears) and to increment, and tally moves. */
export interface CounterMove {
  leave: string[];
  join: string[];
  tracks: TallyMove;
  versions: TallyMove;
}

/** The app's tallies as the store reads them inside its atomic step. */
export interface AppTallies {
  tracks: Tally;
  versions: Tally;
}

export interface CheckInOutcome {
  previousStatus: InstanceStatus | null;
  instance: InstanceState;
  history: HistoryEdit;
  counters: CounterMove;
  /**
   * The progress move (instance.progress is its `after`). With `entered`, the store records the
   * grant in the group's grants of the period, and must first ask grantHold (rollout/limits.ts)
   * whether the change's limits refuse the whole change.
   */
  progress: ProgressStep;
  /** A failure bucket to increment by one (the node came back on the old version), else null. */
  failure: string | null;
}

/**
 * The status precedence: an unreported completion (the stored status in `completion.from` and the
 * stored target the node's version) completes; else null keeps (a new instance starts idle),
 * unlessIn keeps, otherwise `to`.
 */
export function finalStatus(
  cur: InstanceStatus | null,
  wanted: InstanceChange['status'],
  completion?: InstanceChange['completion'],
  storedTarget = '',
): InstanceStatus {
  if (completion && completion.version !== '' && cur !== null && completion.from.includes(cur) && storedTarget === completion.version) return 'complete';
  if (wanted === null) return cur ?? 'idle';
  if (cur !== null && wanted.unlessIn.includes(cur)) return cur;
  return wanted.to;
}

/** The distinct buckets an instance with these prefixes and status is counted in. */
export function bucketsOf(prefixes: readonly string[], status: InstanceStatus | typeof STALE): string[] {
  return [...new Set(prefixes.map((p) => `${p}|${status}`))];
}

/** The counter prefixes of buckets (`<prefix>|<status>` → `<prefix>`). */
export function prefixesOf(buckets: readonly string[]): string[] {
  return buckets.map((b) => b.slice(0, b.lastIndexOf('|')));
}

/** The buckets an instance is counted in now: under `stale` while it is stale. */
function countedBuckets(cur: Pick<StoredInstance, 'buckets' | 'stale'>): readonly string[] {
  return cur.stale ? bucketsOf(prefixesOf(cur.buckets), STALE) : cur.buckets;
}

/** The move of one instance from its old buckets and tallies to its new ones (only the difference). */
function counterMove(
  before: readonly string[],
  after: readonly string[],
  talliedBefore: string | null,
  tallied: string | null,
): CounterMove {
  const was = unknownTrackOf(before);
  const now = unknownTrackOf(after);
  // The overflow track is never tallied.
  const tallyName = (t: string | null) => (t === OVERFLOW_TRACK ? null : t);
  return {
    leave: before.filter((b) => !after.includes(b)),
    join: after.filter((b) => !before.includes(b)),
    tracks: was === now ? { leave: null, join: null } : { leave: tallyName(was), join: tallyName(now) },
    versions: talliedBefore === tallied ? { leave: null, join: null } : { leave: talliedBefore, join: tallied },
  };
}

/** The counters and tallies an instance leaves when it is forgotten (pruned). */
export function forgetInstance(cur: Pick<StoredInstance, 'buckets' | 'talliedVersion' | 'stale'>): CounterMove {
  return counterMove(countedBuckets(cur), [], cur.talliedVersion, null);
}

/**
 * The failure bucket of a node that came back on the old version: it reported `installed` (3/1:
 * installed, waiting to reboot) for its stored target, and now reports another version from a new
 * boot (a non-empty boot id other than the stored one), so the reboot did not bring the target up.
 * Counted under the target of its channel (the change's); null when any of that does not hold.
 */
export function revertedBucket(cur: StoredInstance | null, change: InstanceChange): string | null {
  if (!cur || cur.status !== 'installed' || cur.targetVersion === '') return null;
  const { version, bootId, channel } = change.attrs;
  if (version === cur.targetVersion || bootId === '' || bootId === cur.bootId) return null;
  return failureBucket(channel, cur.targetVersion, 'reverted');
}

/** The store step's rules: the stored instance (null: new) and a decided change → the new state. */
export function applyCheckIn(
  cur: StoredInstance | null,
  change: InstanceChange,
  now: number,
  tallies: AppTallies,
  limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS,
): CheckInOutcome {
  const previousStatus = cur?.status ?? null;
  const status = finalStatus(previousStatus, change.status, change.completion, cur?.targetVersion);
  // A stale instance is counted under `stale`: its check-in moves it back to its status' buckets.
  const old = cur ? countedBuckets(cur) : [];
  const talliedBefore = cur?.talliedVersion ?? null;
  // The caps are decided before anything moves: against the tallies as they stand.
  const tracked = capUnknownTrack(change.counterPrefixes, old, tallies.tracks, limits.unknownTracks);
  const capped = capUnknownVersion(tracked, change.unknownVersion, talliedBefore, tallies.versions, limits.unknownVersions);
  const targetVersion = change.targetVersion ?? cur?.targetVersion ?? '';
  // After the caps: the target is a package version, and a `t/` prefix ending in the unknown
  // version must not be renamed to `other` by capUnknownVersion.
  const target = targetPrefix(change.targetCounter, targetVersion);
  const buckets = bucketsOf(target === null ? capped.prefixes : [...capped.prefixes, target], status);
  const granting = grantingGroup(status, change.targetVersion, change.grantLimits?.group ?? change.attrs.group);
  const progress = progressStep(cur?.progress ?? null, granting, status, now);
  return {
    previousStatus,
    instance: {
      status,
      statusSince: cur && cur.status === status ? cur.statusSince : now,
      firstSeen: cur?.firstSeen ?? now,
      lastCheck: now,
      targetVersion,
      errorCode: change.error ? change.error.code : (cur?.errorCode ?? 0),
      errorName: change.error ? change.error.name : (cur?.errorName ?? ''),
      buckets,
      talliedVersion: capped.tallied,
      progress: progress.after,
      stale: false,
    },
    history: editHistory(cur?.newestEntry ?? null, cur?.historyLength ?? 0, change.history, limits.history),
    counters: counterMove(old, buckets, talliedBefore, capped.tallied),
    progress,
    failure: revertedBucket(cur, change),
  };
}

/** What timing out a grant changes: the status (since now), one history entry, the counters; never lastCheck. */
export interface TimeOutOutcome {
  previousStatus: InstanceStatus;
  status: 'timed-out';
  statusSince: number;
  buckets: string[];
  history: HistoryEdit;
  counters: CounterMove;
}

/**
 * A node in progress whose grant is older than its group's updateTimeout: it moves to `timed-out`
 * (a failure), leaves progress, and its counters move as a check-in to that status would move them
 * (same prefixes, tallies untouched). The store picks the nodes (in progress in the group since
 * before the cutoff, oldest first) and applies this to each atomically.
 */
export function timeOut(cur: StoredInstance, now: number, limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS): TimeOutOutcome {
  // A stale node stays counted as stale: only its status moves.
  const old = countedBuckets(cur);
  const buckets = bucketsOf(prefixesOf(cur.buckets), cur.stale ? STALE : 'timed-out');
  const entry: HistoryEntry = { at: now, kind: 'status', status: 'timed-out', version: cur.targetVersion, repeat: 1 };
  return {
    previousStatus: cur.status,
    status: 'timed-out',
    statusSince: cur.status === 'timed-out' ? cur.statusSince : now,
    buckets,
    history: editHistory(cur.newestEntry, cur.historyLength, [entry], limits.history),
    counters: counterMove(old, buckets, cur.talliedVersion, cur.talliedVersion),
  };
}

/** What marking an instance stale changes: its buckets (now `<prefix>|stale`) and the counters; nothing else. */
export interface StaleOutcome {
  buckets: string[];
  counters: CounterMove;
}

/**
 * A node not seen since before the stale cutoff (none of its check-ins newer) keeps its status,
 * history and progress, but leaves the buckets of its status for `<prefix>|stale` of each of its
 * prefixes (tallies untouched), until its next check-in (applyCheckIn) moves it back. The store
 * picks the nodes (not stale, last check before the cutoff, oldest first, past its watermark) and
 * applies this to each atomically. A stale instance is left as it is (an empty move).
 */
export function markStale(cur: Pick<StoredInstance, 'buckets' | 'talliedVersion' | 'stale'>): StaleOutcome {
  const buckets = bucketsOf(prefixesOf(cur.buckets), STALE);
  return { buckets, counters: counterMove(countedBuckets(cur), buckets, cur.talliedVersion, cur.talliedVersion) };
}
