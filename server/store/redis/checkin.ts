// The check-in hot path on Redis: one Lua script (applyCheckIn-8.lua), one round trip. The change
// is checked and flattened into the script's ARGV here; the script refuses it when the app's config
// epoch moved or a grant limit binds, and otherwise writes the instance, its history and counters.
import type { CheckInLimits } from '../../domain/apply-check-in.ts';
import { foldEntries } from '../../domain/history-fold.ts';
import { OTHER_VERSION, OVERFLOW_TRACK } from '../../domain/counters.ts';
import { failurePrefix } from '../../domain/failure-counters.ts';
import { isValidVersion } from '../../domain/version.ts';
import type { LimitHold } from '../../domain/types.ts';
import type { CheckInResult, InstanceChange, InstanceStore } from '../types.ts';
import type { RedisContext } from './context.ts';
import { encodeHistoryEntry } from './history-codec.ts';
import { attrPairs, isStatus } from './instance-codec.ts';
import { ReplyCode, unexpectedReply } from '../../../kernel/storage/redis/reply-codes.ts';
import { runScript } from '../../../kernel/storage/redis/scripts.ts';
import { grantGroupOf, limitArgs } from './progress.ts';

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

export function createCheckIn({ redis, keys }: RedisContext, limits: Readonly<CheckInLimits>): Pick<InstanceStore, 'applyCheckIn'> {
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
  };
}
