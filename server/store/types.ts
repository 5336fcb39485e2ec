// The store contract. Two adapters implement it: store/embedded (SQLite file, one process, the
// default) and store/redis (ioredis + Lua, many processes). tests/store/contract.ts runs the same
// cases against both. Decisions are made by pure functions in server/domain; a store only carries
// out a decided change, atomically. A call the store does not answer rejects with
// StoreUnavailableError (./unavailable.ts), which every surface turns into a 503.

import type { TokenLookup, TokenRecord } from '../../kernel/auth/tokens.ts';
import type { ActivityEntry, AppConfig, AppRecord, ChannelRecord, TrackGroupRecord, HistoryEntry, InstanceAttrs, InstanceChange, InstanceRecord, InstanceStatus, LimitHold, PackageRecord, PulledRecord } from '../domain/types.ts';

/** Re-exported: the store contract speaks of the domain's config and decided changes. */
export type { AppConfig, InstanceAttrs, InstanceChange };

export type CheckInResult =
  | { applied: true; previousStatus: InstanceStatus | null; status: InstanceStatus }
  | { applied: false; reason: 'stale-config' }
  /** The change's grantLimits bind: nothing was written; the caller records a hold instead. */
  | { applied: false; reason: 'held'; hold: LimitHold };

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, null at the end. */
  next: string | null;
}

export interface ReleaseStore {
  /** Creates an app; 'exists' when the id is taken (nothing written). */
  createApp(app: AppRecord, activity: ActivityEntry): Promise<'created' | 'exists'>;
  getApp(appId: string): Promise<AppRecord | null>;
  listApps(): Promise<AppRecord[]>;
  /** 'exists' when (app, version, arch) is taken; 'no-app' when the app is unknown. */
  addPackage(pkg: PackageRecord, activity: ActivityEntry): Promise<'created' | 'exists' | 'no-app'>;
  listPackages(appId: string): Promise<PackageRecord[]>;
  /** Creates a channel (its version as given, normally null); 'exists' when the name is taken (nothing written). */
  createChannel(channel: ChannelRecord, activity: ActivityEntry): Promise<'created' | 'exists' | 'no-app'>;
  /**
   * Points an existing channel at a version. 'no-channel' when the channel was never created (a
   * promotion never creates one: a typo must not become a channel); 'no-package' when no package of
   * that version exists for the app. Returns the version the channel pointed at before.
   */
  promoteChannel(
    channel: ChannelRecord,
    activity: ActivityEntry,
  ): Promise<{ previous: string | null } | 'no-app' | 'no-channel' | 'no-package'>;
  /**
   * Writes an existing channel's record whole (version, floors, allowDowngrade, rollout) and appends
   * the activity entries, in one atomic step that bumps the app's config epoch. With `epoch` a
   * number, a compare-and-set: 'stale' (nothing written) when the app's epoch is no longer that one,
   * because the caller decided the change on that config (promotion checks, rollout transitions).
   * 'no-package' when `version` is set and no package of it exists; 'no-channel' when the channel
   * was never created. Never creates a channel.
   */
  writeChannel(
    channel: ChannelRecord,
    epoch: number | null,
    activity: ActivityEntry[],
  ): Promise<'written' | 'stale' | 'no-app' | 'no-channel' | 'no-package'>;
  /**
   * Marks a version pulled (never offered again) and bumps the epoch. 'already' when it is pulled
   * (nothing written), 'no-package' when the app has no package of that version.
   */
  pullPackage(pull: PulledRecord, activity: ActivityEntry): Promise<'pulled' | 'already' | 'no-app' | 'no-package'>;
  /** Oldest first. */
  listPulled(appId: string): Promise<PulledRecord[]>;
  /**
   * Marks a machine as a canary (in every rollout from its first step) or unmarks it, and bumps the
   * epoch when that changes anything. 'too-many' when the app has MAX_CANARIES already (nothing written).
   */
  setCanary(appId: string, machineId: string, canary: boolean, activity: ActivityEntry): Promise<'changed' | 'unchanged' | 'no-app' | 'too-many'>;
  getChannel(appId: string, name: string): Promise<ChannelRecord | null>;
  listChannels(appId: string): Promise<ChannelRecord[]>;
  /** Creates or replaces a group. 'track-taken' when another group of the app has that track. */
  putTrackGroup(
    group: TrackGroupRecord,
    activity: ActivityEntry,
  ): Promise<'created' | 'updated' | 'no-app' | 'track-taken'>;
  deleteTrackGroup(appId: string, groupId: string, activity: ActivityEntry): Promise<boolean>;
  listTrackGroups(appId: string): Promise<TrackGroupRecord[]>;
  /** Newest first. */
  listActivity(appId: string, limit: number): Promise<ActivityEntry[]>;
  /** Snapshot for the update decision; null for an unknown app. */
  loadAppConfig(appId: string): Promise<AppConfig | null>;
}

