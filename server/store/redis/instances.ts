// Instances on Redis: the check-in hot path (one Lua script, one round trip), reads, paging,
// counters, pruning, grant timeouts (progress.ts), stale marks (stale.ts) and failure counts (one HINCRBY). Layout per instance: one compact hash, one
// capped history list and one member of the app's index sorted set (scored by lastCheck); while in
// progress, one member of the app's progress sorted set (progress.ts).
import { CHECK_IN_LIMITS, foldEntries, type CheckInLimits } from '../../domain/apply-check-in.ts';
import { failurePrefix, isFailureBucket, OTHER_VERSION, OVERFLOW_TRACK } from '../../domain/counters.ts';
import { isValidVersion } from '../../domain/version.ts';
import type { InstanceRecord, LimitHold } from '../../domain/types.ts';
import { type CheckInResult, type InstanceChange, type InstanceStore } from '../types.ts';
import { num } from './codec.ts';
import type { RedisContext } from './context.ts';
import { decodeCursor, encodeCursor } from '../../../kernel/storage/cursor.ts';
import { decodeHistoryEntry, encodeHistoryEntry } from './history-codec.ts';
import { attrPairs, decodeInstance, isStatus } from './instance-codec.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import { createTimeOuts, grantGroupOf, limitArgs } from './progress.ts';
import { createStaleMarks } from './stale.ts';

const LIMIT_HOLDS: readonly string[] = ['safe-mode', 'rate-limit', 'in-progress-limit'] satisfies LimitHold[];
const isLimitHold = (x: unknown): x is LimitHold => typeof x === 'string' && LIMIT_HOLDS.includes(x);

/** Counter prefixes as the comma list the script stores; rejects what would break the encoding. */
function prefixList(prefixes: string[]): string {
  for (const p of prefixes) {
    if (p === '' || p.includes(',') || p.includes('|')) {
      throw new Error(`counter prefix ${JSON.stringify(p)} must be non-empty and contain no ',' or '|'`);
    }
  }
  return [...new Set(prefixes)].join(',');
}

/** The change's unknown version ('' for none); only a release version keeps the tally fields apart from buckets. */
function unknownVersionArg(version: string | undefined): string {
  if (version !== undefined && !isValidVersion(version)) {
    throw new Error(`unknown version ${JSON.stringify(version)} must be a release version`);
  }
  return version ?? '';
}

/**
 * The change's target version and rollout counter, checked: the script joins them into one more
 * counter prefix (`<counter>/<target>`), so neither may break the comma list or the bucket name.
 */
function targetArgs(change: InstanceChange): { target: string; counter: string } {
  const target = change.targetVersion ?? '';
  if (target !== '' && !isValidVersion(target)) {
    throw new Error(`target version ${JSON.stringify(target)} must be a release version`);
  }
  const counter = change.targetCounter ?? '';
  if (counter !== '') prefixList([counter]);
  return { target, counter };
}

/**
 * ARGV of applyCheckIn-8.lua (see its header). The change's own entries are folded here (that
 * depends on nothing stored), so the script only decides whether the first folds into the newest.
 */
function checkInArgs(epoch: number, change: InstanceChange, now: number, limits: Readonly<CheckInLimits>): (string | number)[] {
  const pairs = attrPairs(change.attrs);
  const { target, counter } = targetArgs(change);
  return [
    epoch,
    now,
    change.machineId,
    change.status?.to ?? '',
    change.status?.unlessIn.join(',') ?? '',
    change.targetVersion === undefined ? '0' : '1',
    target,
    change.error === undefined ? '0' : '1',
    change.error?.code ?? 0,
    change.error?.name ?? '',
    prefixList(change.counterPrefixes),
    limits.history,
    limits.unknownTracks,
    OVERFLOW_TRACK,
    unknownVersionArg(change.unknownVersion),
    limits.unknownVersions,
    OTHER_VERSION,
    change.completion?.version ?? '',
    change.completion?.from.join(',') ?? '',
    counter,
    ...limitArgs(change, now),
    failurePrefix(change.attrs.channel) ?? '',
    change.attrs.version,
    change.attrs.bootId,
    pairs.length / 2,
    ...pairs,
    ...foldEntries(change.history).map(encodeHistoryEntry),
  ];
}

/** `limits`: the check-in step's bounds (domain/apply-check-in.ts); tests choose small ones. */
export function createInstanceStore({ redis, keys }: RedisContext, limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS): InstanceStore {
  const fetchInstances = async (appId: string, machineIds: string[]): Promise<InstanceRecord[]> => {
    // Auto-pipelined by the backend's client: one round trip for the page.
    const hashes = await Promise.all(machineIds.map((m) => redis.hgetall(keys.instance(appId, m))));
    return machineIds
      .map((m, i) => decodeInstance(appId, m, hashes[i]!))
      .filter((x): x is InstanceRecord => x !== null);
  };

  const timeOutGrants = createTimeOuts({ redis, keys }, limits);

  return {
    async applyCheckIn(appId, epoch, change, now): Promise<CheckInResult> {
      const { machineId } = change;
      const reply = await runScript<number | [number, string, string] | [number, string]>(
        redis,
        'applyCheckIn',
        [
          keys.app(appId),
          keys.instance(appId, machineId),
          keys.history(appId, machineId),
          keys.instanceIndex(appId),
          keys.counters(appId),
          keys.progress(appId),
          keys.progressCounts(appId),
          keys.groupGrants(appId, grantGroupOf(change)),
        ],
        checkInArgs(epoch, change, now, limits),
      );
      if (reply === ReplyCode.staleConfig) return { applied: false, reason: 'stale-config' };
      if (Array.isArray(reply) && reply[0] === ReplyCode.full && isLimitHold(reply[1])) return { applied: false, reason: 'held', hold: reply[1] };
      if (!Array.isArray(reply) || reply[0] !== ReplyCode.ok || !isStatus(reply[2])) throw unexpectedReply('applyCheckIn', reply);
      const previous = reply[1];
      return { applied: true, previousStatus: isStatus(previous) ? previous : null, status: reply[2] };
    },

    async getInstance(appId, machineId) {
      return decodeInstance(appId, machineId, await redis.hgetall(keys.instance(appId, machineId)));
    },

    async getHistory(appId, machineId, limit) {
      const n = Math.min(Math.floor(limit), limits.history);
      if (!(n > 0)) return [];
      const values = await redis.lrange(keys.history(appId, machineId), 0, n - 1);
      return values.map(decodeHistoryEntry);
    },

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

    async counters(appId) {
      const h = await redis.hgetall(keys.counters(appId));
      // Buckets only (the tallies have no '|'); fromEntries defines own keys, whatever they are.
      const buckets = Object.entries(h).filter(([field, value]) => field.includes('|') && num(value) > 0);
      return Object.fromEntries(buckets.map(([bucket, value]) => [bucket, num(value)]));
    },

    async countInstances(appId) {
      return redis.zcard(keys.instanceIndex(appId));
    },

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

    timeOutGrants,

    markStale: createStaleMarks({ redis, keys }),

    async countFailure(appId, bucket) {
      // A field without '|' would be read as a tally (buckets.lua): only failure buckets go here.
      if (!isFailureBucket(bucket)) throw new Error(`${JSON.stringify(bucket)} is no failure bucket`);
      await redis.hincrby(keys.counters(appId), bucket, 1);
    },
  };
}
