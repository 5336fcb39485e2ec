// Taking and giving back slots (through the group commit of batch.ts) and the lease sweep (one
// slotExpire script per group), with slotApply's replies read back as the store's answers.
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import type { AcquireResult, ExpiryEvent, ReleaseBy, ReleaseResult, SlotStore } from '../types.ts';
import type { CallKind, CallReply } from './apply.ts';
import { createBatcher } from './batch.ts';
import { parseExpired, parseHolder, type ExpiredRow } from './codec.ts';
import type { SlotRedisContext } from './context.ts';

export function slotOps(ctx: SlotRedisContext): Pick<SlotStore, 'acquire' | 'release' | 'expireDue'> {
  const { submit } = createBatcher(ctx);
  return {
    async acquire(group, id, now) {
      const { reply, expired } = await submit(group, 'pre-reboot', id, now);
      return { result: acquireResult(ctx, group, id, now, reply), expired };
    },
    async release(group, id, now, by) {
      const { reply } = await submit(group, releaseKind(by), id, now, by.by, by.detail ?? '');
      return releaseResult(id, reply);
    },
    async expireDue(now) {
      const groups = await ctx.redis.smembers(ctx.keys.groups());
      const all = await Promise.all(groups.map((g) => expireGroup(ctx, g, now)));
      return all.flat();
    },
  };
}

async function expireGroup(ctx: SlotRedisContext, group: string, now: number): Promise<ExpiryEvent[]> {
  const rows = await runScript<ExpiredRow[]>(ctx.redis, 'slotExpire', ctx.keys.groupScriptKeys(group, 4), [now, ctx.opts.historyCap]);
  return parseExpired(rows).map((e) => ({ group, ...e }));
}

function acquireResult(ctx: SlotRedisContext, group: string, id: string, now: number, reply: CallReply): AcquireResult {
  switch (reply[0]) {
    case ReplyCode.ok: {
      const leaseMs = ctx.windowCache.get(group)?.leaseMs ?? 0;
      return { kind: 'granted', holder: { id, fencingToken: Number(reply[1]), since: now, leaseUntil: now + leaseMs, expiredAt: null } };
    }
    case ReplyCode.held:
      return { kind: 'held', holder: parseHolder(id, String(reply[1])) };
    case ReplyCode.missing:
      return { kind: 'unknown-group' };
    case ReplyCode.capReached:
      return { kind: 'unknown-group', limit: ctx.opts.maxAutoGroups };
    case ReplyCode.paused:
      return { kind: 'paused', reason: reply[1] === '' ? null : String(reply[1]) };
    case ReplyCode.outsideWindow:
      return { kind: 'outside-window', windows: ctx.windowCache.get(group)?.windows ?? [] };
    case ReplyCode.full: {
      const sample = JSON.parse(String(reply[3])) as [string, string][];
      return { kind: 'full', max: Number(reply[1]), count: Number(reply[2]), holders: sample.map(([hid, rec]) => parseHolder(hid, rec)) };
    }
    default:
      throw unexpectedReply('slotApply', reply);
  }
}

/** The batch call that gives a slot back: the node's own steady-state is the short one. */
function releaseKind(by: ReleaseBy): CallKind {
  if (by.event === 'force-unlock') return 'force-unlock';
  return by.by === 'node' && !by.detail ? 'steady-state' : 'release';
}

function releaseResult(id: string, reply: CallReply): ReleaseResult {
  switch (reply[0]) {
    case ReplyCode.ok:
      return { kind: 'released', holder: parseHolder(id, String(reply[1])) };
    case ReplyCode.none:
      return { kind: 'not-held' };
    case ReplyCode.missing:
      return { kind: 'unknown-group' };
    default:
      throw unexpectedReply('slotApply', reply);
  }
}
