// Who is rebooting now, per channel and version, for the overview's bars and the rollout view: the
// nodes of this app that hold a reboot slot while installed (update_engine has written the new
// version and waits for the reboot). The coordinator lists the holders (bounded by the slots of all
// reboot groups, never the fleet); each one is looked up as an instance of this app. Holders that
// are no node of this app (another app's, a node that only uses FleetLock) or not installed (a
// reboot for another reason, a stale node) are left out, as are holders whose lease ran out (stuck,
// and counted as failures), so `rebooting` is always a part of `installed` and the page can split
// it off.
import { dict } from '../../kernel/dict.ts';
import type { RebootingNode, UpdateObserver } from '../deps.ts';
import type { InstanceRecord } from '../domain/types.ts';
import type { InstanceStore } from '../store/types.ts';

/** Holders looked up per request at most: beyond that the count is a lower bound (logged by the caller). */
export const MAX_REBOOTING_LOOKUPS = 2_000;

/** channel → version the node reboots into → nodes. */
export type RebootingCounts = Record<string, Record<string, number>>;

export interface RebootingDeps {
  store: Pick<InstanceStore, 'getInstance'>;
  observer: Pick<UpdateObserver, 'rebootingNodes'>;
}

/** True when this holder's instance counts as rebooting into its target version. */
export function isRebooting(instance: InstanceRecord | null): instance is InstanceRecord {
  return instance !== null && instance.status === 'installed' && !instance.stale && instance.channel !== '' && instance.targetVersion !== '';
}

/** Adds the instances that are rebooting into `out`, by channel and target version (pure). */
export function countRebooting(instances: readonly (InstanceRecord | null)[]): RebootingCounts {
  const out: RebootingCounts = dict();
  for (const i of instances) {
    if (!isRebooting(i)) continue;
    const versions = (out[i.channel] ??= dict());
    versions[i.targetVersion] = (versions[i.targetVersion] ?? 0) + 1;
  }
  return out;
}

/** The app's nodes rebooting now, by channel and version. O(holders). */
export async function rebootingCounts(deps: RebootingDeps, appId: string): Promise<RebootingCounts> {
  const holders: RebootingNode[] = await deps.observer.rebootingNodes();
  // A holder whose lease ran out is stuck (and counted as a lease-expired failure), not rebooting.
  const ids = [...new Set(holders.filter((h) => !h.expired).map((h) => h.id))].slice(0, MAX_REBOOTING_LOOKUPS);
  return countRebooting(await Promise.all(ids.map((id) => deps.store.getInstance(appId, id))));
}

/** How many nodes of `channel` are rebooting into `version`. */
export function rebootingInto(counts: RebootingCounts, channel: string, version: string): number {
  return counts[channel]?.[version] ?? 0;
}
