// The counted part of a group's policy, written once: safe mode, the rate limit and the in-progress
// limit, in the order decideGrant (policy.ts) reports them. decideGrant applies it to the counters it
// is given, the stores to the counts they read in their atomic check-in step (limits.ts, grantHold).
// Imports nothing, so policy.ts and limits.ts can both use it without an import circle.

/** Why a counted limit holds a grant (the LimitHold of types.ts). */
export type CountedHold = 'safe-mode' | 'rate-limit' | 'in-progress-limit';

/** The counted limits of a group: what decideGrant and the store's step both apply. */
export interface CountedLimits {
  safeMode: boolean;
  perPeriod: { count: number; periodMs: number } | null;
  maxInProgress: number | null;
}

/** The counts a hold is decided on, read in the same atomic step that records the grant. */
export interface LimitCounts {
  /** Distinct nodes granted in the group in the last period (a grant at a time > now - periodMs). */
  grantedInPeriod: number;
  /** Nodes in progress in the group. */
  inProgressInGroup: number;
  /** Nodes of the group that completed the version (safe mode's bucket). */
  completedInGroup: number;
  /** The node is in progress in the group already: it keeps its grant, nothing holds it. */
  alreadyInProgress: boolean;
}

/** The first counted limit that binds, in decideGrant's order (safe mode, rate limit, in progress), or null. */
export function countedHold(limits: CountedLimits, c: LimitCounts): CountedHold | null {
  if (c.alreadyInProgress) return null;
  if (limits.safeMode && c.completedInGroup === 0 && c.inProgressInGroup >= 1) return 'safe-mode';
  if (limits.perPeriod !== null && c.grantedInPeriod >= limits.perPeriod.count) return 'rate-limit';
  if (limits.maxInProgress !== null && c.inProgressInGroup >= limits.maxInProgress) return 'in-progress-limit';
  return null;
}
