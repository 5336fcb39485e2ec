// The rollout's data model, shared by the pure decisions of this folder (plan, halt, state, policy).
// Times are ms since the epoch; durations are ms. The API accepts durations as text ("2h") or
// seconds (duration.ts) and they are kept here in ms, the unit `now` comes in.

/** One step of a staged rollout: offered to `percent` of the nodes, held `soakMs` before the next. */
export interface PlanStep {
  /** 0–100, may be fractional (0.5); 0 is a canaries-only step. */
  percent: number;
  /** How long the step must run (paused and halted time excluded) before the next one may open. */
  soakMs: number;
  /** Percent of the step's granted nodes that must be complete before the next step opens; null: none. */
  successThreshold: number | null;
}

/** When a rollout halts by itself; an empty object means never. */
export interface HaltOn {
  /** Halt once this many nodes granted in this rollout failed (≥ 1). */
  failures?: number;
  /** Halt once this percent of the nodes granted in this rollout failed (needs ≥ 10 granted). */
  failurePercent?: number;
}

export type RolloutPlan =
  | { kind: 'steps'; steps: PlanStep[]; haltOn: HaltOn }
  /** Offered to `startPercent` at the start, rising linearly to 100 over `durationMs` of running time. */
  | { kind: 'linear'; startPercent: number; durationMs: number; haltOn: HaltOn };

export const ROLLOUT_STATUSES = ['running', 'paused', 'halted', 'completed', 'aborted'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/**
 * Where a rollout stands in time. Paused and halted time does not count: neither a step's soak
 * nor a linear ramp moves while the rollout is held.
 */
export interface RolloutClock {
  status: RolloutStatus;
  startedAt: number;
  /** Index of the open step (always 0 for a linear plan). */
  stepIndex: number;
  stepOpenedAt: number;
  /** Held time (paused or halted) of the holds that ended, since the start. */
  heldMs: number;
  /** Held time of the holds that ended, since the open step opened. */
  stepHeldMs: number;
  /** When the current hold (paused or halted) began; null while running or finished. */
  heldSince: number | null;
}

/** The progress of the open step, from the store's counters. */
export interface StepProgress {
  /** Nodes granted while this step was the open one. */
  granted: number;
  /** Of those, the ones that came back on the new version. */
  complete: number;
}

/** The failure kinds the halt rule counts (see halt.ts). */
export const FAILURE_KINDS = ['error', 'rollback', 'timeout', 'lease-expired', 'reverted'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Counts over the nodes granted in this rollout, from the store's counters. */
export interface RolloutCounts {
  granted: number;
  failures: Record<FailureKind, number>;
}
