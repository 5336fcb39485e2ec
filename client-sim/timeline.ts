// A per-node record of a run, for questions the fleet's counters cannot answer (rollouts, pacing):
// when each node was granted which version (read from the Omaha answers it received), when it had
// installed it, when it got its reboot slot and when it was back. Kept only when a run asks for it
// (FleetOptions.timeline); the fleet calls observe() after every step of a node with what the node
// looked like before the step, so the node's own code knows nothing of it.
import type { NodeState } from './node-types.ts';

/** What the fleet remembers of a node before a step, to see what the step changed. */
export interface NodeSnapshot {
  state: NodeState;
  version: string;
  settled: boolean;
  inReboot: boolean;
}

/** The parts of a node the timeline reads. */
export interface ObservedNode extends NodeSnapshot {
  readonly index: number;
  readonly targetVersion: string;
}

export function snapshotOf(node: NodeSnapshot): NodeSnapshot {
  return { state: node.state, version: node.version, settled: node.settled, inReboot: node.inReboot };
}

/** A version offered to the node, first time only (a retry after a failure is the same grant). */
export interface Grant {
  version: string;
  /** Simulated ms at which the node read the answer. */
  at: number;
}

/** One install-to-back-up cycle. Times are simulated ms; NaN: has not happened (yet). */
export interface RebootCycle {
  /** The version installed. */
  version: string;
  /** 3/1 sent: installed, waiting for its reboot (a FleetLock node asks for its slot at once). */
  installedAt: number;
  /** Slot granted (FleetLock), or reboot started (other strategies). */
  slotAt: number;
  /** Back and its slot given back. Never for a node lost in its reboot. */
  upAt: number;
  /** The version the node came back on (the old one after a rollback). */
  upVersion: string;
}

/** The longest wait for a slot: which node, since when, and how long (still waiting when `open`). */
export interface SlotWait {
  index: number;
  installedAt: number;
  waitMs: number;
  open: boolean;
}

export class NodeTimeline {
  private readonly grantLists: (Grant[] | undefined)[];
  private readonly cycleLists: (RebootCycle[] | undefined)[];

  constructor(readonly size: number) {
    this.grantLists = new Array(size);
    this.cycleLists = new Array(size);
  }

  /** Records what a node's step changed, `at` being the simulated instant the step was handled. */
  observe(node: ObservedNode, before: NodeSnapshot, at: number): void {
    const i = node.index;
    if (node.state === 'downloading' && before.state !== 'downloading') this.grant(i, node.targetVersion, at);
    if (node.state === 'waiting-reboot' && before.state !== 'waiting-reboot') {
      const list = (this.cycleLists[i] ??= []);
      list.push({ version: node.targetVersion, installedAt: at, slotAt: NaN, upAt: NaN, upVersion: '' });
    }
    const cycle = this.cycleLists[i]?.at(-1);
    if (!cycle) return;
    if (node.inReboot && !before.inReboot && Number.isNaN(cycle.slotAt)) cycle.slotAt = at;
    if (!node.inReboot && before.inReboot && Number.isNaN(cycle.upAt)) {
      cycle.upAt = at;
      cycle.upVersion = node.version;
    }
  }

  grants(i: number): readonly Grant[] {
    return this.grantLists[i] ?? [];
  }

  cycles(i: number): readonly RebootCycle[] {
    return this.cycleLists[i] ?? [];
  }

  /** When node `i` was first offered `version`, or undefined. */
  grantOf(i: number, version: string): Grant | undefined {
    return this.grantLists[i]?.find((g) => g.version === version);
  }

  /** Nodes ever offered `version`. */
  grantedNodes(version: string): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.grantOf(i, version)) out.push(i);
    return out;
  }

  /**
   * The longest wait between an install and its slot, over every cycle; a node still waiting at
   * `now` counts with the wait so far. null when no node ever installed.
   */
  longestSlotWait(now: number): SlotWait | null {
    let worst: SlotWait | null = null;
    for (let i = 0; i < this.size; i++) {
      for (const c of this.cycleLists[i] ?? []) {
        const open = Number.isNaN(c.slotAt);
        const waitMs = (open ? now : c.slotAt) - c.installedAt;
        if (!worst || waitMs > worst.waitMs) worst = { index: i, installedAt: c.installedAt, waitMs, open };
      }
    }
    return worst;
  }

  /** The last instant a node came back on `version`, and how many reboots did; null when none did. */
  lastUp(version: string): { at: number; reboots: number } | null {
    let at = -Infinity;
    let reboots = 0;
    for (const list of this.cycleLists) {
      for (const c of list ?? []) {
        if (c.upVersion !== version) continue;
        reboots++;
        at = Math.max(at, c.upAt);
      }
    }
    return reboots === 0 ? null : { at, reboots };
  }

  /**
   * Most nodes at once between reading their grant of `version` and being back on it (not back by
   * `now`: counted until then). The server counts a node in progress from before the first until
   * after the second (its next check), so this never exceeds the server's count.
   */
  peakInProgress(version: string, now: number): number {
    const edges: [number, number][] = [];
    for (let i = 0; i < this.size; i++) {
      const g = this.grantOf(i, version);
      if (!g) continue;
      const up = this.cycleLists[i]?.find((c) => c.upVersion === version)?.upAt;
      edges.push([g.at, 1], [up ?? now, -1]);
    }
    // At the same instant an end comes before a start: one node's return frees the place of the next.
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let peak = 0;
    for (const [, d] of edges) peak = Math.max(peak, (cur += d));
    return peak;
  }

  private grant(i: number, version: string, at: number): void {
    const list = (this.grantLists[i] ??= []);
    if (!list.some((g) => g.version === version)) list.push({ version, at });
  }
}
