// Reboot-slot changes on their way to the streams. Reboot groups belong to no app, so every open
// stream hears them. However many processes report changes (each feed sends at most one message
// per PUBLISH_MS), a stream gets at most one `reboot` event per refreshMs: the groups named
// meanwhile are gathered and sent together, and nothing is kept while no stream is open.
import type { Timers } from '../../kernel/jobs/local-runner.ts';

export interface RebootRelayOptions {
  timers: Timers;
  refreshMs: number;
  /** Sends the event's JSON to every open stream. */
  broadcast: (json: string) => void;
  /** Whether any stream is open now. */
  hasStreams: () => boolean;
}

/** What a `reboot` event carries: the groups that changed, or `all` when changes may have been missed. */
export interface RebootEvent {
  groups: string[];
  all: boolean;
}

export class RebootRelay {
  private readonly groups = new Set<string>();
  private all = false;
  private lastSent = Number.NEGATIVE_INFINITY;
  private timer: unknown;

  constructor(private readonly opts: RebootRelayOptions) {}

  /** These groups changed (null: any may have, after a resync); sent at once or when refreshMs has passed. */
  changed(groups: readonly unknown[] | null): void {
    if (!this.opts.hasStreams()) return;
    if (groups === null) this.all = true;
    // Another process's message is trusted only as far as its shape: names are strings.
    else for (const g of groups) if (typeof g === 'string') this.groups.add(g);
    if (this.timer !== undefined || (!this.all && this.groups.size === 0)) return;
    const { timers, refreshMs } = this.opts;
    const wait = Math.max(0, this.lastSent + refreshMs - timers.now());
    this.timer = timers.setTimeout(() => this.send(), wait);
  }

  stop(): void {
    if (this.timer !== undefined) this.opts.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.groups.clear();
    this.all = false;
  }

  private send(): void {
    this.timer = undefined;
    const event: RebootEvent = { groups: [...this.groups], all: this.all };
    this.groups.clear();
    this.all = false;
    if (!this.opts.hasStreams()) return;
    this.lastSent = this.opts.timers.now();
    this.opts.broadcast(JSON.stringify(event));
  }
}
