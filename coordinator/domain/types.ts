// The reboot coordinator's data model: a group is a counting semaphore with `max` slots; a holder
// is a node that took a slot and has not given it back yet. Times are ms since the epoch.
import type { TimeWindow } from '../../kernel/time/windows.ts';

/** What happens when a holder's lease runs out: keep the slot until someone acts, or free it. */
export type LeasePolicy = 'hold' | 'release';
export const LEASE_POLICIES: readonly LeasePolicy[] = ['hold', 'release'];

/** A reboot window: a time window (kernel/time/windows.ts) on a reboot group. */
export type RebootWindow = TimeWindow;

export interface GroupConfig {
  group: string;
  max: number;
  paused: boolean;
  /** Free text an operator gave when pausing. */
  pauseReason: string | null;
  leaseSeconds: number;
  leasePolicy: LeasePolicy;
  windows: RebootWindow[];
  /** Bumped on every configuration change; lets a process detect that its cached windows are stale. */
  epoch: number;
  /**
   * Created by a node's first pre-reboot and never configured by an operator since: counts against
   * the cap on such groups and is forgotten once it stayed a day without holder.
   */
  autoCreated: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Holder {
  id: string;
  /** Grows by one on every grant in the group (FleetLock answers it as `fencing_token`). */
  fencingToken: number;
  since: number;
  leaseUntil: number;
  /** Set when the lease ran out while the node still held the slot (policy `hold`). */
  expiredAt: number | null;
}

export interface GroupState {
  config: GroupConfig;
  holders: Holder[];
  /** Last fencing token handed out in this group (0 before the first grant). */
  lastFencingToken: number;
}

export type SlotEventKind = 'create' | 'configure' | 'pause' | 'resume' | 'grant' | 'release' | 'expire' | 'force-unlock';

/** One line of a group's history. */
export interface SlotEvent {
  at: number;
  event: SlotEventKind;
  holder?: string;
  /** The holder's fencing token (grant, release, expire, force-unlock); stored as `token`. */
  fencingToken?: number;
  /** Who acted: `node`, `omaha`, `lease` or an operator's token name. */
  by?: string;
  detail?: string;
  /** The group's max after the event (create/configure), so a checker can replay limits. */
  max?: number;
  /** For expire: whether the slot was freed (policy `release`) or kept (`hold`). */
  freed?: boolean;
}

/** Why a node was turned away; kept for the "waiting nodes" list. */
export type WaitReason = 'full' | 'paused' | 'outside-window';

export interface WaitingNode {
  id: string;
  lastSeen: number;
  reason: WaitReason;
}

/** Defaults for a group created on first use (locksmith starts with one slot). */
export interface GroupDefaults {
  max: number;
  leaseSeconds: number;
  leasePolicy: LeasePolicy;
}

/** A change an operator makes to a group; absent fields stay as they are. */
export interface GroupChange {
  max?: number;
  windows?: RebootWindow[];
  leaseSeconds?: number;
  leasePolicy?: LeasePolicy;
  paused?: boolean;
  pauseReason?: string | null;
}