export interface InstanceStore {
  /**
   * The hot path: one atomic step (one Redis round trip). Refused with 'stale-config' when the
   * app's config epoch is no longer `epoch`; nothing is written then.
   */
  applyCheckIn(appId: string, epoch: number, change: InstanceChange, now: number): Promise<CheckInResult>;
  getInstance(appId: string, machineId: string): Promise<InstanceRecord | null>;
  /** Newest first, at most `limit`. */
  getHistory(appId: string, machineId: string, limit: number): Promise<HistoryEntry[]>;
  /** Instances by last check time, newest first. */
  listInstances(appId: string, opts: { limit: number; cursor?: string }): Promise<Page<InstanceRecord>>;
  /** Counter buckets (`<prefix>|<status>` → count), zero buckets omitted. O(buckets), not O(instances). */
  counters(appId: string): Promise<Record<string, number>>;
  /** Instances tracked for the app. O(1). */
  countInstances(appId: string): Promise<number>;
  /**
   * Forgets instances whose last check is older than `lastCheckBefore` (oldest first, at most
   * `limit`), removing them from their counters. Returns how many were removed.
   */
  pruneInstances(appId: string, lastCheckBefore: number, limit: number): Promise<number>;
  /**
   * Times out the grants of `group` older than its updateTimeout: nodes in progress in the group
   * since before `grantedBefore` move, each atomically, to status `timed-out` (counters moved as a
   * check-in would move them, a history entry `{kind: 'status', status: 'timed-out', version:
   * <target>}` at `now`, out of progress; lastCheck kept), oldest grant first, at most `limit`.
   * Found through the progress index, never a scan over instances. Returns the machine ids moved.
   */
  timeOutGrants(appId: string, group: string, grantedBefore: number, now: number, limit: number): Promise<string[]>;
  /**
   * Takes the node out of progress (domain/rollout/limits.ts) because it gave its reboot slot back:
   * it rebooted, so it no longer holds a place of its group's in-progress limit. True when it was in
   * progress; false (nothing written) otherwise. Status, counters, target and history stay as they
   * are; its next check-in leaves it out of progress unless that check-in grants it again.
   */
  endProgress(appId: string, machineId: string, now: number): Promise<boolean>;
  /**
   * Marks stale the instances not stale yet whose last check is older than `lastCheckBefore`, oldest
   * first, at most `limit`, each atomically (domain/apply-check-in.ts markStale: counted under
   * `<prefix>|stale` instead of their status, which they keep; their next check-in moves them back).
   * Reads only the part of the last-check index past the app's watermark, which then moves past the
   * instances looked at: a second call never reads an instance already marked, and no call scans the
   * fleet. Returns how many were marked.
   */
  markStale(appId: string, lastCheckBefore: number, limit: number): Promise<number>;
  /**
   * Adds one to a failure counter (`f/<channel>/<version>|<kind>`, domain/counters.ts failureBucket)
   * of the app, atomically. Such buckets count events, not instances: they only go up, pruning
   * and moving instances leave them alone, and counters() lists them with the others.
   */
  countFailure(appId: string, bucket: string): Promise<void>;
}

/** Re-exported: the history cap is a rule of the check-in step (domain/apply-check-in.ts). */
export { HISTORY_CAP } from '../domain/apply-check-in.ts';
/** Most canaries per app: they travel with the app's config to every process. */
export const MAX_CANARIES = 1000;
/** Most activity entries kept per app. */
export const ACTIVITY_CAP = 1000;

export interface TokenStore extends TokenLookup {
  addToken(token: TokenRecord): Promise<void>;
  /** Adds the token only when no token exists yet (first start); false when one already does. */
  bootstrapToken(token: TokenRecord): Promise<boolean>;
  listTokens(): Promise<TokenRecord[]>;
  deleteToken(hash: string): Promise<boolean>;
}

export interface Store extends ReleaseStore, InstanceStore, TokenStore {
  readonly kind: 'embedded' | 'redis';
  /** Flushes pending writes (graceful shutdown); the connection itself is closed by closeBackend. */
  close(): Promise<void>;
  /** A cheap round trip to the store (/readyz); rejects when it cannot be made. */
  ready(): Promise<void>;
}
