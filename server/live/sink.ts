// The EventSink the live streams listen through: rollout and release events go on the change feed
// (to every process on Redis), where each process's hub sends them to the app's streams. Node
// events (node.failed) stay out: one per failing node could be thousands, and the counters
// summary already shows the failures.
import type { EventSink, PlatteEvent } from '../rollout/events.ts';
import type { ChangeFeed } from './feed.ts';

const LIVE_EVENT = (e: PlatteEvent) => e.type.startsWith('rollout.') || e.type === 'package.pulled';

export function createLiveSink(feed: ChangeFeed): EventSink {
  return {
    async emit(event) {
      if (LIVE_EVENT(event)) feed.publishEvent(event);
    },
  };
}

/** One sink that hands each event to every one of `sinks`, each failing on its own. */
export function fanOutSink(...sinks: EventSink[]): EventSink {
  return {
    async emit(event) {
      await Promise.all(sinks.map((s) => s.emit(event).catch(() => {})));
    },
  };
}
