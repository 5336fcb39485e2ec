// Promotion: point a channel at a version, with a rollout plan or to everyone at once. The checks
// (pulled, downgrade, missing architectures) are pure rules run on the config the write is
// compared against, so a pull or another promotion landing in between is never overlooked.
import { ApiError } from '../../kernel/http/errors.ts';
import { checkPromotion } from '../domain/rollout/releases.ts';
import { startRollout, type Rollout } from '../domain/rollout/state.ts';
import type { RolloutPlan } from '../domain/rollout/types.ts';
import { compareVersions } from '../domain/version.ts';
import type { ActivityEntry, AppConfig, ChannelRecord } from '../domain/types.ts';
import { updateChannel } from './channel-write.ts';
import { rolloutCounts } from './counts.ts';
import { type RolloutDeps, emitAll } from './deps.ts';
import { rolloutActivity, rolloutEvents, type RolloutChange } from './effects.ts';
import { missingArches, type ArchGap } from './fleet-facts.ts';

export interface PromoteInput {
  version: string;
  /** null: offered to every node at once. */
  plan: RolloutPlan | null;
  allowDowngrade: boolean;
  /** Replaces the channel's floors when given. */
  floors?: string[] | undefined;
  allowMissingArch: boolean;
}

export interface Promoted {
  channel: ChannelRecord;
  previous: string | null;
  rollout: Rollout | null;
  /** Architectures left without a build, promoted anyway with allowMissingArch (the caller warns). */
  missingArches: ArchGap[];
}

const hasVersion = (config: AppConfig, version: string) => config.packages.some((p) => compareVersions(p.version, version) === 0);

export function archRefusal(version: string, gaps: readonly ArchGap[]): ApiError {
  const list = gaps.map((g) => `${g.arch} (${g.nodes} node${g.nodes === 1 ? '' : 's'})`).join(', ');
  return new ApiError('conflict', `${version} has no package for ${list} that follow this channel: they would be stranded; publish those builds or give allowMissingArch: true`);
}

/** The pure checks of a promotion on `config`; null when it may go ahead. */
export function promotionRefusal(config: AppConfig, channel: ChannelRecord, input: PromoteInput, gaps: readonly ArchGap[]): ApiError | null {
  if (!hasVersion(config, input.version)) return new ApiError('conflict', `no package of version ${input.version} in app ${config.app.id}; publish it first`);
  const check = checkPromotion({ current: channel.version, next: input.version, pulled: config.pulled.map((p) => p.version), allowDowngrade: input.allowDowngrade });
  if ('refused' in check) return new ApiError('conflict', check.message);
  if (gaps.length > 0 && !input.allowMissingArch) return archRefusal(input.version, gaps);
  return null;
}

function promotedRecord(channel: ChannelRecord, input: PromoteInput, rollout: Rollout | null, by: string, at: number): ChannelRecord {
  const downgrade = channel.version !== null && compareVersions(input.version, channel.version) < 0;
  return { ...channel, version: input.version, updatedAt: at, updatedBy: by, floors: input.floors ?? channel.floors, allowDowngrade: downgrade, rollout };
}

function promotionActivity(appId: string, before: ChannelRecord, after: ChannelRecord, by: string, at: number): ActivityEntry {
  const superseded = before.rollout && (before.rollout.status === 'running' || before.rollout.status === 'paused' || before.rollout.status === 'halted');
  const plan = after.rollout ? ` with a ${after.rollout.plan.kind === 'linear' ? 'linear' : `${after.rollout.plan.steps.length}-step`} rollout` : ' to every node at once';
  const note = superseded ? `; supersedes the ${before.rollout!.status} rollout of ${before.rollout!.version}` : '';
  return {
    at, appId, kind: 'channel-promoted', actor: by,
    message: `channel ${after.name} promoted to ${after.version}${plan}${after.allowDowngrade ? ' (a downgrade)' : ''}${note}`,
    data: { channel: after.name, version: after.version, previous: before.version },
  };
}

export async function promote(deps: RolloutDeps, appId: string, name: string, input: PromoteInput, by: string): Promise<Promoted> {
  const counters = await deps.store.counters(appId);
  const result = await updateChannel<{ promoted: Promoted; change: RolloutChange | null }>(deps.store, appId, name, (config, channel) => {
    const at = deps.now();
    const gaps = missingArches(config, counters, name, input.version);
    const refusal = promotionRefusal(config, channel, input, gaps);
    if (refusal) return { refused: refusal };
    const started = input.plan ? startRollout({ version: input.version, previousVersion: channel.version, plan: input.plan, by }, at) : null;
    // The version may have been rolled out in this channel before (and aborted): what its nodes did
    // then is not this rollout's doing, so the halt rule counts from here.
    if (started) started.rollout.baseline = rolloutCounts(counters, name, input.version).counts;
    const next = promotedRecord(channel, input, started?.rollout ?? null, by, at);
    const activity = [promotionActivity(appId, channel, next, by, at)];
    const change = started ? { appId, channel: name, rollout: started.rollout, effects: started.effects, at } : null;
    if (change) activity.push(rolloutActivity(change));
    return { channel: next, activity, result: { promoted: { channel: next, previous: channel.version, rollout: next.rollout, missingArches: gaps }, change } };
  });
  deps.releases.invalidate(appId);
  if (result.change) await emitAll(deps, rolloutEvents(result.change));
  return result.promoted;
}
