// Group commit for the Redis slot store: calls for one group are sent to Redis in batches, which
// slotApply-6.lua applies one after the other, each decided as if it came alone. A group with
// nothing on its way to Redis sends at the end of the current tick (no added latency); while
// batches are on their way, calls gather until the event loop has handled the I/O that is ready,
// then go as one batch.
// Windows are evaluated here in TypeScript (Lua has no time zones) against a cached copy of the
// group's windows; the script checks the cache's epoch and answers staleConfig when config changed.
// A group created on first use is first admitted under the cap by slotAdmit (the coordinator's
// keys), then created by slotApply (the group's keys): each script stays within one hash slot.
import type { Redis } from 'ioredis';
import { ReplyCode } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import type { Expiry } from '../../domain/decide.ts';
import type { RebootWindow } from '../../domain/types.ts';
import { isOpen } from '../../../kernel/time/windows.ts';
import { FULL_SAMPLE, type SlotStoreOptions } from '../types.ts';
import { parseExpired, type ExpiredRow } from './codec.ts';
import type { SlotKeys } from './keys.ts';

/** A request that finds the configuration changed this many times in a row gives up (never seen in practice). */
const MAX_STALE_RETRIES = 5;
/** Calls one batch carries at most; more go in the next batch. */
const MAX_BATCH = 256;

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

interface Call {
  kind: CallKind;
  id: string;
  now: number;
  by: string;
  detail: string;
  resolve: (outcome: CallOutcome) => void;
  reject: (err: unknown) => void;
}

/** Windows and lease length per group as last seen, with the epoch they belong to. */
export type WindowCache = Map<string, { epoch: number; windows: RebootWindow[]; leaseMs: number }>;

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

export function createBatcher(redis: Redis, keys: SlotKeys, opts: SlotStoreOptions, windowCache: WindowCache) {
  /** Per group: calls waiting for the next batch, and how many batches are on their way. */
  const lanes = new Map<string, { queue: Call[]; inFlight: number }>();
  const d = opts.defaults;

  /** The group is missing and the batch has a pre-reboot: may it be created on first use (the cap)? */
  async function admit(group: string, calls: Call[], replies: CallReply[]): Promise<boolean> {
    const first = calls.findIndex((c) => c.kind === 'pre-reboot');
    if (!opts.createUnknownGroups || first < 0 || replies[first]?.[0] !== ReplyCode.missing) return false;
    const args = [group, (calls[first] as Call).now, opts.maxAutoGroups];
    if ((await runScript<number>(redis, 'slotAdmit', [keys.groups(), keys.autoGroups()], args)) === ReplyCode.ok) return true;
    calls.forEach((c, i) => {
      if (c.kind === 'pre-reboot') replies[i] = [ReplyCode.capReached];
    });
    return false;
  }

  async function runBatch(group: string, calls: Call[]): Promise<void> {
    try {
      let admitted = false;
      for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
        const cached = windowCache.get(group);
        const args: (string | number)[] = [cached?.epoch ?? -1, admitted ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap, opts.waitingCap, FULL_SAMPLE];
        for (const c of calls) args.push(...callArgs(c, cached));
        const out = await runScript<[number, CallReply[] | string, ExpiredRow[] | number, number?]>(redis, 'slotApply', keys.groupScriptKeys(group, 6), args);
        if (out[0] === ReplyCode.staleConfig) {
          const [windows, leaseSeconds] = out.slice(1, 3) as [string, number];
          windowCache.set(group, { epoch: Number(out[3]), windows: JSON.parse(windows) as RebootWindow[], leaseMs: Number(leaseSeconds) * 1000 });
          continue;
        }
        const replies = out[1] as CallReply[];
        // Nothing was applied to a missing group: once admitted, the whole batch goes again.
        if (!admitted && (await admit(group, calls, replies))) {
          admitted = true;
          continue;
        }
        let expired = parseExpired(out[2] as ExpiredRow[]);
        calls.forEach((c, i) => {
          c.resolve({ reply: replies[i] as CallReply, expired: c.kind === 'pre-reboot' ? expired : [] });
          if (c.kind === 'pre-reboot') expired = [];
        });
        return;
      }
      throw new Error(`group ${group}: configuration changed during ${MAX_STALE_RETRIES} attempts`);
    } catch (err) {
      for (const c of calls) c.reject(err);
    }
  }

  /** Sends the group's queued calls, MAX_BATCH at a time. */
  function flush(group: string): void {
    const lane = lanes.get(group);
    if (!lane) return;
    while (lane.queue.length > 0) {
      lane.inFlight++;
      void runBatch(group, lane.queue.splice(0, MAX_BATCH)).finally(() => {
        if (--lane.inFlight === 0 && lane.queue.length === 0) lanes.delete(group);
      });
    }
  }

  /** Queues one call for the group's next batch; resolves with its reply. */
  function submit(group: string, kind: CallKind, id: string, now: number, by = '', detail = ''): Promise<CallOutcome> {
    return new Promise<CallOutcome>((resolve, reject) => {
      let lane = lanes.get(group);
      if (!lane) {
        lane = { queue: [], inFlight: 0 };
        lanes.set(group, lane);
      }
      if (lane.queue.length === 0) {
        if (lane.inFlight === 0) process.nextTick(flush, group);
        else setImmediate(flush, group);
      }
      lane.queue.push({ kind, id, now, by, detail, resolve, reject });
    });
  }

  return { submit };
}
