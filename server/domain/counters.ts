// Dashboard counters. Each instance sits in one bucket per dimension; the store appends the status
// (`c/stable/3510.2.0|complete`) and moves the instance between buckets atomically, so "how many
// nodes run which version, in which state" is read without walking instances.
import { ARCHES } from './arch.ts';
import { bucketName } from './bucket-name.ts';
import { heldPrefix } from './held-counters.ts';
import { packageKey, type ReleaseIndex } from './release-index.ts';
import { isValidVersion } from './version.ts';
import { INSTANCE_STATUSES } from './statuses.ts';
import type { InstanceStatus } from './types.ts';

/** The version that strings which are not release versions count under (and, over their cap, unknown versions). */
export const OTHER_VERSION = 'other';

/**
 * A node can send any version or track string; to keep the number of buckets bounded, versions
 * that are not release versions count as `other`, and unknown tracks are cut to 32 characters.
 * The store then caps unknown tracks and unknown versions (below).
 */
export function counterPrefixes(p: { channel: string; group: string; track: string; version: string; arch: string; held?: string }): string[] {
  const version = isValidVersion(p.version) ? p.version : OTHER_VERSION;
  const channel = counterName(p.channel);
  const group = p.group ? bucketName(p.group) : `?${bucketName(p.track, 32)}`;
  const prefixes = [`c/${channel}/${version}`, `g/${group}/${version}`, `${ARCH_DIMENSION}/${channel}/${archBucket(p.arch)}`];
  // Why a node that is behind got no update (held-counters.ts).
  const held = heldPrefix(p.channel, p.held);
  if (held !== null) prefixes.push(held);
  return prefixes;
}

/** The counter prefix of a (known) group's nodes on a release version: `g/<group>/<version>`. */
export function groupCounterPrefix(group: string, version: string): string {
  return `g/${bucketName(group)}/${version}`;
}

/** A channel as the counters name it: cleaned, `-` for none (an unknown track). */
function counterName(channel: string): string {
  return channel ? bucketName(channel) : '-';
}

// ---- the architecture counters
//
// `a/<channel>/<arch>|<status>`: which architectures the nodes of a channel run, so a promotion can
// refuse a version that has no build for some of them (they would be stranded). Architectures
// Platte knows by name count under their name, every other one under `unknown`, so nodes cannot
// grow the number of buckets.

export const ARCH_DIMENSION = 'a';
const UNKNOWN_ARCH = 'unknown';

function archBucket(arch: string): string {
  return (ARCHES as readonly string[]).includes(arch) ? arch : UNKNOWN_ARCH;
}

/** Sums `<dim>/<channel>/<x>|<status>` over statuses, per x. O(buckets). */
function perChannel(counters: Readonly<Record<string, number>>, dim: string, channel: string): Map<string, number> {
  const head = `${dim}/${counterName(channel)}/`;
  const out = new Map<string, number>();
  for (const [bucket, n] of Object.entries(counters)) {
    if (!bucket.startsWith(head)) continue;
    const bar = bucket.lastIndexOf('|');
    if (bar < head.length) continue;
    const x = bucket.slice(head.length, bar);
    out.set(x, (out.get(x) ?? 0) + n);
  }
  return out;
}

/** Nodes of a channel per architecture (`unknown` for the ones Platte has no name for). */
export function channelArchCounts(counters: Readonly<Record<string, number>>, channel: string): Map<string, number> {
  return perChannel(counters, ARCH_DIMENSION, channel);
}

/** Nodes of a channel per version they run (`other` for what is not a release version). */
export function channelVersionCounts(counters: Readonly<Record<string, number>>, channel: string): Map<string, number> {
  return perChannel(counters, 'c', channel);
}

// ---- the rollout counters
//
// A rollout of version V in channel C needs the statuses of every node granted V in C. The planner
// names the channel's target counter (InstanceChange.targetCounter); the store adds the bucket
// `t/<channel>/<target version>|<status>` to the instance's buckets while it has a target, so the
// node leaves it when its channel or target changes and when it is pruned. The target is always a
// package version, so neither cap applies to it (applyCheckIn adds it after capping).

/** The dimension of rollout counters, apart from `c/` and `g/` (which count each node once). */
export const TARGET_DIMENSION = 't';

/**
 * The target counter of a channel: `t/<channel>`, `t/-` for none. The planner sets no target
 * counter at all for a node without a channel (an unknown track), so `t/-` never holds a node.
 */
export function targetCounterPrefix(channel: string): string {
  return `${TARGET_DIMENSION}/${counterName(channel)}`;
}

/** The prefix an instance with this target counter and final target version is counted under, or null. */
export function targetPrefix(targetCounter: string | undefined, targetVersion: string): string | null {
  return targetCounter && targetVersion ? `${targetCounter}/${targetVersion}` : null;
}

/** How many nodes granted `version` in `channel` are in each status, read from the counter buckets. O(statuses). */
export function targetCounts(counters: Readonly<Record<string, number>>, channel: string, version: string): Record<InstanceStatus, number> {
  const out = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
  const prefix = targetPrefix(targetCounterPrefix(channel), version);
  if (prefix === null) return out;
  for (const s of INSTANCE_STATUSES) {
    const bucket = `${prefix}|${s}`;
    // Own properties only: a bucket never comes from Object.prototype.
    if (Object.hasOwn(counters, bucket)) out[s] = counters[bucket] ?? 0;
  }
  return out;
}

