// Instances on Redis: reads, paging, counters, pruning, grant timeouts and ended progress
// (progress.ts), stale marks (stale.ts) and failure counts (one HINCRBY); the check-in hot path is
// checkin.ts (one Lua script, one round trip). Layout per instance: one compact hash, one capped
// history list and one member of the app's index sorted set (scored by lastCheck); while in
// progress, one member of the app's progress sorted set (progress.ts).
import { CHECK_IN_LIMITS, type CheckInLimits } from '../../domain/apply-check-in.ts';
import { isFailureBucket } from '../../domain/failure-counters.ts';
import type { InstanceRecord } from '../../domain/types.ts';
import type { InstanceStore } from '../types.ts';
import { createCheckIn } from './checkin.ts';
import { num } from './codec.ts';
import type { RedisContext } from './context.ts';
import { decodeCursor, encodeCursor } from '../../../kernel/storage/cursor.ts';
import { decodeHistoryEntry } from './history-codec.ts';
import { decodeInstance } from './instance-codec.ts';
import { ReplyCode } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import { createEndProgress, createTimeOuts } from './progress.ts';
import { createStaleMarks } from './stale.ts';

/** One instance and its history, and the app's tallies: plain reads. */
function instanceReads(
  { redis, keys }: RedisContext,
  limits: Readonly<CheckInLimits>,
): Pick<InstanceStore, 'getInstance' | 'getHistory' | 'counters' | 'countInstances'> {
  return {
    async getInstance(appId, machineId) {
      return decodeInstance(appId, machineId, await redis.hgetall(keys.instance(appId, machineId)));
    },

    async getHistory(appId, machineId, limit) {
      const n = Math.min(Math.floor(limit), limits.history);
      if (!(n > 0)) return [];
      const values = await redis.lrange(keys.history(appId, machineId), 0, n - 1);
      return values.map(decodeHistoryEntry);
    },

    async counters(appId) {
      const h = await redis.hgetall(keys.counters(appId));
      // Buckets only (the tallies have no '|'); fromEntries defines own keys, whatever they are.
      const buckets = Object.entries(h).filter(([field, value]) => field.includes('|') && num(value) > 0);
      return Object.fromEntries(buckets.map(([bucket, value]) => [bucket, num(value)]));
    },

    async countInstances(appId) {
      return redis.zcard(keys.instanceIndex(appId));
    },
  };
}

/** Newest-first pages of the app's instances, walked down the index by a script. */
function instancePages({ redis, keys }: RedisContext): Pick<InstanceStore, 'listInstances'> {
  const fetchInstances = async (appId: string, machineIds: string[]): Promise<InstanceRecord[]> => {
    // Auto-pipelined by the backend's client: one round trip for the page.
    const hashes = await Promise.all(machineIds.map((m) => redis.hgetall(keys.instance(appId, m))));
    return machineIds
      .map((m, i) => decodeInstance(appId, m, hashes[i]!))
      .filter((x): x is InstanceRecord => x !== null);
  };

  return {
    async listInstances(appId, { limit, cursor }) {
      const after = cursor === undefined ? null : decodeCursor(cursor);
      const n = Math.max(1, Math.floor(limit) || 1);
      // One more than asked tells whether another page exists.
      const flat = await runScript<string[]>(
        redis,
        'pageInstances',
        [keys.instanceIndex(appId)],
        [n + 1, after ? after.lastCheck : '+inf', after ? after.machineId : ''],
      );
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        ids.push(flat[i]!);
        scores.push(num(flat[i + 1]));
      }
      const more = ids.length > n;
      const pageIds = ids.slice(0, n);
      const items = await fetchInstances(appId, pageIds);
      const last = pageIds.length - 1;
      const next = more ? encodeCursor({ lastCheck: scores[last]!, machineId: pageIds[last]! }) : null;
      return { items, next };
    },
  };
}

/** What the sweeps and failure reports change besides check-ins. */
function instanceUpkeep(
  { redis, keys }: RedisContext,
  limits: Readonly<CheckInLimits>,
): Pick<InstanceStore, 'pruneInstances' | 'timeOutGrants' | 'endProgress' | 'markStale' | 'countFailure'> {
  return {
    async pruneInstances(appId, lastCheckBefore, limit) {
      const n = Math.floor(limit);
      if (!(n > 0)) return 0;
      const index = keys.instanceIndex(appId);
      const candidates = await redis.zrangebyscore(index, '-inf', `(${lastCheckBefore}`, 'LIMIT', 0, n);
      // One script per instance (its keys depend on the machine id), all sent in one pipeline;
      // each re-checks the cutoff, so an instance that checked in meanwhile is kept.
      const removed = await Promise.all(
        candidates.map((m) =>
          runScript<number>(
            redis,
            'pruneInstance',
            [index, keys.counters(appId), keys.instance(appId, m), keys.history(appId, m), keys.progress(appId), keys.progressCounts(appId)],
            [m, lastCheckBefore],
          ),
        ),
      );
      return removed.reduce((sum, r) => sum + (r === ReplyCode.ok ? 1 : 0), 0);
    },

    timeOutGrants: createTimeOuts({ redis, keys }, limits),

    endProgress: createEndProgress({ redis, keys }),

    markStale: createStaleMarks({ redis, keys }),

    async countFailure(appId, bucket) {
      // A field without '|' would be read as a tally (buckets.lua): only failure buckets go here.
      if (!isFailureBucket(bucket)) throw new Error(`${JSON.stringify(bucket)} is no failure bucket`);
      await redis.hincrby(keys.counters(appId), bucket, 1);
    },
  };
}

/** `limits`: the check-in step's bounds (domain/apply-check-in.ts); tests choose small ones. */
export function createInstanceStore(ctx: RedisContext, limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS): InstanceStore {
  return {
    ...createCheckIn(ctx, limits),
    ...instanceReads(ctx, limits),
    ...instancePages(ctx),
    ...instanceUpkeep(ctx, limits),
  };
}
