// How many nodes a reboot group lets reboot at once, for the update server's pacing by reboot
// capacity (a track group with maxInProgress 'reboot-slots' grants no more nodes than this). Read
// per check-in of such groups, so answers are kept a few seconds per process: a changed max is
// seen within that time everywhere.
import type { SlotStore } from './store/types.ts';

const TTL_MS = 5_000;

export interface CapacityOptions {
  store: SlotStore;
  now: () => number;
  /** A group nobody configured: its max once created on first use, or null when such groups are refused. */
  defaultMax: number | null;
}

export function rebootCapacity({ store, now, defaultMax }: CapacityOptions): (group: string) => Promise<number | null> {
  const cache = new Map<string, { at: number; slots: number | null }>();
  return async (group) => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < TTL_MS && now() >= hit.at) return hit.slots;
    const snap = await store.read(group, { historyLimit: 0, waitingSince: now() });
    const slots = snap ? snap.config.max : defaultMax;
    if (cache.size > 10_000) cache.clear();
    cache.set(group, { at: now(), slots });
    return slots;
  };
}
