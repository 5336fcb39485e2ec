// Every Redis key of the reboot coordinator is built here. Keys of one group share the hash tag
// `{grp:<group>}` so each Lua script touches a single Cluster slot; machine keys have their own tag.

export interface GroupKeys {
  /** Hash: max, paused, pauseReason, leaseSeconds, leasePolicy, windows (JSON), epoch, fence, createdAt, updatedAt, auto. */
  config: string;
  /** Hash: holder id → "token:since:leaseUntil[:expiredAt]" (fencing token, times in ms). */
  holders: string;
  /** Sorted set: holder id → lease deadline (ms), only holders whose lease has not run out yet. */
  leases: string;
  /** List of JSON SlotEvent, newest first, capped. */
  history: string;
  /** Sorted set: node id → last time it was turned away (ms), capped. */
  waiting: string;
  /** Hash: node id → why it was turned away (full | paused | outside-window). */
  waitingWhy: string;
}

export class SlotKeys {
  constructor(readonly prefix: string) {}

  group(group: string): GroupKeys {
    const base = `${this.prefix}:{grp:${group}}`;
    return {
      config: `${base}:config`,
      holders: `${base}:holders`,
      leases: `${base}:leases`,
      history: `${base}:history`,
      waiting: `${base}:waiting`,
      waitingWhy: `${base}:waiting-why`,
    };
  }

  /** Set of every group name (so the lease sweep and the hooks never scan keys). */
  groups(): string {
    return `${this.prefix}:{coord}:groups`;
  }

  /**
   * Sorted set: group created on first use → a lower bound of its last activity (ms). Its size is
   * what the cap counts; the forget sweep reads the entries older than a day (slotForget-6.lua).
   */
  autoGroups(): string {
    return `${this.prefix}:{coord}:auto-groups`;
  }

  /** String: the version the Omaha side last offered to this machine (with a TTL). */
  target(machine: string): string {
    return `${this.prefix}:{mach:${machine}}:target`;
  }
}
