// The update-timeout sweep, run as a periodic job: a node granted in a group with an updateTimeout
// and still not complete, failed or otherwise done after that long counts as timed out (a failure
// the halt rule sees) and frees its place under the group's in-progress limit. The store finds such
// nodes through its index of grants in progress, oldest first, never by walking instances.
import type { RolloutDeps } from './deps.ts';

export const UPDATE_TIMEOUT_JOB = 'rollout.update-timeouts';

/** At most this many nodes are timed out per group and pass; the next pass takes the rest. */
const BATCH = 1000;

export async function sweepUpdateTimeouts(deps: Pick<RolloutDeps, 'store' | 'log' | 'now'>): Promise<number> {
  let timedOut = 0;
  for (const app of await deps.store.listApps()) {
    try {
      for (const group of await deps.store.listTrackGroups(app.id)) {
        const timeout = group.policy.updateTimeoutMs;
        if (timeout === null) continue;
        const now = deps.now();
        const ids = await deps.store.timeOutGrants(app.id, group.id, now - timeout, now, BATCH);
        if (ids.length > 0) deps.log.info({ appId: app.id, group: group.id, nodes: ids.length }, 'update timed out');
        timedOut += ids.length;
      }
    } catch (err) {
      deps.log.warn({ err, appId: app.id }, 'update-timeout sweep failed');
    }
  }
  return timedOut;
}
