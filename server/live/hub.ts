// The open event streams of this process, by app (app-streams.ts). What the feed says becomes
// events on them:
//   summary  the app's counters summary (as GET …/summary answers it), read at most once per
//            REFRESH_MS per app and only while the app has streams, sent only when it changed;
//   rollout  a rollout or release event (server/rollout/events.ts), as it comes;
//   reboot   reboot groups' slots or settings changed ({groups, all}, reboot-relay.ts): on every
//            stream whatever its app, at most once per REFRESH_MS;
//   closed   sent before the server ends a stream: { reason: 'unauthorized' | 'shutdown' }.
// A stream whose client went away leaves its app at once; an app without streams keeps no state
// and costs no read. Every RECHECK_MS each stream's credentials are checked again (recheck.ts), so a
// revoked token (or an ended session) ends its streams within seconds.
import type { Timers } from '../../kernel/jobs/local-runner.ts';
import type { Logger } from '../../kernel/log.ts';
import { AppStreams, endStream, type Stream } from './app-streams.ts';
import type { ChangeFeed, FeedMessage } from './feed.ts';
import { RebootRelay } from './reboot-relay.ts';
import { Rechecker } from './recheck.ts';

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

/** What the feed says, passed on to the apps' streams and the reboot relay. */
function routeFeed(apps: Map<string, AppStreams>, reboot: RebootRelay): (m: FeedMessage) => void {
  return (m) => {
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
}

/** Every open stream, app by app. */
function* allStreams(apps: Map<string, AppStreams>): Iterable<Stream> {
  for (const app of apps.values()) yield* app.streams;
}

/** The app's streams, made with its first stream. */
function appStreamsOf(apps: Map<string, AppStreams>, appId: string, opts: HubOptions): AppStreams {
  let app = apps.get(appId);
  if (!app) {
    app = new AppStreams({ appId, read: opts.read, timers: opts.timers, log: opts.log, refreshMs: opts.refreshMs ?? REFRESH_MS });
    apps.set(appId, app);
  }
  return app;
}

export function createHub(opts: HubOptions): LiveHub {
  const { timers } = opts;
  const apps = new Map<string, AppStreams>();
  let total = 0;
  let closed = false;
  const hasStreams = () => total > 0;

  const broadcast = (json: string) => {
    for (const app of apps.values()) app.broadcast(json, 'reboot');
  };
  const reboot = new RebootRelay({ timers, refreshMs: opts.refreshMs ?? REFRESH_MS, broadcast, hasStreams });
  const recheck = new Rechecker({ timers, everyMs: opts.recheckMs ?? RECHECK_MS, streams: () => allStreams(apps), hasStreams });
  const unlisten = opts.feed.listen(routeFeed(apps, reboot));

  const remove = (appId: string, app: AppStreams, stream: Stream) => {
    if (!app.streams.delete(stream)) return;
    total--;
    if (app.streams.size === 0 && apps.get(appId) === app) {
      app.stop();
      apps.delete(appId);
    }
    if (total > 0) return;
    reboot.stop();
    recheck.stop();
  };

  return {
    add(appId, stream) {
      // A stream opened while the server shuts down is told so at once: the client comes back later.
      if (closed) return endStream(stream, 'shutdown');
      if (!stream.session.isConnected) return;
      const app = appStreamsOf(apps, appId, opts);
      total++;
      stream.session.once('disconnected', () => remove(appId, app, stream));
      app.add(stream);
      recheck.start();
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
      recheck.stop();
    },
  };
}
