// Slot store on Redis. Every change is ONE Lua script over the group's keys (one hash tag), so
// several Platte processes sharing a Redis never exceed `max` and never fail on a race. Takes and
// releases go through the group commit of batch.ts; the rest are single scripts or reads.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { guardRedisStore } from '../../../kernel/storage/redis/guard.ts';
import { execAll } from '../../../kernel/storage/redis/multi.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { defineScripts, runScript } from '../../../kernel/storage/redis/scripts.ts';
import { describeChange } from '../../domain/describe.ts';
import type { WaitReason } from '../../domain/types.ts';
import type { AcquireResult, CreateResult, ExpiryEvent, GroupSnapshot, ReleaseBy, ReleaseResult, SlotStore, SlotStoreOptions } from '../types.ts';
import { decodeSlotEvent } from '../slot-event.ts';
import { createBatcher, type CallKind, type CallReply, type WindowCache } from './batch.ts';
import { configHash, lastFencingToken, parseConfig, parseExpired, parseHolder, revision, type ExpiredRow } from './codec.ts';
import { SlotKeys } from './keys.ts';

const LUA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lua');

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

export function createRedisSlotStore(redis: Redis, prefix: string, opts: SlotStoreOptions): SlotStore {
  defineScripts(redis, LUA_DIR);
  const keys = new SlotKeys(prefix);
  const groupsKey = keys.groups();
  const autoKey = keys.autoGroups();
  const windowCache: WindowCache = new Map();
  const { submit } = createBatcher(redis, keys, opts, windowCache);
  const d = opts.defaults;

  function acquireResult(group: string, id: string, now: number, reply: CallReply): AcquireResult {
    switch (reply[0]) {
      case ReplyCode.ok: {
        const leaseMs = windowCache.get(group)?.leaseMs ?? 0;
        return { kind: 'granted', holder: { id, fencingToken: Number(reply[1]), since: now, leaseUntil: now + leaseMs, expiredAt: null } };
      }
      case ReplyCode.held:
        return { kind: 'held', holder: parseHolder(id, String(reply[1])) };
      case ReplyCode.missing:
        return { kind: 'unknown-group' };
      case ReplyCode.capReached:
        return { kind: 'unknown-group', limit: opts.maxAutoGroups };
      case ReplyCode.paused:
        return { kind: 'paused', reason: reply[1] === '' ? null : String(reply[1]) };
      case ReplyCode.outsideWindow:
        return { kind: 'outside-window', windows: windowCache.get(group)?.windows ?? [] };
      case ReplyCode.full: {
        const sample = JSON.parse(String(reply[3])) as [string, string][];
        return { kind: 'full', max: Number(reply[1]), count: Number(reply[2]), holders: sample.map(([hid, rec]) => parseHolder(hid, rec)) };
      }
      default:
        throw unexpectedReply('slotApply', reply);
    }
  }

  async function expireGroup(group: string, now: number): Promise<ExpiryEvent[]> {
    const rows = await runScript<ExpiredRow[]>(redis, 'slotExpire', keys.groupScriptKeys(group, 4), [now, opts.historyCap]);
    return parseExpired(rows).map((e) => ({ group, ...e }));
  }

  // Every call answers StoreUnavailableError when Redis does not answer (kernel/storage/redis/guard.ts).
  return guardRedisStore(redis, {
    kind: 'redis',

    async acquire(group, id, now) {
      const { reply, expired } = await submit(group, 'pre-reboot', id, now);
      return { result: acquireResult(group, id, now, reply), expired };
    },

    async release(group, id, now, by) {
      const { reply } = await submit(group, releaseKind(by), id, now, by.by, by.detail ?? '');
      return releaseResult(id, reply);
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
        const [code, lastActivity] = await runScript<[number, number?]>(redis, 'slotForget', keys.groupScriptKeys(group, 6), [now, cutoff]);
        const unlisted = await runScript<number>(redis, 'slotUnlist', [groupsKey, autoKey], [group, cutoff, code, lastActivity ?? 0]);
        if (unlisted === ReplyCode.ok) forgotten.push(group);
        if (code === ReplyCode.ok) windowCache.delete(group);
      }
      return forgotten;
    },

    async createOnFirstUse(group, now): Promise<CreateResult> {
      const k = keys.group(group);
      const exists = async () => (await redis.exists(k.config)) === 1;
      if (await exists()) return { kind: 'exists' };
      if (!opts.createUnknownGroups) return { kind: 'unknown-group' };
      // Admitted under the cap on the {coord} keys, then created on the group's keys (one hash slot each).
      const admitted = await runScript<number>(redis, 'slotAdmit', [groupsKey, autoKey], [group, now, opts.maxAutoGroups]);
      if (admitted === ReplyCode.capReached) return (await exists()) ? { kind: 'exists' } : { kind: 'unknown-group', limit: opts.maxAutoGroups };
      const code = await runScript<number>(redis, 'slotCreate', [k.config, k.history], [now, d.max, d.leaseSeconds, d.leasePolicy, opts.historyCap]);
      if (code === ReplyCode.ok) return { kind: 'created' };
      if (code === ReplyCode.exists) return { kind: 'exists' };
      throw unexpectedReply('slotCreate', code);
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
      if (flat === ReplyCode.missing) return null;
      if (!Array.isArray(flat)) throw unexpectedReply('slotConfigure', flat);
      // The group is an operator's now: off the index of groups created on first use, and listed
      // (again, in case a forget sweep unlisted it between the SADD above and the script).
      await execAll(redis.multi().zrem(autoKey, group).sadd(groupsKey, group));
      const config = parseConfig(group, configHash(flat));
      windowCache.set(group, { epoch: config.epoch, windows: config.windows, leaseMs: config.leaseSeconds * 1000 });
      return config;
    },

    async read(group, { historyLimit, waitingSince }): Promise<GroupSnapshot | null> {
      const k = keys.group(group);
      const [cfg, holders, history, waiting, why] = (await execAll(
        redis
          .multi()
          .hgetall(k.config)
          .hgetall(k.holders)
          .lrange(k.history, 0, Math.max(0, historyLimit - 1))
          .zrevrangebyscore(k.waiting, '+inf', waitingSince, 'WITHSCORES', 'LIMIT', 0, 1000)
          .hgetall(k.waitingWhy),
      )) as [Record<string, string>, Record<string, string>, string[], string[], Record<string, string>];
      if (!cfg || Object.keys(cfg).length === 0) return null;
      const config = parseConfig(group, cfg);
      const list = Object.entries(holders).map(([id, rec]) => parseHolder(id, rec)).sort((a, b) => a.since - b.since);
      const waitingNodes = [];
      for (let i = 0; i < waiting.length; i += 2) {
        const id = waiting[i] as string;
        waitingNodes.push({ id, lastSeen: Number(waiting[i + 1]), reason: (Object.hasOwn(why, id) ? why[id] : 'full') as WaitReason });
      }
      return {
        config,
        holders: list,
        lastFencingToken: lastFencingToken(cfg),
        history: historyLimit > 0 ? history.map(decodeSlotEvent) : [],
        waiting: waitingNodes,
        revision: revision(cfg),
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
