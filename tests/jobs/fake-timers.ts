// A clock the test moves by hand, for the local job runner: advance() fires each due timer in time
// order and lets the work it started settle before looking for the next, so nothing sleeps.
import type { Timers } from '../../kernel/jobs/local-runner.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets promise chains started by a timer run to their next real wait (a few event-loop turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeTimers implements Timers {
  private t: number;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const seq = ++this.seq;
    this.pending.set(seq, { at: this.t + ms, seq, fn });
    return seq;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get armed(): number {
    return this.pending.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      let next: Pending | undefined;
      for (const p of this.pending.values()) if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (!next) break;
      this.pending.delete(next.seq);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}
