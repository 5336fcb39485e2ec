// Reads: a group's snapshot (one MULTI over the group's keys), the list of groups, the groups a
// machine holds a slot in (one HEXISTS per listed group, never a key scan).
import { execAll } from '../../../kernel/storage/redis/multi.ts';
import type { WaitingNode, WaitReason } from '../../domain/types.ts';
import type { GroupSnapshot, SlotStore } from '../types.ts';
import { decodeSlotEvent } from '../slot-event.ts';
import { lastFencingToken, parseConfig, parseHolder, revision } from './codec.ts';
import type { SlotRedisContext } from './context.ts';

export function readOps(ctx: SlotRedisContext): Pick<SlotStore, 'read' | 'listGroups' | 'groupsHeldBy'> {
  const { redis, keys } = ctx;
  return {
    read: (group, opts) => readGroup(ctx, group, opts),
    async listGroups() {
      return (await redis.smembers(keys.groups())).sort();
    },
    async groupsHeldBy(machine) {
      const groups = (await redis.smembers(keys.groups())).sort();
      const held = await Promise.all(groups.map((g) => redis.hexists(keys.group(g).holders, machine)));
      return groups.filter((_, i) => held[i] === 1);
    },
  };
}

async function readGroup(ctx: SlotRedisContext, group: string, opts: { historyLimit: number; waitingSince: number }): Promise<GroupSnapshot | null> {
  const { historyLimit, waitingSince } = opts;
  const k = ctx.keys.group(group);
  const [cfg, holders, history, waiting, why] = (await execAll(
    ctx.redis
      .multi()
      .hgetall(k.config)
      .hgetall(k.holders)
      .lrange(k.history, 0, Math.max(0, historyLimit - 1))
      .zrevrangebyscore(k.waiting, '+inf', waitingSince, 'WITHSCORES', 'LIMIT', 0, 1000)
      .hgetall(k.waitingWhy),
  )) as [Record<string, string>, Record<string, string>, string[], string[], Record<string, string>];
  if (!cfg || Object.keys(cfg).length === 0) return null;
  return {
    config: parseConfig(group, cfg),
    holders: Object.entries(holders).map(([id, rec]) => parseHolder(id, rec)).sort((a, b) => a.since - b.since),
    lastFencingToken: lastFencingToken(cfg),
    history: historyLimit > 0 ? history.map(decodeSlotEvent) : [],
    waiting: waitingNodes(waiting, why),
    revision: revision(cfg),
  };
}

/** ZREVRANGEBYSCORE … WITHSCORES (id, time, id, time…) with each node's reason (`full` when none was kept). */
function waitingNodes(flat: string[], why: Record<string, string>): WaitingNode[] {
  const out: WaitingNode[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const id = flat[i] as string;
    out.push({ id, lastSeen: Number(flat[i + 1]), reason: (Object.hasOwn(why, id) ? why[id] : 'full') as WaitReason });
  }
  return out;
}
