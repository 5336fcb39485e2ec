// The rollout `platte demo` runs: its plan, how the banner and the closing line put it, and the
// rollout rules run on the simulator's clock next to the fleet. Platte runs on that clock too, so
// soaks, leases and the halt rule all count simulated time; its own rollout job runs every 5 s of
// real time, far too seldom at the demo's speed, so the demo runs the rules every simulated minute.
import { AdminApi } from '../client-sim/admin-api.ts';
import type { Fleet } from '../client-sim/fleet.ts';
import { formatSeconds } from '../client-sim/report.ts';
import { RolloutDriver } from '../client-sim/rollout-driver.ts';
import { isSettledRollout, type RolloutSnapshot } from '../client-sim/rollout-view.ts';
import type { SimClock } from '../client-sim/sim-clock.ts';

/** Soaks long enough to watch each step on the dashboard, short enough to see all within minutes. */
export const DEMO_PLAN = {
  steps: [
    { percent: 10, soak: '1h' },
    { percent: 50, soak: '2h' },
    { percent: 100, soak: '1h' },
  ],
  haltOn: { failurePercent: 20 },
} as const;

/** "10 % (soak 1h) → 50 % (soak 2h) → 100 % (soak 1h), halt at 20 % failed". */
export function planWords(): string {
  const steps = DEMO_PLAN.steps.map((s) => `${s.percent} % (soak ${s.soak})`).join(' → ');
  return `${steps}, halt at ${DEMO_PLAN.haltOn.failurePercent} % failed`;
}

/**
 * The demo is over: the rollout will not move by itself any more (completed, halted, aborted) and,
 * when it completed, every node runs `version` or is out of the game (gave up, lost). Read from the
 * fleet's counters, never by walking the nodes. Nodes the rollout held back count as settled on the
 * old version, which is why a completed rollout alone is not enough.
 */
export function demoOver(r: RolloutSnapshot, fleet: Fleet, version: string): boolean {
  if (!isSettledRollout(r)) return false;
  if (r.state !== 'completed') return true;
  const s = fleet.stats;
  const n = fleet.nodes.length;
  const out = (s.states.get('gave-up') ?? 0) + (s.states.get('lost') ?? 0);
  return s.settled === n && (s.versions.get(version) ?? 0) + out === n;
}

export interface DemoRolloutDeps {
  url: string;
  token: string;
  /** App id as the API names it (no braces). */
  appId: string;
  channel: string;
  version: string;
  clock: SimClock;
  /** Runs Platte's rollout rules once (`platte.rollouts.evaluate`), and whatever else runs each simulated minute. */
  evaluate: () => Promise<unknown>;
}

export interface DemoRollout {
  /** For runSim's `beside`: runs the rules until the demo is over or the run stopped. */
  beside(fleet: Fleet, stopped: AbortSignal): Promise<void>;
  /** The rollout as last read (null before the first pass). */
  latest(): RolloutSnapshot | null;
}

export function demoRollout(d: DemoRolloutDeps): DemoRollout {
  const driver = new RolloutDriver({
    api: new AdminApi(d.url, d.token),
    appId: d.appId,
    channel: d.channel,
    clock: d.clock,
    evaluate: d.evaluate,
    everyMs: 60_000,
  });
  return {
    async beside(fleet, stopped) {
      stopped.addEventListener('abort', () => driver.stop(), { once: true });
      await driver.drive((r) => demoOver(r, fleet, d.version));
    },
    latest: () => driver.latest,
  };
}

/** The closing line: how the rollout ended and when each step opened, in simulated time. */
export function rolloutOutcome(r: RolloutSnapshot): string {
  const since = (at: number) => formatSeconds((at - r.startedAt) / 1000);
  const opened = r.steps.map((s) => `${s.percent} % at ${s.openedAt === null ? 'never' : since(s.openedAt)}`).join(', ');
  const end = r.finishedAt !== null ? ` after ${since(r.finishedAt)}` : '';
  const why = r.state === 'halted' && r.haltReason ? ` (${r.haltReason})` : '';
  return `Rollout of ${r.version}: ${r.state}${end}${why}; steps opened ${opened} (simulated time from the promotion)`;
}
