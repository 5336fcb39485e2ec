// The rollout's background work on the job port (BullMQ on Redis: one run per period across every
// Platte process; in-process on the embedded store): the automatic rules, every few seconds.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { RolloutDeps } from './deps.ts';
import { evaluateRollouts, ROLLOUT_EVALUATE_JOB } from './evaluate.ts';

/** How often the halt and step rules run by default; a step's soak is at least this precise. */
export const DEFAULT_EVALUATE_MS = 5_000;

export function defineRolloutJobs(jobs: JobRunner, deps: RolloutDeps, everyMs = DEFAULT_EVALUATE_MS): { start(): Promise<void>; evaluate(): Promise<number> } {
  jobs.define(ROLLOUT_EVALUATE_JOB, async () => {
    await evaluateRollouts(deps);
  });
  return { start: () => jobs.every(ROLLOUT_EVALUATE_JOB, everyMs), evaluate: () => evaluateRollouts(deps) };
}
