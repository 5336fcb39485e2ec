// The rollout's background work on the job port (BullMQ on Redis: one run per period across every
// Platte process; in-process on the embedded store): the automatic rules, every few seconds.
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { RolloutDeps } from './deps.ts';
import { evaluateRollouts, ROLLOUT_EVALUATE_JOB } from './evaluate.ts';
import { sweepUpdateTimeouts, UPDATE_TIMEOUT_JOB } from './timeouts.ts';

/** How often the halt and step rules run by default; a step's soak is at least this precise. */
export const DEFAULT_EVALUATE_MS = 5_000;
/** How often grants are checked against their group's updateTimeout (at least a minute, by the schema). */
const TIMEOUT_SWEEP_MS = 30_000;

export interface RolloutJobs {
  start(): Promise<void>;
  /** Runs the halt and step rules now; answers how many rollouts changed. */
  evaluate(): Promise<number>;
  /** Times out the grants older than their group's updateTimeout now; answers how many. */
  sweepTimeouts(): Promise<number>;
}

export function defineRolloutJobs(jobs: JobRunner, deps: RolloutDeps, everyMs = DEFAULT_EVALUATE_MS): RolloutJobs {
  jobs.define(ROLLOUT_EVALUATE_JOB, async () => {
    await evaluateRollouts(deps);
  });
  jobs.define(UPDATE_TIMEOUT_JOB, async () => {
    await sweepUpdateTimeouts(deps);
  });
  return {
    async start() {
      await jobs.every(ROLLOUT_EVALUATE_JOB, everyMs);
      await jobs.every(UPDATE_TIMEOUT_JOB, TIMEOUT_SWEEP_MS);
    },
    evaluate: () => evaluateRollouts(deps),
    sweepTimeouts: () => sweepUpdateTimeouts(deps),
  };
}
