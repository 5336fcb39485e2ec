// Progress and group limits on Redis (domain/rollout/limits.ts): the check-in script's arguments
// for them, and grant timeouts. Nodes in progress are one sorted set per app scored by grant time
// (their group in the instance hash's field pg), so the oldest grants are found without a scan over
// instances: walk the set from the oldest, keep the group's, then one timeOutGrant script per node
// (its keys name the machine), all sent in one pipeline, each re-checking that the node is still in
// progress there since before the cutoff. A node that gave its reboot slot back leaves progress
// through one endProgress script.
import { CHECK_IN_LIMITS, type CheckInLimits } from '../../domain/apply-check-in.ts';
import { GRANT_RETENTION_MS } from '../../domain/rollout/limits.ts';
import type { InstanceChange } from '../types.ts';
import type { RedisContext } from './context.ts';
import { encodeHistoryEntry } from './history-codec.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';

/** The group a check-in grants in: the limits' group, else the node's ('' when it has none). */
export const grantGroupOf = (change: InstanceChange): string => change.grantLimits?.group ?? change.attrs.group;

/** ARGV[21..27] of applyCheckIn-8.lua: the grant's group, its limits and the period cutoffs. */
export function limitArgs(change: InstanceChange, now: number): (string | number)[] {
  const l = change.grantLimits;
  return [
    grantGroupOf(change),
    l === undefined ? '0' : '1',
    l?.perPeriod?.count ?? '',
    l?.perPeriod ? now - l.perPeriod.periodMs : '',
    l?.maxInProgress ?? '',
    l?.safeModeBucket ?? '',
    now - GRANT_RETENTION_MS,
  ];
}

/** The timed-out history entry at `now` encoded around its version, which only the script knows. */
function timedOutEntryAround(now: number): [string, string] {
  const marker = JSON.stringify('\u0001');
  const text = encodeHistoryEntry({ at: now, kind: 'status', status: 'timed-out', version: '\u0001', repeat: 1 });
  const at = text.indexOf(marker);
  return [text.slice(0, at), text.slice(at + marker.length)];
}

/** Candidates read per round trip while walking the progress set. */
const PAGE = 256;

export function createTimeOuts({ redis, keys }: RedisContext, limits: Readonly<CheckInLimits> = CHECK_IN_LIMITS) {
  /** Up to `n` nodes in progress in `group` since before `before`, oldest grant first. */
  async function oldest(appId: string, group: string, before: number, n: number): Promise<string[]> {
    const chosen: string[] = [];
    for (let offset = 0; chosen.length < n; offset += PAGE) {
      const ids = await redis.zrangebyscore(keys.progress(appId), '-inf', `(${before}`, 'LIMIT', offset, PAGE);
      // Auto-pipelined by the backend's client: one round trip for the page.
      const groups = await Promise.all(ids.map((m) => redis.hget(keys.instance(appId, m), 'pg')));
      for (const [i, m] of ids.entries()) if (groups[i] === group && chosen.length < n) chosen.push(m);
      if (ids.length < PAGE) break;
    }
    return chosen;
  }

  return async function timeOutGrants(appId: string, group: string, grantedBefore: number, now: number, limit: number): Promise<string[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const chosen = await oldest(appId, group, grantedBefore, n);
    const [before, after] = timedOutEntryAround(now);
    const replies = await Promise.all(
      chosen.map((m) =>
        runScript<number>(
          redis,
          'timeOutGrant',
          [keys.instance(appId, m), keys.history(appId, m), keys.counters(appId), keys.progress(appId), keys.progressCounts(appId)],
          [m, group, grantedBefore, now, limits.history, before, after],
        ),
      ),
    );
    return chosen.filter((_, i) => replies[i] === ReplyCode.ok);
  };
}

/** InstanceStore.endProgress: one endProgress script (lua/endProgress-3.lua) on the node's keys. */
export function createEndProgress({ redis, keys }: RedisContext) {
  // `now` is part of the contract; leaving progress keeps no time, so the script needs none.
  return async function endProgress(appId: string, machineId: string): Promise<boolean> {
    const reply = await runScript<number>(redis, 'endProgress', [keys.instance(appId, machineId), keys.progress(appId), keys.progressCounts(appId)], [machineId]);
    if (reply !== ReplyCode.ok && reply !== ReplyCode.none) throw unexpectedReply('endProgress', reply);
    return reply === ReplyCode.ok;
  };
}
