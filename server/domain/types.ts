// The release data model: apps → packages, channels, groups → instances.
// Every record here is what the store keeps; wire formats (Omaha XML, JSON API) map onto these.
import type { GroupPolicy } from './rollout/policy.ts';
import type { Rollout } from './rollout/state.ts';

/** An Omaha application, e.g. Flatcar's `e96281a6-d1af-4bde-9a0a-97b76e56dc57`. */
export interface AppRecord {
  /** Normalised appid: lower case, no braces (see domain/appid.ts). */
  id: string;
  name: string;
  createdAt: number;
}

/** An extra file offered beside the main payload (Flatcar sysext / OEM images). */
export interface ExtraFile {
  name: string;
  size: number;
  /** SHA-256 as 64 lower-case hex characters: ue-rs reads `hash_sha256` as hex. */
  sha256Hex: string;
  /** SHA-1 as base64, optional. */
  sha1?: string;
}

/** One build of one version for one architecture. (app, version, arch) is unique. */
export interface PackageRecord {
  appId: string;
  version: string;
  /** Architecture this payload runs on: `amd64`, `arm64`, ... (see domain/arch.ts). */
  arch: string;
  /** Base URL the payload is downloaded from; always ends with `/`. */
  url: string;
  /** File name of the payload under `url`. */
  name: string;
  size: number;
  /** SHA-256 of the payload, base64 (what update_engine compares). */
  sha256: string;
  /** SHA-1 of the payload, base64 (the `hash` attribute), optional. */
  sha1?: string;
  extraFiles: ExtraFile[];
  createdAt: number;
}

/** A channel points at one version; nodes get the package of that version built for their arch. */
export interface ChannelRecord {
  appId: string;
  name: string;
  version: string | null;
  updatedAt: number;
  updatedBy: string;
  /** Versions a node must pass through on its way to `version`, lowest first (rollout/releases.ts). */
  floors: string[];
  /** `version` was promoted over a newer one with allowDowngrade: nodes above it are offered it. */
  allowDowngrade: boolean;
  /** The rollout of `version` (rollout/state.ts); null: offered to every node at once. */
  rollout: Rollout | null;
}

/** A channel as stored before floors, downgrades and rollouts existed: decoders fill in these. */
export const CHANNEL_DEFAULTS: Pick<ChannelRecord, 'floors' | 'allowDowngrade' | 'rollout'> = { floors: [], allowDowngrade: false, rollout: null };

/** A version that must never be offered again (POST …/packages/{version}/pull). */
export interface PulledRecord {
  appId: string;
  version: string;
  reason: string;
  by: string;
  at: number;
}

/**
 * A track group maps a node-sent `track` to a channel (the API calls it a group; it is not a
 * reboot group, which lives in the coordinator). Rollout policies hang off track groups.
 */
export interface TrackGroupRecord {
  appId: string;
  /** Group id: `^[a-zA-Z0-9._-]+$`. */
  id: string;
  name: string;
  /** The `track` attribute nodes send to land in this group. Unique per app. */
  track: string;
  channel: string;
  /** How updates are granted to the group's nodes (limits, windows, pin, safe mode). */
  policy: GroupPolicy;
  createdAt: number;
  updatedAt: number;
}

import type { InstanceStatus } from './statuses.ts';
export type { InstanceStatus };

/** What a check-in writes about a node: as reported by the node or resolved by the server. */
export interface InstanceAttrs {
  alias: string;
  ip: string;
  oem: string;
  oemVersion: string;
  alephVersion: string;
  bootId: string;
  version: string;
  track: string;
  /** Group the track resolved to, '' when the track matched no group ("unknown track"). */
  group: string;
  /** Channel followed, '' for an unknown track. */
  channel: string;
  arch: string;
  /**
   * Why the node's last update check got no update although it is behind (decide.ts NoUpdateReason:
   * rollout-percent, rollout-paused, outside-window, in-progress-limit…); '' when it got one, is up
   * to date, or sent no update check.
   */
  held: string;
}

/** What the store keeps of one node for one app. */
export interface InstanceRecord extends InstanceAttrs {
  appId: string;
  machineId: string;
  status: InstanceStatus;
  /** Version offered in the last grant, '' when none. */
  targetVersion: string;
  /** update_engine error code (flag bit stripped) of the last error, 0 when none. */
  errorCode: number;
  errorName: string;
  firstSeen: number;
  lastCheck: number;
  statusSince: number;
  /**
   * Not seen for longer than the stale period: the node keeps its status but is counted as `stale`
   * (domain/counters.ts STALE) until it checks in again.
   */
  stale: boolean;
}

