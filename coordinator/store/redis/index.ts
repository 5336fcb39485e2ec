// Slot store on Redis. Every change is ONE Lua script over the group's keys (one hash tag), so
// several Platte processes sharing a Redis never exceed `max` and never fail on a race.
// Group commit: calls for one group are sent to Redis in batches, which the script applies one
// after the other, each decided as if it came alone. A group with nothing on its way to Redis sends
// at the end of the current tick (no added latency); while batches are on their way, calls gather
// until the event loop has handled the I/O that is ready, then go as one batch.
// Windows are evaluated here in TypeScript (Lua has no time zones) against a cached copy of the
// group's windows; the script checks the cache's epoch and answers "stale" when config changed.
// A group created on first use is first admitted under the cap by slotAdmit (the coordinator's
// keys), then created by slotApply (the group's keys): each script stays within one hash slot.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { defineScripts, runScript } from '../../../kernel/storage/redis/scripts.ts';
import { describeChange } from '../../domain/describe.ts';
import type { Expiry } from '../../domain/decide.ts';
import type { GroupConfig, Holder, LeasePolicy, RebootWindow, SlotEvent, WaitReason } from '../../domain/types.ts';
import { isOpen } from '../../domain/windows.ts';
import { FULL_SAMPLE, type AcquireResult, type ExpiryEvent, type GroupSnapshot, type SlotStore, type SlotStoreOptions } from '../types.ts';
import { SlotKeys } from './keys.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');
/** A request that finds the configuration changed this many times in a row gives up (never seen in practice). */
const MAX_STALE_RETRIES = 5;

/** From expireDue: id, token, since, leaseUntil, freed (1|0), when it was processed. */
type ExpiredRow = [string, number, number, number, number, number];
/**
 * One call's answer from slotApply (see the script's header): a number, a holder record or a coded
 * list. [-6] never comes from the script: runBatch answers it when slotAdmit refused the group.
 */
type Reply = number | string | [number, ...(number | string)[]];
/** Calls one batch carries at most; more go in the next batch. */
const MAX_BATCH = 256;

interface Call {
  kind: 'a' | 'r' | 'f';
  id: string;
  now: number;
  by: string;
  detail: string;
  resolve: (r: { reply: Reply; expired: Expiry[] }) => void;
  reject: (err: unknown) => void;
}

/** A holders-hash record: "token:since:leaseUntil[:expiredAt]" (see lua/includes/holder.lua). */
function parseHolder(id: string, record: string): Holder {
  const [t, s, l, x] = record.split(':').map(Number) as [number, number, number, number | undefined];
  return { id, token: t, since: s, leaseUntil: l, expiredAt: x ?? null };
}

function parseExpired(rows: ExpiredRow[]): Expiry[] {
  return rows.map(([id, token, since, leaseUntil, freed, at]) => ({
    holder: { id, token: Number(token), since: Number(since), leaseUntil: Number(leaseUntil), expiredAt: Number(freed) === 1 ? null : Number(at) },
    freed: Number(freed) === 1,
  }));
}

function parseConfig(group: string, flat: string[]): GroupConfig {
  const h: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i] as string] = flat[i + 1] as string;
  return {
    group,
    max: Number(h.max),
    paused: h.paused === '1',
    pauseReason: h.pauseReason ?? null,
    leaseSeconds: Number(h.leaseSeconds),
    leasePolicy: h.leasePolicy as LeasePolicy,
    windows: JSON.parse(h.windows ?? '[]') as RebootWindow[],
    epoch: Number(h.epoch),
    autoCreated: h.auto === '1',
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
  };
}

