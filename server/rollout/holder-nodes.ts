// What the coordinator reports about reboot-slot holders (an expired lease, a slot given back)
// concerns nodes: a holder id is the node's machine id (Zincati and locksmith send it), so each is
// looked up as an instance in every app, and the caller acts on the ones it finds there.
import type { Logger } from '../../kernel/log.ts';
import { normalizeMachineId } from '../../protocol/omaha/appid.ts';
import type { InstanceRecord } from '../domain/types.ts';
import type { Store } from '../store/types.ts';

export interface HolderNodesDeps {
  store: Pick<Store, 'listApps' | 'getInstance'>;
  log: Logger;
}

/**
 * Calls `act` for each instance the holder ids are, in every app; returns how many times it said
 * it acted. One app's failure is logged (with `what` went wrong) and does not stop the others.
 */
export async function forEachHolderNode(
  deps: HolderNodesDeps,
  holderIds: readonly string[],
  what: string,
  act: (appId: string, instance: InstanceRecord) => Promise<boolean>,
): Promise<number> {
  const ids = [...new Set(holderIds.map(normalizeMachineId))];
  if (ids.length === 0) return 0;
  let acted = 0;
  for (const app of await deps.store.listApps()) {
    try {
      // Auto-pipelined on Redis: one round trip for the app's lookups.
      const instances = await Promise.all(ids.map((m) => deps.store.getInstance(app.id, m)));
      for (const instance of instances) if (instance && (await act(app.id, instance))) acted++;
    } catch (err) {
      deps.log.warn({ err, appId: app.id }, what);
    }
  }
  return acted;
}
