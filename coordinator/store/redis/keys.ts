// Every Redis key of the reboot coordinator is named here, spelled by the kernel's KeySpace. Keys
// of one group share the hash tag `{grp:<group>}` so each Lua script touches a single Cluster
// slot; the lists of groups share `{coord}`; a machine's key has its own tag.
import { KeySpace, type HashTag } from '../../../kernel/storage/redis/keys.ts';

export interface GroupKeys {
  /**
   * Hash: max, paused, pauseReason, leaseSeconds, leasePolicy, windows (JSON), epoch, fence (the last
   * fencing token), rev (the change counter, lua/includes/addEvent.lua), createdAt, updatedAt, auto.
   */
  config: string;
  /** Hash: holder id → "fencingToken:since:leaseUntil[:expiredAt]" (times in ms, see codec.ts). */
  holders: string;
  /** Sorted set: holder id → lease deadline (ms), only holders whose lease has not run out yet. */
  leases: string;
  /** List of JSON SlotEvent, newest first, capped (see ../slot-event.ts). */
  history: string;
  /** Sorted set: node id → last time it was turned away (ms), capped. */
  waiting: string;
  /** Hash: node id → why it was turned away (full | paused | outside-window). */
  waitingWhy: string;
}

export class SlotKeys {
  private readonly space: KeySpace;
  private readonly groupTag: (group: string) => HashTag;
  private readonly machineTag: (machine: string) => HashTag;
  private readonly coord: HashTag;

  constructor(prefix: string) {
    this.space = new KeySpace(prefix);
    this.groupTag = this.space.tagged('grp');
    this.machineTag = this.space.tagged('mach');
    this.coord = this.space.fixedTag('coord');
  }

  group(group: string): GroupKeys {
    const tag = this.groupTag(group);
    return {
      config: tag.key('config'),
      holders: tag.key('holders'),
      leases: tag.key('leases'),
      history: tag.key('history'),
      waiting: tag.key('waiting'),
      waitingWhy: tag.key('waiting-why'),
    };
  }

  /**
   * The group's keys in the order the group scripts take them as KEYS (slotApply-6.lua,
   * slotForget-6.lua take all six; slotExpire-4.lua the first four).
   */
  groupScriptKeys(group: string, n: 4 | 6): string[] {
    const k = this.group(group);
    return [k.config, k.holders, k.leases, k.history, k.waiting, k.waitingWhy].slice(0, n);
  }

  /** Set of every group name (so the lease sweep and the hooks never scan keys). */
  groups(): string {
    return this.coord.key('groups');
  }

  /**
   * Sorted set: group created on first use → a lower bound of its last activity (ms). Its size is
   * what the cap counts; the forget sweep reads the entries older than a day (slotForget-6.lua).
   */
  autoGroups(): string {
    return this.coord.key('auto-groups');
  }

  /** String: the version the Omaha side last offered to this machine (with a TTL). */
  target(machine: string): string {
    return this.machineTag(machine).key('target');
  }
}
