// Pure slot decisions. The embedded store calls these inside one SQLite transaction; the Redis
// store's Lua scripts carry out the same rules in one atomic step (the shared contract tests and
// the model test in tests/coordinator/model.test.ts hold both to this file).
import type { GroupConfig, GroupState, Holder, LeasePolicy } from './types.ts';

/** What a pre-reboot decision needs to know about a group: few enough facts for point reads. */
export interface SlotSituation {
  config: GroupConfig;
  /** Last fencing token handed out in the group. */
  lastFencingToken: number;
  /** How many nodes hold a slot now (after expiry was processed). */
  count: number;
  /** The asking node's own slot, if it holds one. */
  mine: Holder | null;
}

export type AcquireDecision =
  /** A new slot with the group's next fencing token. */
  | { kind: 'grant'; holder: Holder }
  /** The node already holds a slot (FleetLock locks are recursive): nothing changes. */
  | { kind: 'held'; holder: Holder }
  | { kind: 'paused'; reason: string | null }
  | { kind: 'outside-window' }
  | { kind: 'full'; max: number; count: number };

export interface Expiry {
  holder: Holder;
  /** true when the group's policy freed the slot; false when the holder keeps it, marked expired. */
  freed: boolean;
}

/** Holders whose lease ran out and that were not marked yet, oldest deadline first (ties by id). */
export function dueForExpiry(holders: readonly Holder[], now: number): Holder[] {
  return holders
    .filter((h) => h.expiredAt === null && h.leaseUntil <= now)
    .sort((a, b) => a.leaseUntil - b.leaseUntil || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What happens to holders whose lease ran out: marked expired (policy hold) or freed (release). */
export function expire(due: readonly Holder[], policy: LeasePolicy, now: number): Expiry[] {
  const freed = policy === 'release';
  return due.map((h) => ({ holder: freed ? h : { ...h, expiredAt: now }, freed }));
}

/**
 * Decides a pre-reboot request. Call after expiry was processed. Order matters: a holder asking
 * again keeps its slot even when the group is paused or outside its window (it is about to
 * reboot); then pause, then the window, then the count against `max`.
 */
export function decideAcquire(s: SlotSituation, holderId: string, now: number, windowOpen: boolean): AcquireDecision {
  if (s.mine) return { kind: 'held', holder: s.mine };
  const { config } = s;
  if (config.paused) return { kind: 'paused', reason: config.pauseReason };
  if (!windowOpen) return { kind: 'outside-window' };
  if (s.count >= config.max) return { kind: 'full', max: config.max, count: s.count };
  return {
    kind: 'grant',
    holder: { id: holderId, fencingToken: s.lastFencingToken + 1, since: now, leaseUntil: now + config.leaseSeconds * 1000, expiredAt: null },
  };
}

export type ReleaseDecision = { kind: 'released'; holder: Holder } | { kind: 'not-held' };

/** Only the holder's own slot is given back; releasing a slot you do not hold changes nothing. */
export function decideRelease(mine: Holder | null): ReleaseDecision {
  return mine ? { kind: 'released', holder: mine } : { kind: 'not-held' };
}

// --- The same rules over a whole in-memory group (reference model for tests and tools). ---

/** Processes expiry over a whole group state. */
export function applyExpiry(state: GroupState, now: number): { state: GroupState; expired: Expiry[] } {
  const expired = expire(dueForExpiry(state.holders, now), state.config.leasePolicy, now);
  if (expired.length === 0) return { state, expired };
  const byId = new Map(expired.map((e) => [e.holder.id, e]));
  const holders = state.holders.flatMap((h) => {
    const e = byId.get(h.id);
    return !e ? [h] : e.freed ? [] : [e.holder];
  });
  return { state: { ...state, holders }, expired };
}

/** The situation of `holderId` in a whole group state. */
export function situationOf(state: GroupState, holderId: string): SlotSituation {
  return { config: state.config, lastFencingToken: state.lastFencingToken, count: state.holders.length, mine: state.holders.find((h) => h.id === holderId) ?? null };
}
