// Live updates for the dashboard: the change feed (in process on the embedded store, Redis pub/sub
// across processes), the hub of open event streams, the EventSink rollout events reach it through,
// and the CountersChanged port the check-in path reports to.
import { realTimers, type Timers } from '../../kernel/jobs/local-runner.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Backend } from '../../kernel/storage/backend.ts';
import { summarize } from '../domain/summary.ts';
import type { EventSink } from '../rollout/events.ts';
import type { InstanceStore, ReleaseStore } from '../store/types.ts';
import { createFeed, LOCAL_TRANSPORT, type ChangeFeed } from './feed.ts';
import { createHub, type LiveHub } from './hub.ts';
import type { CountersChanged } from './notify-store.ts';
import { createRedisTransport } from './redis-transport.ts';
import type { LiveApiDeps } from './routes.ts';
import { createLiveSink } from './sink.ts';

export interface LiveDeps {
  backend: Backend;
  store: Pick<ReleaseStore, 'getApp'> & Pick<InstanceStore, 'counters' | 'countInstances'>;
  log: Logger;
  /** Timers for coalescing (default: Node's, unref'd). */
  timers?: Timers;
  /** Shorter intervals for tests (defaults: feed.ts PUBLISH_MS, hub.ts REFRESH_MS and RECHECK_MS). */
  publishMs?: number;
  refreshMs?: number;
  recheckMs?: number;
  maxStreams?: number;
}

export interface Live {
  /** Call after each check-in the store applied (or wrap the store with notifyingStore). */
  counters: CountersChanged;
  /** Chain beside the webhook sink: rollout and release events reach the streams. */
  sink: EventSink;
  feed: ChangeFeed;
  hub: LiveHub;
  /** What the events route needs besides requireRole. */
  api: Omit<LiveApiDeps, 'requireRole'>;
  /** Ends every stream and stops listening (before the HTTP server waits for its connections). */
  close(): Promise<void>;
}

/** What the summary event carries: the same body as GET /apps/{app}/summary. */
async function readSummary(store: LiveDeps['store'], appId: string): Promise<unknown> {
  const [counters, total] = await Promise.all([store.counters(appId), store.countInstances(appId)]);
  return { ...summarize(counters, total), counters };
}

export function createLive(deps: LiveDeps): Live {
  const timers = deps.timers ?? realTimers;
  const log = deps.log;
  const transport = deps.backend.kind === 'redis' ? createRedisTransport(deps.backend.redis, deps.backend.prefix, log) : LOCAL_TRANSPORT;
  const feed = createFeed(transport, timers, deps.publishMs);
  const hub = createHub({
    read: (appId) => readSummary(deps.store, appId),
    feed,
    timers,
    log,
    refreshMs: deps.refreshMs,
    recheckMs: deps.recheckMs,
    maxStreams: deps.maxStreams,
  });
  let closed = false;
  return {
    counters: { onCountersChanged: (appId) => feed.countersChanged(appId) },
    sink: createLiveSink(feed),
    feed,
    hub,
    api: { hub, store: deps.store },
    async close() {
      if (closed) return;
      closed = true;
      hub.close();
      await feed.close();
    },
  };
}

export { notifyingStore, type CountersChanged } from './notify-store.ts';
export { fanOutSink } from './sink.ts';
export { LIVE_ROUTES, liveRouter, type LiveApiDeps } from './routes.ts';
