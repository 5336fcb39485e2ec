// What the coordinator needs from a store. Every method that changes slots is one atomic step:
// one SQLite transaction (embedded) or one Lua script (Redis). Both adapters pass
// tests/coordinator/slot-store.contract.ts.
import type { Expiry } from '../domain/decide.ts';
import type { GroupChange, GroupConfig, GroupDefaults, Holder, RebootWindow, SlotEvent, WaitingNode } from '../domain/types.ts';

export type { GroupChange };

export type AcquireResult =
  | { kind: 'granted'; holder: Holder }
  | { kind: 'held'; holder: Holder }
  /** `limit`: the group would be created on first use, but that many such groups exist already. */
  | { kind: 'unknown-group'; limit?: number }
  | { kind: 'paused'; reason: string | null }
  | { kind: 'outside-window'; windows: RebootWindow[] }
  /** `holders` lists the oldest few (at most FULL_SAMPLE), `count` all of them. */
  | { kind: 'full'; max: number; count: number; holders: Holder[] };

export const FULL_SAMPLE = 3;

/** The answer to a pre-reboot plus the leases that ran out and were processed in the same step. */
export interface AcquireOutcome {
  result: AcquireResult;
  expired: Expiry[];
}

export type ReleaseResult = { kind: 'released'; holder: Holder } | { kind: 'not-held' } | { kind: 'unknown-group' };

/** Who gives a slot back and how it is written in the history. */
export interface ReleaseBy {
  event: 'release' | 'force-unlock';
  /** `node` (steady-state), `omaha` (update completed) or an operator's name. */
  by: string;
  detail?: string;
}

export interface GroupSnapshot {
  config: GroupConfig;
  holders: Holder[];
  /** Last fencing token handed out in the group (0 before the first grant). */
  lastFencingToken: number;
  /** Newest first. */
  history: SlotEvent[];
  /** Nodes turned away since `waitingSince`, newest first. */
  waiting: WaitingNode[];
  /**
   * The group's change counter: 1 once created, then one up for every change of its holders or
   * configuration (every history line: grant, release, expiry, force-unlock, configure, pause,
   * resume). Never 0. The etcd surface answers it as `modifiedIndex` (coordinator/etcd/). A group
   * forgotten and created anew starts again at 1.
   */
  revision: number;
}

/** What `createOnFirstUse` did. */
export type CreateResult = { kind: 'created' } | { kind: 'exists' } | { kind: 'unknown-group'; limit?: number };

export interface ExpiryEvent extends Expiry {
  group: string;
}

export interface SlotStoreOptions {
  /** Create a group on its first pre-reboot (with `defaults`) instead of answering unknown-group. */
  createUnknownGroups: boolean;
  /** At most this many groups created on first use (and not configured by an operator since) at a time. */
  maxAutoGroups: number;
  /** A group created on first use with no holder and no configuration for this long is forgotten. */
  autoGroupIdleMs: number;
  defaults: GroupDefaults;
  /** History lines kept per group. */
  historyCap: number;
  /** Waiting nodes kept per group. */
  waitingCap: number;
  /** How long a target version from the Omaha side is remembered. */
  targetTtlSeconds: number;
}

export const DEFAULT_STORE_OPTIONS: Omit<SlotStoreOptions, 'createUnknownGroups' | 'defaults'> = {
  maxAutoGroups: 100,
  autoGroupIdleMs: 86_400_000,
  historyCap: 1000,
  waitingCap: 1000,
  targetTtlSeconds: 30 * 86400,
};

export interface SlotStore {
  readonly kind: 'embedded' | 'redis';
  /** Takes a slot (FleetLock pre-reboot). Expired leases in the group are processed first, in the same step. */
  acquire(group: string, holder: string, now: number): Promise<AcquireOutcome>;
  /** Gives a slot back (steady-state, Omaha completion, force-unlock). Releasing a slot not held is a no-op. */
  release(group: string, holder: string, now: number, by: ReleaseBy): Promise<ReleaseResult>;
  /** Processes every lease that ran out, in all groups. */
  expireDue(now: number): Promise<ExpiryEvent[]>;
  /**
   * Forgets groups created on first use that had no holder and no configuration for `autoGroupIdleMs`
   * (a sweep over an index of such groups, never over all groups); returns their names.
   */
  forgetIdle(now: number): Promise<string[]>;
  /**
   * Creates a missing group as a node's first pre-reboot would (the defaults, marked created on first
   * use, under the cap on such groups) without taking a slot: locksmith creates its semaphore key
   * before every command. `unknown-group` when such groups are refused or the cap is reached.
   */
  createOnFirstUse(group: string, now: number): Promise<CreateResult>;
  /** Creates (when `create`) or changes a group; null when it does not exist and `create` is false. */
  configure(group: string, change: GroupChange, now: number, actor: string, create: boolean): Promise<GroupConfig | null>;
  read(group: string, opts: { historyLimit: number; waitingSince: number }): Promise<GroupSnapshot | null>;
  listGroups(): Promise<string[]>;
  /** Groups in which `machine` holds a slot (holder → group index). */
  groupsHeldBy(machine: string): Promise<string[]>;
  /** The Omaha side offered `version` to `machine`. */
  rememberTarget(machine: string, version: string, now: number): Promise<void>;
  targetsOf(machines: readonly string[], now: number): Promise<Map<string, string>>;
}
