// The automatic rollout rules, run as a periodic job: for every rollout that is running or paused,
// read its nodes' counts from the counters (never the instances), and let the pure state machine
// halt it (too many failures) or open its next step (soaked, success threshold met) or complete it.
import { rolloutCounts } from './counts.ts';
import { applyRolloutAction, currentRollout } from './actions.ts';
import type { RolloutDeps } from './deps.ts';

export const ROLLOUT_EVALUATE_JOB = 'rollout.evaluate';

/** One pass over every app's active rollouts. One app's failure does not stop the others. */
export async function evaluateRollouts(deps: RolloutDeps): Promise<number> {
  let changed = 0;
  for (const app of await deps.store.listApps()) {
    try {
      changed += await evaluateApp(deps, app.id);
    } catch (err) {
      deps.log.warn({ err, appId: app.id }, 'rollout evaluation failed');
    }
  }
  return changed;
}

async function evaluateApp(deps: RolloutDeps, appId: string): Promise<number> {
  const config = await deps.store.loadAppConfig(appId);
  if (!config) return 0;
  const active = config.channels.filter((c) => {
    const r = currentRollout(c);
    return r !== null && (r.status === 'running' || r.status === 'paused');
  });
  if (active.length === 0) return 0;
  const counters = await deps.store.counters(appId);
  let changed = 0;
  for (const channel of active) {
    const before = currentRollout(channel)!;
    const after = await applyRolloutAction(deps, appId, channel.name, (r) => {
      if (r.status !== 'running' && r.status !== 'paused') return null;
      const { counts, progress } = rolloutCounts(counters, channel.name, r.version);
      return { type: 'evaluate', counts, progress };
    });
    if (after && after !== before && after.history.length !== before.history.length) changed++;
  }
  return changed;
}
