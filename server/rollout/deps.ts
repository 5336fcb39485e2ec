// What the rollout code needs from the process: the store, the event sink (webhooks), the
// per-process release cache (dropped after every write) and a clock.
import type { Logger } from '../../kernel/log.ts';
import type { ReleaseCache } from '../omaha/release-cache.ts';
import type { Store } from '../store/types.ts';
import type { EventSink, PlatteEvent } from './events.ts';

export interface RolloutDeps {
  store: Store;
  events: EventSink;
  releases: ReleaseCache;
  log: Logger;
  now: () => number;
}

/** Tells every listener; a listener that fails is logged, never the caller's failure. */
export async function emitAll(deps: Pick<RolloutDeps, 'events' | 'log'>, events: readonly PlatteEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await deps.events.emit(event);
    } catch (err) {
      deps.log.warn({ err, event: event.type }, 'event listener failed');
    }
  }
}
