// Slot store on Redis. Every change is ONE Lua script over the group's keys (one hash tag), so
// several Platte processes sharing a Redis never exceed `max` and never fail on a race.
// Windows are evaluated here in TypeScript (Lua has no time zones) against a cached copy of the
// group's windows; the script checks the cache's epoch and answers "stale" when config changed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineScripts, runScript } from '../../../server/store/redis/scripts.ts';
import { describeChange } from '../../domain/describe.ts';
import type { Expiry } from '../../domain/decide.ts';
import type { GroupConfig, Holder, LeasePolicy, RebootWindow, SlotEvent, WaitReason } from '../../domain/types.ts';
import { isOpen } from '../../domain/windows.ts';
import { FULL_SAMPLE, type AcquireOutcome, type AcquireResult, type ExpiryEvent, type GroupSnapshot, type SlotStore, type SlotStoreOptions } from '../types.ts';
import { SlotKeys } from './keys.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');
/** A request that finds the configuration changed this many times in a row gives up (never seen in practice). */
const MAX_STALE_RETRIES = 5;

type ExpiredRow = [string, number, number, number, number];

function parseHolder(id: string, json: string): Holder {
  const r = JSON.parse(json) as { t: number; s: number; l: number; x?: number };
  return { id, token: r.t, since: r.s, leaseUntil: r.l, expiredAt: r.x ?? null };
}

function parseExpired(rows: ExpiredRow[], now: number): Expiry[] {
  return rows.map(([id, token, since, leaseUntil, freed]) => ({
    holder: { id, token: Number(token), since: Number(since), leaseUntil: Number(leaseUntil), expiredAt: freed ? null : now },
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
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
  };
}

export function createRedisSlotStore(redis: Redis, prefix: string, opts: SlotStoreOptions): SlotStore {
  defineScripts(redis, LUA_DIR);
  const keys = new SlotKeys(prefix);
  const groupsKey = keys.groups();
  /** Windows per group as last seen, with the epoch they belong to. */
  const windowCache = new Map<string, { epoch: number; windows: RebootWindow[] }>();
  /** Groups this process already added to the set of known groups. */
  const announced = new Set<string>();
  const d = opts.defaults;

  function groupKeyList(group: string, n: 4 | 6): string[] {
    const k = keys.group(group);
    const list = [k.config, k.holders, k.leases, k.history, k.waiting, k.waitingWhy];
    return list.slice(0, n);
  }

  async function acquireOnce(group: string, id: string, now: number): Promise<AcquireOutcome | { stale: true; expired: Expiry[] }> {
    const cached = windowCache.get(group);
    const open = cached ? isOpen(cached.windows, now) : true;
    const args = [id, now, cached?.epoch ?? -1, open ? 1 : 0, opts.createUnknownGroups ? 1 : 0, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap, opts.waitingCap, FULL_SAMPLE];
    const run = runScript<[number, string, ExpiredRow[], string?]>(redis, 'slotAcquire', groupKeyList(group, 6), args);
    if (opts.createUnknownGroups && !announced.has(group)) {
      await redis.sadd(groupsKey, group);
      announced.add(group);
    }
    const [code, payload, expiredRows, extra] = await run;
    const expired = parseExpired(expiredRows, now);
    let result: AcquireResult;
    switch (code) {
      case 1:
        result = { kind: 'granted', holder: parseHolder(id, payload) };
        break;
      case 2:
        result = { kind: 'held', holder: parseHolder(id, payload) };
        break;
      case -1:
        result = { kind: 'unknown-group' };
        break;
      case -2:
        windowCache.set(group, { epoch: Number(extra), windows: JSON.parse(payload) as RebootWindow[] });
        return { stale: true, expired };
      case -3:
        result = { kind: 'paused', reason: payload === '' ? null : payload };
        break;
      case -4:
        result = { kind: 'outside-window', windows: cached?.windows ?? [] };
        break;
      case -5: {
        const full = JSON.parse(payload) as { max: number; count: number; holders: [string, string][] | Record<string, never> };
        const sample = Array.isArray(full.holders) ? full.holders.map(([hid, json]) => parseHolder(hid, json)) : [];
        result = { kind: 'full', max: full.max, count: full.count, holders: sample };
        break;
      }
      default:
        throw new Error(`slotAcquire answered unknown code ${code}`);
    }
    return { result, expired };
  }

  async function expireGroup(group: string, now: number): Promise<ExpiryEvent[]> {
    const rows = await runScript<ExpiredRow[]>(redis, 'slotExpire', groupKeyList(group, 4), [now, opts.historyCap]);
    return parseExpired(rows, now).map((e) => ({ group, ...e }));
  }

  return {
    kind: 'redis',

    async acquire(group, id, now) {
      const expiredSoFar: Expiry[] = [];
      for (let i = 0; i < MAX_STALE_RETRIES; i++) {
        const out = await acquireOnce(group, id, now);
        expiredSoFar.push(...out.expired);
        if ('result' in out) return { result: out.result, expired: expiredSoFar };
      }
      throw new Error(`group ${group}: configuration changed during ${MAX_STALE_RETRIES} attempts`);
    },

    async release(group, id, now, by) {
      const [code, payload] = await runScript<[number, string]>(redis, 'slotRelease', groupKeyList(group, 4), [
        id, now, by.event, by.by, by.detail ?? '', opts.historyCap,
      ]);
      if (code === 1) return { kind: 'released', holder: parseHolder(id, payload) };
      return code === 0 ? { kind: 'not-held' } : { kind: 'unknown-group' };
    },

    async expireDue(now) {
      const groups = await redis.smembers(groupsKey);
      const all = await Promise.all(groups.map((g) => expireGroup(g, now)));
      return all.flat();
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
      const config = parseConfig(group, flat);
      windowCache.set(group, { epoch: config.epoch, windows: config.windows });
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
      const list = Object.entries(holders).map(([id, json]) => parseHolder(id, json)).sort((a, b) => a.since - b.since);
      const waitingNodes = [];
      for (let i = 0; i < waiting.length; i += 2) {
        const id = waiting[i] as string;
        waitingNodes.push({ id, lastSeen: Number(waiting[i + 1]), reason: (why[id] ?? 'full') as WaitReason });
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
  };
}