// ---- the unknown-track cap
//
// A track that matches no group is counted under the group `?<track>`, and nodes choose their
// track, so one app keeps at most UNKNOWN_TRACK_CAP of them. Inside its atomic check-in step, the
// store keeps a tally (unknown track → instances counted under it) next to the counter buckets and
// applies capUnknownTrack: an instance keeps a track it already has or that is tallied, a new one
// is admitted while fewer than the cap are tallied, and otherwise it counts under OVERFLOW_TRACK.
// A track leaves the tally with its last instance. applyCheckIn (apply-check-in.ts) applies it for
// the embedded store; the Redis one carries it out in lua/includes/buckets.lua (with the cap and
// the overflow name sent by the caller), held to it by tests/store/model.test.ts.

/** Most distinct unknown tracks counted per app (the overflow track comes on top). */
export const UNKNOWN_TRACK_CAP = 100;
/** The group every further unknown track counts under; `~` never survives bucketName(). */
export const OVERFLOW_TRACK = '?~other';

/** `g/?<track>/…` → `?<track>`: the same pattern as unknownTrack in lua/includes/buckets.lua. */
const UNKNOWN_GROUP = /^g\/(\?[^/|,]*)\//;

/** The unknown-track group (`?<track>`) in counter prefixes or buckets, or null. */
export function unknownTrackOf(prefixesOrBuckets: readonly string[]): string | null {
  for (const p of prefixesOrBuckets) {
    const m = UNKNOWN_GROUP.exec(p);
    if (m) return m[1]!;
  }
  return null;
}

/** What the store knows of the app's tallied unknown tracks or versions, read inside its atomic step. */
export interface Tally {
  has(name: string): boolean;
  count(): number;
}
export type TrackTally = Tally;

/** The prefixes to count an instance under, given its current buckets and the app's tally. */
export function capUnknownTrack(
  prefixes: readonly string[],
  before: readonly string[],
  tally: TrackTally,
  cap = UNKNOWN_TRACK_CAP,
): readonly string[] {
  const track = unknownTrackOf(prefixes);
  if (track === null || track === OVERFLOW_TRACK || track === unknownTrackOf(before)) return prefixes;
  if (tally.has(track) || tally.count() < cap) return prefixes;
  const from = `g/${track}/`;
  return prefixes.map((p) => (p.startsWith(from) ? `g/${OVERFLOW_TRACK}/${p.slice(from.length)}` : p));
}

// ---- the unknown-version cap
//
// Any well-formed version gets a bucket of its own, and nodes report what they like, so only the
// app's packages (published by release managers, so bounded) always keep theirs. The planner marks
// a version that names no package as unknown (InstanceChange.unknownVersion, see unknownVersionOf);
// the config epoch check of the store step makes that mark hold for the store's current config.
// The store keeps a tally (unknown version → instances counted under it) next to the buckets and
// applies capUnknownVersion: an instance keeps the unknown version it is tallied under, a version
// already tallied is counted, a new one is admitted while fewer than UNKNOWN_VERSION_CAP are
// tallied, and otherwise the instance counts under OTHER_VERSION. A version leaves the tally with
// its last instance (or when its instances check in after it was published). applyCheckIn applies
// it for the embedded store; the Redis one carries it out in lua/includes/buckets.lua (with the cap
// and `other` sent by the caller), held to it by the model test. Each store records which version
// an instance is tallied under.

/** Most distinct unknown versions counted per app (further ones count as `other`). */
export const UNKNOWN_VERSION_CAP = 50;

/** True when the app has a package of this version, for any architecture. O(architectures). */
export function isPackageVersion(index: ReleaseIndex, version: string): boolean {
  // Packages are stored under a normalized architecture (domain/arch.ts).
  return ARCHES.some((arch) => index.packages.has(packageKey(version, arch)));
}

/**
 * The version a node reports when it is a release version naming no package of the app (no index:
 * no package is known), else undefined.
 */
export function unknownVersionOf(index: ReleaseIndex | undefined, version: string): string | undefined {
  if (!isValidVersion(version) || (index && isPackageVersion(index, version))) return undefined;
  return version;
}

export interface VersionCap {
  prefixes: readonly string[];
  /** The unknown version the instance is now tallied under, or null. */
  tallied: string | null;
}

/**
 * The prefixes to count an instance under and the version it is tallied under, given the unknown
 * version of the change (undefined: a package or `other`), the version it was tallied under and
 * the app's tally.
 */
export function capUnknownVersion(
  prefixes: readonly string[],
  unknownVersion: string | undefined,
  talliedBefore: string | null,
  tally: Tally,
  cap = UNKNOWN_VERSION_CAP,
): VersionCap {
  const v = unknownVersion;
  if (v === undefined) return { prefixes, tallied: null };
  if (v === talliedBefore || tally.has(v) || tally.count() < cap) return { prefixes, tallied: v };
  const suffix = `/${v}`;
  const other = (p: string) => (p.endsWith(suffix) ? `${p.slice(0, p.length - v.length)}${OTHER_VERSION}` : p);
  return { prefixes: prefixes.map(other), tallied: null };
}

// ---- stale instances
//
// A node not seen for the stale period keeps its status, but while it is stale it is counted in each
// of its buckets under the pseudo-status `stale` instead (`c/stable/3510.2.0|stale`), so it leaves the
// live counts (a rollout's target counts among them) and shows as stale; its next check-in moves it
// back (apply-check-in.ts markStale and applyCheckIn). The `f/` failure buckets count events, no
// instance, so nothing moves there.

/** The pseudo-status a stale instance is counted under. */
export const STALE = 'stale';
