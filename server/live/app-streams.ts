// One app's open event streams: their better-sse channel, the last summary sent to them, and the
// throttle on reading it (at most once per refreshMs, never two reads at once, a change during a
// read read again after it). The hub (hub.ts) keeps one per app that has streams.
import { createChannel, type Channel, type Session } from 'better-sse';
import type { Timers } from '../../kernel/jobs/local-runner.ts';
import type { Logger } from '../../kernel/log.ts';

/**
 * The serializer of every stream's session: the hub sends text it serialized once for all the
 * app's streams; anything else is JSON.
 */
export const passJson = (data: unknown): string => (typeof data === 'string' ? data : JSON.stringify(data));

export interface Stream {
  /** A connected better-sse session made with `serializer: passJson`. */
  session: Session;
  /** Resolves false when the credentials that opened the stream no longer hold. */
  recheck?: () => Promise<boolean>;
  /** Ends the HTTP response; the session then reports it disconnected. */
  end: () => void;
}

export type CloseReason = 'unauthorized' | 'shutdown';

/** Tells the client why, then ends the response. */
export function endStream(stream: Stream, reason: CloseReason): void {
  try {
    if (stream.session.isConnected) stream.session.push(JSON.stringify({ reason }), 'closed');
  } catch {
    // Disconnected meanwhile: nothing to tell.
  }
  stream.end();
}

export interface AppStreamsOptions {
  appId: string;
  read: (appId: string) => Promise<unknown>;
  timers: Timers;
  log: Logger;
  refreshMs: number;
}

export class AppStreams {
  readonly streams = new Set<Stream>();
  private readonly channel: Channel = createChannel();
  /** The last summary sent, as JSON; null before the first read. */
  private last: string | null = null;
  private lastRead = 0;
  private timer: unknown;
  private reading = false;
  /** A change came during a read: read again after it. */
  private again = false;
  private stopped = false;

  constructor(private readonly opts: AppStreamsOptions) {}

  /** Registers a connected stream and sends it the last summary, or reads one. */
  add(stream: Stream): void {
    this.streams.add(stream);
    this.channel.register(stream.session);
    if (this.last !== null) stream.session.push(this.last, 'summary');
    else this.changed();
  }

  /** Sends `json` under `event` to every stream of the app. */
  broadcast(json: string, event: string): void {
    this.channel.broadcast(json, event);
  }

  /** The counters moved: reads the summary at once when none was read for refreshMs, else then. */
  changed(): void {
    if (this.stopped || this.timer !== undefined) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    const { timers, refreshMs } = this.opts;
    const wait = Math.max(0, this.lastRead + refreshMs - timers.now());
    this.timer = timers.setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, wait);
  }

  /** No stream left: no more reads. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const { appId, timers, log } = this.opts;
    this.reading = true;
    this.lastRead = timers.now();
    try {
      const json = JSON.stringify(await this.opts.read(appId));
      if (json !== this.last && !this.stopped) {
        this.last = json;
        this.channel.broadcast(json, 'summary');
      }
    } catch (err) {
      // The store away or a bug: the next change tries again; the streams stay open.
      log.warn({ err, appId }, 'live: summary not read');
    } finally {
      this.reading = false;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    }
  }
}
