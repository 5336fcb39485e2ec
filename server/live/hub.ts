// The open event streams of this process, by app (app-streams.ts). What the feed says becomes
// events on them:
//   summary  the app's counters summary (as GET …/summary answers it), read at most once per
//            REFRESH_MS per app and only while the app has streams, sent only when it changed;
//   rollout  a rollout or release event (server/rollout/events.ts), as it comes;
//   reboot   reboot groups' slots or settings changed ({groups, all}, reboot-relay.ts): on every
//            stream whatever its app, at most once per REFRESH_MS;
//   closed   sent before the server ends a stream: { reason: 'unauthorized' | 'shutdown' }.
// A stream whose client went away leaves its app at once; an app without streams keeps no state
// and costs no read. Every RECHECK_MS each stream's credentials are checked again, so a revoked
// token (or an ended session) ends its streams within seconds.
import type { Timers } from '../../kernel/jobs/local-runner.ts';
import type { Logger } from '../../kernel/log.ts';
import { AppStreams, endStream, type Stream } from './app-streams.ts';
import type { ChangeFeed, FeedMessage } from './feed.ts';
import { RebootRelay } from './reboot-relay.ts';

export { passJson, type Stream } from './app-streams.ts';

/** Least time between two counter reads of one app. */
export const REFRESH_MS = 1_500;
/** How often each stream's credentials are checked again. */
export const RECHECK_MS = 5_000;
/** Streams one process keeps open at most; beyond, clients are told to poll. */
export const MAX_STREAMS = 1_000;

export interface HubOptions {
  /** The app's summary, as the summary event carries it. */
  read: (appId: string) => Promise<unknown>;
  feed: ChangeFeed;
  timers: Timers;
  log: Logger;
  refreshMs?: number | undefined;
  recheckMs?: number | undefined;
  maxStreams?: number | undefined;
}

export interface LiveHub {
  /** Adds a connected stream to its app and sends it the current summary. */
  add(appId: string, stream: Stream): void;
  /** Open streams, of one app or in all. */
  count(appId?: string): number;
  /** True when no further stream may be opened. */
  full(): boolean;
  /** Ends every stream (shutdown), and any opened later, and stops listening. */
  close(): void;
}

export function createHub(opts: HubOptions): LiveHub {
  const { timers } = opts;
  const recheckMs = opts.recheckMs ?? RECHECK_MS;
  const apps = new Map<string, AppStreams>();
  let total = 0;
  let recheckTimer: unknown;
  let closed = false;

  const reboot = new RebootRelay({
    timers,
    refreshMs: opts.refreshMs ?? REFRESH_MS,
    broadcast: (json) => {
      for (const app of apps.values()) app.broadcast(json, 'reboot');
    },
    hasStreams: () => total > 0,
  });

  const onMessage = (m: FeedMessage) => {
    switch (m.kind) {
      case 'counters':
        for (const appId of m.apps) apps.get(appId)?.changed();
        return;
      case 'reboot':
        // From another process (maybe of another version): only an array is read.
        return reboot.changed(Array.isArray(m.groups) ? m.groups : []);
      case 'resync':
        for (const app of apps.values()) app.changed();
        return reboot.changed(null);
      case 'event':
        apps.get(m.event.appId)?.broadcast(JSON.stringify(m.event), 'rollout');
    }
  };
  const unlisten = opts.feed.listen(onMessage);

  const remove = (appId: string, app: AppStreams, stream: Stream) => {
    if (!app.streams.delete(stream)) return;
    total--;
    if (app.streams.size === 0 && apps.get(appId) === app) {
      app.stop();
      apps.delete(appId);
    }
    if (total > 0) return;
    reboot.stop();
    if (recheckTimer !== undefined) timers.clearTimeout(recheckTimer);
    recheckTimer = undefined;
  };

  const recheckAll = () => {
    recheckTimer = undefined;
    for (const app of apps.values()) {
      for (const stream of app.streams) {
        stream.recheck?.().then(
          (ok) => ok || endStream(stream, 'unauthorized'),
          () => {}, // the check itself failed (store away): the stream stays, the next check decides
        );
      }
    }
    if (total > 0) recheckTimer = timers.setTimeout(recheckAll, recheckMs);
  };

  return {
    add(appId, stream) {
      // A stream opened while the server shuts down is told so at once: the client comes back later.
      if (closed) return endStream(stream, 'shutdown');
      if (!stream.session.isConnected) return;
      let app = apps.get(appId);
      if (!app) {
        app = new AppStreams({ appId, read: opts.read, timers, log: opts.log, refreshMs: opts.refreshMs ?? REFRESH_MS });
        apps.set(appId, app);
      }
      const mine = app;
      total++;
      stream.session.once('disconnected', () => remove(appId, mine, stream));
      mine.add(stream);
      if (recheckTimer === undefined) recheckTimer = timers.setTimeout(recheckAll, recheckMs);
    },
    count(appId) {
      return appId === undefined ? total : (apps.get(appId)?.streams.size ?? 0);
    },
    full() {
      return total >= (opts.maxStreams ?? MAX_STREAMS);
    },
    close() {
      closed = true;
      unlisten();
      reboot.stop();
      for (const app of [...apps.values()]) for (const stream of [...app.streams]) endStream(stream, 'shutdown');
      if (recheckTimer !== undefined) timers.clearTimeout(recheckTimer);
      recheckTimer = undefined;
    },
  };
}