/** One entry of an instance's history: an Omaha event or a status change made by the server. */
export interface HistoryEntry {
  at: number;
  /** `event` for a node-sent event, `grant` when an update was offered, `status` for a server-side change. */
  kind: 'event' | 'grant' | 'status';
  eventType?: number;
  eventResult?: number;
  errorCode?: number;
  errorName?: string;
  previousVersion?: string;
  /** The node's version for events; the version offered for `grant` entries. */
  version: string;
  /** The status this entry moved the instance to, absent when it did not change it. */
  status?: InstanceStatus;
  /** How many identical consecutive entries were folded into this one (routine checks repeat). */
  repeat: number;
}

export interface ActivityEntry {
  at: number;
  appId: string;
  kind:
    | 'app-created'
    | 'package-added'
    | 'package-pulled'
    | 'channel-created'
    | 'channel-promoted'
    | 'rollout-changed'
    | 'instance-changed'
    | 'group-changed'
    | 'group-deleted';
  actor: string;
  /** Human-readable summary. */
  message: string;
  data: Record<string, string | number | null>;
}

/**
 * Everything the update decision needs about one app, read once and cached per process.
 * `epoch` grows on every change to the app's config; a check-in written with an older epoch is
 * refused (`stale-config`) so a process never acts on a config another process has changed.
 */
export interface AppConfig {
  epoch: number;
  app: AppRecord;
  channels: ChannelRecord[];
  groups: TrackGroupRecord[];
  packages: PackageRecord[];
  /** Pulled versions, never offered again. */
  pulled: PulledRecord[];
  /** Machine ids an operator marked as canaries: in every rollout from its first step. */
  canaries: string[];
}

/**
 * A decided change to one instance (built by instance-state.ts). The store applies it
 * atomically: attrs overwrite; status moves to `status.to` unless the current status is in
 * `status.unlessIn`; history entries are appended (folding repeats); counters move.
 */
export interface InstanceChange {
  machineId: string;
  attrs: InstanceAttrs;
  status: { to: InstanceStatus; unlessIn: InstanceStatus[] } | null;
  /**
   * Completion the node did not report (go-omaha sends no `previousversion`): when the stored status
   * is one of `from` and the stored target is `version` (the version the node now runs), the status
   * becomes `complete` instead of what `status` says. Only the store sees both atomically.
   */
  completion?: { version: string; from: InstanceStatus[] };
  /** Set when an update was granted; otherwise the stored target is kept. */
  targetVersion?: string;
  /** Set with an error status. */
  error?: { code: number; name: string };
  history: HistoryEntry[];
  /**
   * Counter buckets this instance belongs to, without the status: the store appends `|<status>`
   * (the final one) to each, removes the instance from its old buckets and adds it to the new ones.
   */
  counterPrefixes: string[];
  /**
   * The rollout counter of the node's channel (`t/<channel>`, see counters.ts targetCounterPrefix):
   * the store counts the instance, with its final status, under `<this>/<final target version>` too,
   * when it has a target version (granted now or before). So a rollout of version V reads the statuses
   * of every node ever granted V in the channel from `t/<channel>/V|<status>`, without a scan.
   */
  targetCounter?: string;
  /**
   * Set with a grant (targetVersion) decided under its group's limits: the store checks them
   * against its progress bookkeeping in the same atomic step and refuses the whole change (nothing
   * written) with the reason when one binds (domain/rollout/limits.ts). A node already in progress
   * in the group keeps its grant and takes no new place.
   */
  grantLimits?: GrantLimits;
  /**
   * Set when the version in counterPrefixes is a release version that names no package of the
   * app: the store counts it under its own version only within the unknown-version cap, else as
   * `other` (capUnknownVersion in counters.ts).
   */
  unknownVersion?: string;
}

/**
 * The counted limits of a group's policy (domain/rollout/policy.ts), as the store's atomic check-in
 * step applies them to a grant. Every grant is tracked in progress whether or not a limit is set
 * (so setting one later starts from exact counts); these only say what to refuse.
 */
export interface GrantLimits {
  /** The track group the node is granted in (its progress is counted there). */
  group: string;
  /** At most `count` nodes granted in any `periodMs`. */
  perPeriod: { count: number; periodMs: number } | null;
  /** At most this many nodes of the group in progress (granted, downloading, downloaded, installed). */
  maxInProgress: number | null;
  /**
   * Safe mode: while the counter bucket named here (`g/<group>/<version>|complete`) is 0, at most
   * one node of the group is in progress. null: off.
   */
  safeModeBucket: string | null;
}

/** Why a grant under limits was refused by the store. */
export type LimitHold = 'rate-limit' | 'in-progress-limit' | 'safe-mode';
