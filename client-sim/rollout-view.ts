// A rollout as `GET /api/v1/apps/{app}/channels/{channel}/rollout` shows it, reduced to what a
// simulated run reads (the simulator speaks to Platte over HTTP only, so it declares the shape it
// relies on), and the percent each step offered over time, replayed from the rollout's history.

export type RolloutState = 'running' | 'paused' | 'halted' | 'completed' | 'aborted';

export interface RolloutHistoryItem {
  at: number;
  action: 'start' | 'pause' | 'resume' | 'advance' | 'abort' | 'halt' | 'pull' | 'step' | 'complete';
  to: RolloutState;
  by: string;
  why: string;
  /** The open step after the transition. */
  stepIndex: number;
}

export interface RolloutSnapshot {
  state: RolloutState;
  version: string;
  percent: number;
  stepIndex: number;
  steps: { index: number; percent: number; soak: number; state: 'done' | 'open' | 'pending'; openedAt: number | null }[];
  counts: Record<string, number> & { granted: number };
  failures: { total: number; counted: number; byKind: Record<string, number> };
  haltReason: string | null;
  startedAt: number;
  finishedAt: number | null;
  history: RolloutHistoryItem[];
}

/** The rollout will not move by itself any more (an operator may still resume a halted one). */
export function isSettledRollout(r: RolloutSnapshot): boolean {
  return r.state === 'completed' || r.state === 'halted' || r.state === 'aborted';
}

/**
 * The percent of the step that was open at simulated instant `at` (a step plan): 0 before the
 * start, the open step's percent while it runs or is held (a held step grants nothing new, but the
 * nodes it took are within its percent), 100 once completed, 0 once aborted.
 */
export function openPercentAt(r: RolloutSnapshot, at: number): number {
  let percent = 0;
  for (const h of r.history) {
    if (h.at > at) break;
    if (h.action === 'complete') percent = 100;
    else if (h.action === 'abort') percent = 0;
    else percent = r.steps[h.stepIndex]?.percent ?? percent;
  }
  return percent;
}

/** When the rollout reached `action` first (e.g. 'halt', 'complete'), or null. */
export function firstAt(r: RolloutSnapshot, action: RolloutHistoryItem['action']): number | null {
  return r.history.find((h) => h.action === action)?.at ?? null;
}
