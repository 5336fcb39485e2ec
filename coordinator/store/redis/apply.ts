// One batch of calls for one group, applied by slotApply-6.lua: each call decided as if it came
// alone. Windows are evaluated here in TypeScript (Lua has no time zones) against a cached copy of
// the group's windows; the script checks the cache's epoch and answers staleConfig when config
// changed, and the batch goes again. A group created on first use is first admitted under the cap
// by slotAdmit (the coordinator's keys), then created by slotApply (the group's keys): each script
// stays within one hash slot.
import { ReplyCode } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import type { Expiry } from '../../domain/decide.ts';
import type { RebootWindow } from '../../domain/types.ts';
import { isOpen } from '../../../kernel/time/windows.ts';
import { FULL_SAMPLE } from '../types.ts';
import { parseExpired, type ExpiredRow } from './codec.ts';
import type { SlotRedisContext, WindowCache } from './context.ts';

/** A request that finds the configuration changed this many times in a row gives up (never seen in practice). */
const MAX_STALE_RETRIES = 5;

/**
 * The calls slotApply-6.lua takes, by the names its header gives them: a node taking a slot, a
 * node giving its own back, someone else giving it back (omaha, an operator), an operator taking it away.
 */
export type CallKind = 'pre-reboot' | 'steady-state' | 'release' | 'force-unlock';

/**
 * One call's answer from slotApply (see the script's header): a reply code and what goes with it.
 * [ReplyCode.capReached] never comes from the script: runBatch answers it when slotAdmit refused the group.
 */
export type CallReply = [number, ...(number | string)[]];

export interface CallOutcome {
  reply: CallReply;
  /** Leases processed on the way; reported once, with the batch's first pre-reboot. */
  expired: Expiry[];
}

export interface Call {
  kind: CallKind;
  id: string;
  now: number;
  by: string;
  detail: string;
  resolve: (outcome: CallOutcome) => void;
  reject: (err: unknown) => void;
}

/** slotApply's answer: the replies and the expired leases, or staleConfig with the current config. */
type ApplyAnswer = [number, CallReply[] | string, ExpiredRow[] | number, number?];

/** The ARGV of one call (slotApply-6.lua's header lists them per kind). */
function callArgs(c: Call, cached: ReturnType<WindowCache['get']>): (string | number)[] {
  switch (c.kind) {
    case 'pre-reboot':
      // The lease deadline, or 0 when no window is open.
      return [c.kind, c.id, c.now, cached && !isOpen(cached.windows, c.now) ? 0 : c.now + (cached?.leaseMs ?? 0)];
    case 'steady-state':
      return [c.kind, c.id, c.now];
    case 'release':
    case 'force-unlock':
      return [c.kind, c.id, c.now, c.by, c.detail];
  }
}

/** Applies the batch to the group and settles every call; a failure rejects them all. */
export async function runBatch(ctx: SlotRedisContext, group: string, calls: Call[]): Promise<void> {
  try {
    let admitted = false;
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
      const out = await applyOnce(ctx, group, calls, admitted);
      if (!out) continue;
      const replies = out[1] as CallReply[];
      // Nothing was applied to a missing group: once admitted, the whole batch goes again.
      if (!admitted && (await admit(ctx, group, calls, replies))) {
        admitted = true;
        continue;
      }
      settle(calls, replies, out[2] as ExpiredRow[]);
      return;
    }
    throw new Error(`group ${group}: configuration changed during ${MAX_STALE_RETRIES} attempts`);
  } catch (err) {
    for (const c of calls) c.reject(err);
  }
}

/** Runs slotApply once; null when the cached windows were stale (the cache holds the new ones now). */
async function applyOnce(ctx: SlotRedisContext, group: string, calls: Call[], admitted: boolean): Promise<ApplyAnswer | null> {
  const { opts, windowCache } = ctx;
  const d = opts.defaults;
  const cached = windowCache.get(group);
  const args: (string | number)[] = [cached?.epoch ?? -1, admitted ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap, opts.waitingCap, FULL_SAMPLE];
  for (const c of calls) args.push(...callArgs(c, cached));
  const out = await runScript<ApplyAnswer>(ctx.redis, 'slotApply', ctx.keys.groupScriptKeys(group, 6), args);
  if (out[0] !== ReplyCode.staleConfig) return out;
  const [windows, leaseSeconds] = out.slice(1, 3) as [string, number];
  windowCache.set(group, { epoch: Number(out[3]), windows: JSON.parse(windows) as RebootWindow[], leaseMs: Number(leaseSeconds) * 1000 });
  return null;
}

/** The group is missing and the batch has a pre-reboot: may it be created on first use (the cap)? */
async function admit(ctx: SlotRedisContext, group: string, calls: Call[], replies: CallReply[]): Promise<boolean> {
  const { opts, keys } = ctx;
  const first = calls.findIndex((c) => c.kind === 'pre-reboot');
  if (!opts.createUnknownGroups || first < 0 || replies[first]?.[0] !== ReplyCode.missing) return false;
  const args = [group, (calls[first] as Call).now, opts.maxAutoGroups];
  if ((await runScript<number>(ctx.redis, 'slotAdmit', [keys.groups(), keys.autoGroups()], args)) === ReplyCode.ok) return true;
  calls.forEach((c, i) => {
    if (c.kind === 'pre-reboot') replies[i] = [ReplyCode.capReached];
  });
  return false;
}

/** Answers every call; the leases that ran out go with the first pre-reboot only. */
function settle(calls: Call[], replies: CallReply[], rows: ExpiredRow[]): void {
  let expired = parseExpired(rows);
  calls.forEach((c, i) => {
    c.resolve({ reply: replies[i] as CallReply, expired: c.kind === 'pre-reboot' ? expired : [] });
    if (c.kind === 'pre-reboot') expired = [];
  });
}
