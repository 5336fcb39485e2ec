// A group's life apart from its slots: created on first use without taking a slot (locksmith),
// configured by an operator (creating it when asked), forgotten after sitting idle when nobody
// configured it. The group's keys change in one script; the {coord} lists of groups in another.
import { execAll } from '../../../kernel/storage/redis/multi.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import { describeChange } from '../../domain/describe.ts';
import type { GroupChange } from '../../domain/types.ts';
import type { CreateResult, SlotStore } from '../types.ts';
import { configureEvent } from '../slot-event.ts';
import { configHash, parseConfig } from './codec.ts';
import type { SlotRedisContext } from './context.ts';

export function groupOps(ctx: SlotRedisContext): Pick<SlotStore, 'createOnFirstUse' | 'configure' | 'forgetIdle'> {
  return {
    createOnFirstUse: (group, now) => createOnFirstUse(ctx, group, now),
    configure: (group, change, now, actor, create) => configure(ctx, group, change, now, actor, create),
    async forgetIdle(now) {
      const cutoff = now - ctx.opts.autoGroupIdleMs;
      const due = await ctx.redis.zrangebyscore(ctx.keys.autoGroups(), '-inf', cutoff, 'LIMIT', 0, 100);
      const forgotten: string[] = [];
      for (const group of due) if (await forget(ctx, group, now, cutoff)) forgotten.push(group);
      return forgotten;
    },
  };
}

async function createOnFirstUse(ctx: SlotRedisContext, group: string, now: number): Promise<CreateResult> {
  const { redis, keys, opts } = ctx;
  const d = opts.defaults;
  const k = keys.group(group);
  const exists = async () => (await redis.exists(k.config)) === 1;
  if (await exists()) return { kind: 'exists' };
  if (!opts.createUnknownGroups) return { kind: 'unknown-group' };
  // Admitted under the cap on the {coord} keys, then created on the group's keys (one hash slot each).
  const admitted = await runScript<number>(redis, 'slotAdmit', [keys.groups(), keys.autoGroups()], [group, now, opts.maxAutoGroups]);
  if (admitted === ReplyCode.capReached) return (await exists()) ? { kind: 'exists' } : { kind: 'unknown-group', limit: opts.maxAutoGroups };
  const code = await runScript<number>(redis, 'slotCreate', [k.config, k.history], [now, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap]);
  if (code === ReplyCode.ok) return { kind: 'created' };
  if (code === ReplyCode.exists) return { kind: 'exists' };
  throw unexpectedReply('slotCreate', code);
}

async function configure(ctx: SlotRedisContext, group: string, change: GroupChange, now: number, actor: string, create: boolean) {
  const { redis, keys, opts } = ctx;
  const d = opts.defaults;
  const [groupsKey, autoKey] = [keys.groups(), keys.autoGroups()];
  if (create) await redis.sadd(groupsKey, group);
  const k = keys.group(group);
  const flat = await runScript<string[] | number>(redis, 'slotConfigure', [k.config, k.history], [
    now, actor, create ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, configureEvent(change), describeChange(change), opts.historyCap,
    ...changedFields(change),
  ]);
  if (flat === ReplyCode.missing) return null;
  if (!Array.isArray(flat)) throw unexpectedReply('slotConfigure', flat);
  // The group is an operator's now: off the index of groups created on first use, and listed
  // (again, in case a forget sweep unlisted it between the SADD above and the script).
  await execAll(redis.multi().zrem(autoKey, group).sadd(groupsKey, group));
  const config = parseConfig(group, configHash(flat));
  ctx.windowCache.set(group, { epoch: config.epoch, windows: config.windows, leaseMs: config.leaseSeconds * 1000 });
  return config;
}

/** The config-hash fields the change sets, as field, value pairs for slotConfigure. */
function changedFields(change: GroupChange): (string | number)[] {
  const pairs: (string | number)[] = [];
  if (change.max !== undefined) pairs.push('max', change.max);
  if (change.windows !== undefined) pairs.push('windows', JSON.stringify(change.windows));
  if (change.leaseSeconds !== undefined) pairs.push('leaseSeconds', change.leaseSeconds);
  if (change.leasePolicy !== undefined) pairs.push('leasePolicy', change.leasePolicy);
  if (change.paused !== undefined) pairs.push('paused', change.paused ? 1 : 0, 'pauseReason', change.paused ? (change.pauseReason ?? '') : '');
  return pairs;
}

/** Forgets one group of the sweep (slotForget-6.lua) and unlists it (slotUnlist-2.lua); true when unlisted. */
async function forget(ctx: SlotRedisContext, group: string, now: number, cutoff: number): Promise<boolean> {
  const { redis, keys } = ctx;
  const [code, lastActivity] = await runScript<[number, number?]>(redis, 'slotForget', keys.groupScriptKeys(group, 6), [now, cutoff]);
  const unlisted = await runScript<number>(redis, 'slotUnlist', [keys.groups(), keys.autoGroups()], [group, cutoff, code, lastActivity ?? 0]);
  if (code === ReplyCode.ok) ctx.windowCache.delete(group);
  return unlisted === ReplyCode.ok;
}
