// A rollout run: a fleet and a RolloutDriver on one simulated clock. The rollout is started through
// the API at a chosen simulated instant, the rollout rules run on the simulated clock, and the run
// ends when the caller's question is answered (the rollout completed and every node took it, say)
// or at its duration. A rollout leaves nodes "settled" on the old version while it holds them, so
// the fleet keeps polling instead of stopping once everyone settled.
import type { Fleet, RunResult } from './fleet.ts';
import type { Promotion, RolloutDriver } from './rollout-driver.ts';
import type { RolloutSnapshot } from './rollout-view.ts';

export interface RolloutRunOptions {
  fleet: Fleet;
  driver: RolloutDriver;
  /** The promotion that starts the rollout (`PUT …/channels/{channel}` body). */
  promotion: Promotion;
  /** Simulated ms after the run's start at which the promotion is made (0: before any node checks). */
  startAfterMs?: number;
  /** Simulated ms after which the run stops whatever the rollout does. */
  durationMs: number;
  /** The run is over; asked after every pass of the rollout rules. */
  until(rollout: RolloutSnapshot, fleet: Fleet): boolean;
}

export interface RolloutRunResult {
  run: RunResult;
  /** The rollout when the run ended. */
  rollout: RolloutSnapshot;
  /** Simulated instant the run began. */
  startedAt: number;
  /** Simulated instant the run ended. */
  endedAt: number;
}

export async function runRollout(o: RolloutRunOptions): Promise<RolloutRunResult> {
  const { fleet, driver } = o;
  // The fleet holds its clock at its start until run() begins.
  const startedAt = fleet.clock.now();
  const delay = o.startAfterMs ?? 0;
  if (delay <= 0) await driver.promote(o.promotion);
  const running = fleet.run({ durationMs: o.durationMs, keepPolling: true });
  const driving = (async () => {
    if (delay > 0) {
      if (!(await driver.waitUntil(startedAt + delay))) return;
      await driver.promote(o.promotion);
    }
    await driver.drive((r) => o.until(r, fleet));
  })().then(
    () => fleet.end(),
    (err: unknown) => {
      fleet.end();
      throw err;
    },
  );
  let run: RunResult;
  try {
    run = await running;
  } catch (err) {
    driver.stop();
    await driving.catch(() => undefined);
    throw err;
  }
  driver.stop();
  await driving;
  const endedAt = fleet.clock.now();
  return { run, rollout: await driver.read(), startedAt, endedAt };
}
