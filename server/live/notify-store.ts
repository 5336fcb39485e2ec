// Where the update server says that counters moved: the CountersChanged port, called after each
// check-in the store applied. notifyingStore is that call done around a store, so the check-in
// code needs no change: applyCheckIn, and the two other steps that move nodes between counters
// (timeOutGrants, pruneInstances, markStale), report their app when they moved something. The hook is a Set
// insert (feed.ts), so the check-in path does not get slower.
import type { InstanceStore } from '../store/types.ts';

export interface CountersChanged {
  /** The app's counters moved. Synchronous and cheap; never throws. */
  onCountersChanged(appId: string): void;
}

type Moving = Pick<InstanceStore, 'applyCheckIn' | 'timeOutGrants' | 'pruneInstances' | 'markStale'>;

/** `store` with the moving steps reporting to `port`; every other member as it is. */
export function notifyingStore<S extends Moving>(store: S, port: CountersChanged): S {
  const apply = store.applyCheckIn.bind(store);
  const timeOut = store.timeOutGrants.bind(store);
  const prune = store.pruneInstances.bind(store);
  const stale = store.markStale.bind(store);
  return {
    ...store,
    async applyCheckIn(appId, epoch, change, now) {
      const result = await apply(appId, epoch, change, now);
      if (result.applied) port.onCountersChanged(appId);
      return result;
    },
    async timeOutGrants(appId, group, grantedBefore, now, limit) {
      const moved = await timeOut(appId, group, grantedBefore, now, limit);
      if (moved.length > 0) port.onCountersChanged(appId);
      return moved;
    },
    async markStale(appId, lastCheckBefore, limit) {
      const marked = await stale(appId, lastCheckBefore, limit);
      if (marked > 0) port.onCountersChanged(appId);
      return marked;
    },
    async pruneInstances(appId, lastCheckBefore, limit) {
      const removed = await prune(appId, lastCheckBefore, limit);
      if (removed > 0) port.onCountersChanged(appId);
      return removed;
    },
  };
}
