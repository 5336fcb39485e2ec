// Reads: a group's snapshot, the list of groups, the groups a machine holds a slot in. Point reads
// and index range reads only, outside any write transaction.
import type { WaitReason } from '../../domain/types.ts';
import type { GroupSnapshot, SlotStore } from '../types.ts';
import { decodeSlotEvent } from '../slot-event.ts';
import type { EmbeddedContext } from './context.ts';
import { toConfig, toHolder } from './statements.ts';

export function readOps(ctx: EmbeddedContext): Pick<SlotStore, 'read' | 'listGroups' | 'groupsHeldBy'> {
  const { q } = ctx;
  return {
    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const row = q.group.get(group);
      if (!row) return null;
      return {
        config: toConfig(row),
        holders: q.holders.all(group).map(toHolder),
        lastFencingToken: row.fence,
        history: q.history.all(group, historyLimit).map((r) => decodeSlotEvent(r.entry)),
        waiting: q.waiting.all(group, waitingSince).map((r) => ({ id: r.holder, lastSeen: r.seen_at, reason: r.reason as WaitReason })),
        // The history sequence is the change counter: every change writes exactly one line.
        revision: Math.max(1, row.seq),
      };
    },
    async listGroups() {
      return q.groups.all().map((r) => r.name);
    },
    async groupsHeldBy(machine) {
      return q.heldBy.all(machine).map((r) => r.grp);
    },
  };
}
