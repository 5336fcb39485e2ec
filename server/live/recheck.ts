// The hub's credential checks: every everyMs each open stream's credentials are checked again, and
// a stream whose credentials no longer hold is ended ('unauthorized'), so a revoked token (or an
// ended session) ends its streams within seconds. The timer runs only while a stream is open.
import type { Timers } from '../../kernel/jobs/local-runner.ts';
import { endStream, type Stream } from './app-streams.ts';

export interface RecheckerOptions {
  timers: Timers;
  everyMs: number;
  /** Every open stream, of every app. */
  streams: () => Iterable<Stream>;
  /** Whether any stream is open now. */
  hasStreams: () => boolean;
}

export class Rechecker {
  private timer: unknown;

  constructor(private readonly opts: RecheckerOptions) {}

  /** Schedules the next check, unless one is scheduled already. */
  start(): void {
    if (this.timer === undefined) this.timer = this.opts.timers.setTimeout(() => this.run(), this.opts.everyMs);
  }

  stop(): void {
    if (this.timer !== undefined) this.opts.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    for (const stream of this.opts.streams()) {
      stream.recheck?.().then(
        (ok) => ok || endStream(stream, 'unauthorized'),
        () => {}, // the check itself failed (store away): the stream stays, the next check decides
      );
    }
    if (this.opts.hasStreams()) this.start();
  }
}
