// One rollout run from a fleet spec, against a Platte whose rollout rules the caller can run (an
// in-process Platte on the same simulated clock): builds the fleet with a timeline and the driver,
// runs, and hands back all three with the fleet's summary. Shared by the rollout tests and benches.
import { AdminApi } from './admin-api.ts';
import { Fleet, type FleetSpec } from './fleet.ts';
import { RolloutDriver, type Promotion } from './rollout-driver.ts';
import { runRollout, type RolloutRunResult } from './rollout-run.ts';
import type { RolloutSnapshot } from './rollout-view.ts';
import type { SimClock } from './sim-clock.ts';
import type { SimSummary } from './summary.ts';
import { NodeTimeline } from './timeline.ts';

export interface RolloutScenario {
  server: string;
  /** Admin (or release) token for the API. */
  token: string;
  /** App id as the API names it (no braces). */
  appId: string;
  channel: string;
  clock: SimClock;
  /** Runs the server's rollout rules once (`platte.rollouts.evaluate` of an in-process Platte). */
  evaluate: () => Promise<unknown>;
  spec: FleetSpec;
  promotion: Promotion;
  /** Simulated ms between passes of the rollout rules (default one minute). */
  evaluateEveryMs?: number;
  startAfterMs?: number;
  durationMs: number;
  until(rollout: RolloutSnapshot, fleet: Fleet): boolean;
  /** Requests in flight at once (default 64). */
  concurrency?: number;
}

export interface RolloutOutcome extends RolloutRunResult {
  fleet: Fleet;
  timeline: NodeTimeline;
  driver: RolloutDriver;
  summary: SimSummary;
}

export async function runRolloutScenario(s: RolloutScenario): Promise<RolloutOutcome> {
  const timeline = new NodeTimeline(s.spec.nodes);
  const fleet = new Fleet(s.spec, { server: s.server, clock: s.clock, concurrency: s.concurrency ?? 64, timeline });
  const driver = new RolloutDriver({
    api: new AdminApi(s.server, s.token),
    appId: s.appId,
    channel: s.channel,
    clock: s.clock,
    evaluate: s.evaluate,
    everyMs: s.evaluateEveryMs ?? 60_000,
  });
  try {
    const result = await runRollout({
      fleet,
      driver,
      promotion: s.promotion,
      ...(s.startAfterMs !== undefined ? { startAfterMs: s.startAfterMs } : {}),
      durationMs: s.durationMs,
      until: s.until,
    });
    return { ...result, fleet, timeline, driver, summary: fleet.summary(result.run) };
  } finally {
    fleet.close();
  }
}
