// Pure slot decisions. The embedded store calls these inside one SQLite transaction; the Redis
// store's Lua scripts carry out the same rules in one atomic step (the shared contract tests and
// the model test in tests/coordinator/model.test.ts hold both to this file).
import type { GroupState, Holder } from './types.ts';

export type AcquireDecision =
  /** A new slot; `token` is the group's next fencing token. */
  | { kind: 'grant'; holder: Holder }
  /** The node already holds a slot (FleetLock locks are recursive): nothing changes. */
  | { kind: 'held'; holder: Holder }
  | { kind: 'paused'; reason: string | null }
  | { kind: 'outside-window' }
  | { kind: 'full'; max: number; holders: Holder[] };

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

/** Marks (policy hold) or drops (policy release) every holder whose lease ran out. */
export function applyExpiry(state: GroupState, now: number): { state: GroupState; expired: Expiry[] } {
  const due = dueForExpiry(state.holders, now);
  if (due.length === 0) return { state, expired: [] };
  const freed = state.config.leasePolicy === 'release';
  const dueIds = new Set(due.map((h) => h.id));
  const holders = freed
    ? state.holders.filter((h) => !dueIds.has(h.id))
    : state.holders.map((h) => (dueIds.has(h.id) ? { ...h, expiredAt: now } : h));
  return {
    state: { ...state, holders },
    expired: due.map((h) => ({ holder: freed ? h : { ...h, expiredAt: now }, freed })),
  };
}

/**
 * Decides a pre-reboot request. Call after applyExpiry. Order matters: a holder asking again keeps
 * its slot even when the group is paused or outside its window (it is about to reboot); then pause,
 * then the window, then the count against `max`.
 */
export function decideAcquire(state: GroupState, holderId: string, now: number, windowOpen: boolean): AcquireDecision {
  const mine = state.holders.find((h) => h.id === holderId);
  if (mine) return { kind: 'held', holder: mine };
  const { config } = state;
  if (config.paused) return { kind: 'paused', reason: config.pauseReason };
  if (!windowOpen) return { kind: 'outside-window' };
  if (state.holders.length >= config.max) {
    return { kind: 'full', max: config.max, holders: [...state.holders].sort((a, b) => a.since - b.since) };
  }
  return {
    kind: 'grant',
    holder: { id: holderId, token: state.fence + 1, since: now, leaseUntil: now + config.leaseSeconds * 1000, expiredAt: null },
  };
}

export type ReleaseDecision = { kind: 'released'; holder: Holder } | { kind: 'not-held' };

/** Only the holder's own slot is given back; releasing a slot you do not hold changes nothing. */
export function decideRelease(state: GroupState, holderId: string): ReleaseDecision {
  const mine = state.holders.find((h) => h.id === holderId);
  return mine ? { kind: 'released', holder: mine } : { kind: 'not-held' };
}
