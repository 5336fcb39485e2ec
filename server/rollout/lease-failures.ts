// Reboot-slot leases that ran out, counted as failures of the rollouts their nodes were in. The
// coordinator's lease sweep reports the holders whose lease ran out (platte/ wires it here); a
// FleetLock holder id is the node's machine id (Zincati sends it), so each one is looked up in every
// app. A node on its way to its target (granted up to installed, waiting for the reboot) that lost
// its slot that way counts once in `f/<channel>/<target>|lease-expired` (domain/counters.ts), which
// the halt rule and the rollout view read. Holders that are no node of any app count nowhere.
import type { Logger } from '../../kernel/log.ts';
import { failureBucket } from '../domain/failure-counters.ts';
import type { InstanceRecord, InstanceStatus } from '../domain/types.ts';
import type { Store } from '../store/types.ts';
import { forEachHolderNode } from './holder-nodes.ts';

/** The statuses of a node between its grant and its reboot into the target. */
const ON_THE_WAY: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>(['granted', 'downloading', 'downloaded', 'installed']);

export interface LeaseFailureDeps {
  store: Pick<Store, 'listApps' | 'getInstance' | 'countFailure'>;
  log: Logger;
}

/** The failure bucket a node's expired lease counts in, or null when it was on its way to nothing. */
export function leaseFailureBucket(instance: InstanceRecord | null): string | null {
  if (!instance || !ON_THE_WAY.has(instance.status)) return null;
  return failureBucket(instance.channel, instance.targetVersion, 'lease-expired');
}

/**
 * Counts the expired leases of `machineIds` as failures of their nodes' rollouts; returns how many
 * were counted. One app's failure is logged and does not stop the others.
 */
export async function recordLeaseExpiries(deps: LeaseFailureDeps, machineIds: readonly string[]): Promise<number> {
  return forEachHolderNode(deps, machineIds, 'counting expired leases failed', async (appId, instance) => {
    const bucket = leaseFailureBucket(instance);
    if (bucket === null) return false;
    await deps.store.countFailure(appId, bucket);
    deps.log.warn({ appId, machineId: instance.machineId, channel: instance.channel, version: instance.targetVersion }, 'reboot-slot lease ran out on a node updating: counted as a rollout failure');
    return true;
  });
}