export function createRedisSlotStore(redis: Redis, prefix: string, opts: SlotStoreOptions): SlotStore {
  defineScripts(redis, LUA_DIR);
  const keys = new SlotKeys(prefix);
  const groupsKey = keys.groups();
  const autoKey = keys.autoGroups();
  /** Windows and lease length per group as last seen, with the epoch they belong to. */
  const windowCache = new Map<string, { epoch: number; windows: RebootWindow[]; leaseMs: number }>();
  /** Per group: calls waiting for the next batch, and how many batches are on their way. */
  const lanes = new Map<string, { queue: Call[]; inFlight: number }>();
  const d = opts.defaults;

  function groupKeyList(group: string, n: 4 | 6): string[] {
    const k = keys.group(group);
    const list = [k.config, k.holders, k.leases, k.history, k.waiting, k.waitingWhy];
    return list.slice(0, n);
  }

  /** The group is missing and the batch has a pre-reboot: may it be created on first use (the cap)? */
  async function admit(group: string, calls: Call[], replies: Reply[]): Promise<boolean> {
    const first = calls.findIndex((c) => c.kind === 'a');
    const reply = replies[first];
    if (!opts.createUnknownGroups || first < 0 || !Array.isArray(reply) || reply[0] !== -1) return false;
    const ok = await runScript<number>(redis, 'slotAdmit', [groupsKey, autoKey], [group, (calls[first] as Call).now, opts.maxAutoGroups]);
    if (ok === 1) return true;
    calls.forEach((c, i) => {
      if (c.kind === 'a') replies[i] = [-6];
    });
    return false;
  }

  async function runBatch(group: string, calls: Call[]): Promise<void> {
    try {
      let admitted = false;
      for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
        const cached = windowCache.get(group);
        const args: (string | number)[] = [cached?.epoch ?? -1, admitted ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap, opts.waitingCap, FULL_SAMPLE];
        for (const c of calls) {
          if (c.kind === 'a') {
            // A pre-reboot carries its lease deadline, or 0 when no window is open.
            args.push('a', c.id, c.now, cached && !isOpen(cached.windows, c.now) ? 0 : c.now + (cached?.leaseMs ?? 0));
          } else if (c.kind === 'r' && c.by === 'node' && c.detail === '') args.push('r', c.id, c.now);
          else args.push(c.kind === 'f' ? 'f' : 'R', c.id, c.now, c.by, c.detail);
        }
        const out = await runScript<[number, Reply[] | string, ExpiredRow[] | number, number?]>(redis, 'slotApply', groupKeyList(group, 6), args);
        if (out[0] === -2) {
          const [windows, leaseSeconds] = out.slice(1, 3) as [string, number];
          windowCache.set(group, { epoch: Number(out[3]), windows: JSON.parse(windows) as RebootWindow[], leaseMs: Number(leaseSeconds) * 1000 });
          continue;
        }
        const replies = out[1] as Reply[];
        // Nothing was applied to a missing group: once admitted, the whole batch goes again.
        if (!admitted && (await admit(group, calls, replies))) {
          admitted = true;
          continue;
        }
        // Leases processed on the way are reported once, with the batch's first pre-reboot.
        let expired = parseExpired(out[2] as ExpiredRow[]);
        calls.forEach((c, i) => {
          c.resolve({ reply: replies[i] as Reply, expired: c.kind === 'a' ? expired : [] });
          if (c.kind === 'a') expired = [];
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

  function submit(group: string, kind: Call['kind'], id: string, now: number, by = '', detail = '') {
    return new Promise<{ reply: Reply; expired: Expiry[] }>((resolve, reject) => {
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

  function acquireResult(group: string, id: string, now: number, reply: Reply): AcquireResult {
    if (typeof reply === 'number') {
      const leaseMs = windowCache.get(group)?.leaseMs ?? 0;
      return { kind: 'granted', holder: { id, token: reply, since: now, leaseUntil: now + leaseMs, expiredAt: null } };
    }
    if (typeof reply === 'string') throw new Error(`slotApply answered a release to a pre-reboot`);
    switch (reply[0]) {
      case 2:
        return { kind: 'held', holder: parseHolder(id, String(reply[1])) };
      case -1:
        return { kind: 'unknown-group' };
      case -6:
        return { kind: 'unknown-group', limit: opts.maxAutoGroups };
      case -3:
        return { kind: 'paused', reason: reply[1] === '' ? null : String(reply[1]) };
      case -4:
        return { kind: 'outside-window', windows: windowCache.get(group)?.windows ?? [] };
      case -5: {
        const sample = JSON.parse(String(reply[3])) as [string, string][];
        return { kind: 'full', max: Number(reply[1]), count: Number(reply[2]), holders: sample.map(([hid, rec]) => parseHolder(hid, rec)) };
      }
      default:
        throw new Error(`slotApply answered unknown code ${reply[0]}`);
    }
  }

  async function expireGroup(group: string, now: number): Promise<ExpiryEvent[]> {
    const rows = await runScript<ExpiredRow[]>(redis, 'slotExpire', groupKeyList(group, 4), [now, opts.historyCap]);
    return parseExpired(rows).map((e) => ({ group, ...e }));
  }

  // Every call answers StoreUnavailableError when Redis does not answer (see server/store/redis/context.ts).
  return guardRedisStore(redis, {
    kind: 'redis',

    async acquire(group, id, now) {
      const { reply, expired } = await submit(group, 'a', id, now);
      return { result: acquireResult(group, id, now, reply), expired };
    },

    async release(group, id, now, by) {
      const { reply } = await submit(group, by.event === 'force-unlock' ? 'f' : 'r', id, now, by.by, by.detail ?? '');
      if (typeof reply === 'string') return { kind: 'released', holder: parseHolder(id, reply) };
      return reply === 0 ? { kind: 'not-held' } : { kind: 'unknown-group' };
    },

    async expireDue(now) {
      const groups = await redis.smembers(groupsKey);
      const all = await Promise.all(groups.map((g) => expireGroup(g, now)));
      return all.flat();
    },

    async forgetIdle(now) {
      const cutoff = now - opts.autoGroupIdleMs;
      const due = await redis.zrangebyscore(autoKey, '-inf', cutoff, 'LIMIT', 0, 100);
      const forgotten: string[] = [];
      for (const group of due) {
        const answer = await runScript<number>(redis, 'slotForget', groupKeyList(group, 6), [now, cutoff]);
        if ((await runScript<number>(redis, 'slotUnlist', [groupsKey, autoKey], [group, cutoff, answer])) === 1) forgotten.push(group);
        if (answer === 0) windowCache.delete(group);
      }
      return forgotten;
    },

    async configure(group, change, now, actor, create) {
      const pairs: (string | number)[] = [];
      if (change.max !== undefined) pairs.push('max', change.max);
      if (change.windows !== undefined) pairs.push('windows', JSON.stringify(change.windows));
      if (change.leaseSeconds !== undefined) pairs.push('leaseSeconds', change.leaseSeconds);
      if (change.leasePolicy !== undefined) pairs.push('leasePolicy', change.leasePolicy);
      if (change.paused !== undefined) pairs.push('paused', change.paused ? 1 : 0, 'pauseReason', change.paused ? (change.pauseReason ?? '') : '');
      const event = change.paused === true ? 'pause' : change.paused === false ? 'resume' : 'configure';
      if (create) await redis.sadd(groupsKey, group);
      const k = keys.group(group);
      const flat = await runScript<string[] | number>(redis, 'slotConfigure', [k.config, k.history], [
        now, actor, create ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, event, describeChange(change), opts.historyCap, ...pairs,
      ]);
      if (typeof flat === 'number') return null;
      // The group is an operator's now: off the index of groups created on first use, and listed
      // (again, in case a forget sweep unlisted it between the SADD above and the script).
      await redis.multi().zrem(autoKey, group).sadd(groupsKey, group).exec();
      const config = parseConfig(group, flat);
      windowCache.set(group, { epoch: config.epoch, windows: config.windows, leaseMs: config.leaseSeconds * 1000 });
      return config;
    },

    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const k = keys.group(group);
      const res = await redis
        .multi()
        .hgetall(k.config)
        .hgetall(k.holders)
        .lrange(k.history, 0, Math.max(0, historyLimit - 1))
        .zrevrangebyscore(k.waiting, '+inf', waitingSince, 'WITHSCORES', 'LIMIT', 0, 1000)
        .hgetall(k.waitingWhy)
        .exec();
      if (!res) throw new Error('read transaction aborted');
      for (const [err] of res) if (err) throw err;
      const [cfg, holders, history, waiting, why] = res.map(([, v]) => v) as [
        Record<string, string>, Record<string, string>, string[], string[], Record<string, string>,
      ];
      if (!cfg || Object.keys(cfg).length === 0) return null;
      const config = parseConfig(group, Object.entries(cfg).flat());
      const list = Object.entries(holders).map(([id, rec]) => parseHolder(id, rec)).sort((a, b) => a.since - b.since);
      const waitingNodes = [];
      for (let i = 0; i < waiting.length; i += 2) {
        const id = waiting[i] as string;
        waitingNodes.push({ id, lastSeen: Number(waiting[i + 1]), reason: (Object.hasOwn(why, id) ? why[id] : 'full') as WaitReason });
      }
      return {
        config,
        holders: list,
        fence: Number(cfg.fence ?? 0),
        history: historyLimit > 0 ? history.map((s) => JSON.parse(s) as SlotEvent) : [],
        waiting: waitingNodes,
      };
    },

    async listGroups() {
      return (await redis.smembers(groupsKey)).sort();
    },

    async groupsHeldBy(machine) {
      const groups = (await redis.smembers(groupsKey)).sort();
      const held = await Promise.all(groups.map((g) => redis.hexists(keys.group(g).holders, machine)));
      return groups.filter((_, i) => held[i] === 1);
    },

    async rememberTarget(machine, version) {
      await redis.set(keys.target(machine), version, 'EX', opts.targetTtlSeconds);
    },

    async targetsOf(machines) {
      const versions = await Promise.all(machines.map((m) => redis.get(keys.target(m))));
      const out = new Map<string, string>();
      machines.forEach((m, i) => {
        const v = versions[i];
        if (v) out.set(m, v);
      });
      return out;
    },
  });
}
