// Nodes that gave their reboot slot back leave progress. A group paced by its reboot group
// (maxInProgress: 'reboot-slots', domain/rollout/policy.ts) may have as many nodes in progress as
// the reboot group has slots; a node that took a slot, rebooted and released it has used its slot,
// so keeping it in progress until its next check-in (hours later) would leave slots idle. The
// coordinator reports a node's own release (FleetLock steady-state, locksmith unlock; platte/ wires
// it here); a holder id is the node's machine id, looked up in every app, and where it is in
// progress it leaves (InstanceStore.endProgress: status, counters and history stay). An operator's
// force-unlock, an expired lease or the release after a completion do not come here.
import type { Logger } from '../../kernel/log.ts';
import { IN_PROGRESS_STATUSES } from '../domain/rollout/limits.ts';
import type { Store } from '../store/types.ts';
import { forEachHolderNode } from './holder-nodes.ts';

export interface RebootProgressDeps {
  store: Pick<Store, 'listApps' | 'getInstance' | 'endProgress'>;
  log: Logger;
  now: () => number;
}

/**
 * Ends the progress of `machineIds` in every app where they are in progress; returns in how many
 * (app, node) pairs it ended. One app's failure is logged and does not stop the others.
 */
export async function endRebootProgress(deps: RebootProgressDeps, machineIds: readonly string[]): Promise<number> {
  return forEachHolderNode(deps, machineIds, 'ending the progress of a node that released its reboot slot failed', async (appId, instance) => {
    // The status says whether it may be in progress; the store checks it is (a node that reported
    // installed without a grant never was).
    if (!IN_PROGRESS_STATUSES.includes(instance.status)) return false;
    if (!(await deps.store.endProgress(appId, instance.machineId, deps.now()))) return false;
    deps.log.info({ appId, machineId: instance.machineId, status: instance.status }, 'node gave its reboot slot back: no longer in progress');
    return true;
  });
}
