// An operator's rollout actions (pause, resume, advance, abort with or without rollback) and the
// automatic rules' evaluation, carried out as channel writes. The transitions are the pure state
// machine of domain/rollout/state.ts; this module only reads, writes and tells.
import { ApiError } from '../../kernel/http/errors.ts';
import { transition, type Rollout, type RolloutAction, type RolloutEffect } from '../domain/rollout/state.ts';
import type { ChannelRecord } from '../domain/types.ts';
import { updateChannel, type ChannelDecision } from './channel-write.ts';
import { emitAll, type RolloutDeps } from './deps.ts';
import { rolloutActivity, rolloutEvents, type RolloutChange } from './effects.ts';

/** The rollout a channel is running: the one of its current version. */
export function currentRollout(channel: ChannelRecord): Rollout | null {
  return channel.rollout && channel.rollout.version === channel.version ? channel.rollout : null;
}

/** The channel after a transition; a rollback also points the channel back, offering the older version to nodes above it. */
function afterTransition(channel: ChannelRecord, rollout: Rollout, effects: readonly RolloutEffect[], at: number, by: string): ChannelRecord {
  const back = effects.find((e): e is Extract<RolloutEffect, { kind: 'promote' }> => e.kind === 'promote');
  if (!back) return { ...channel, rollout };
  return { ...channel, version: back.version, allowDowngrade: true, updatedAt: at, updatedBy: by, rollout };
}

/**
 * Applies `action` to the channel's rollout. Operators' refusals are 409s; with `quiet`, a refused
 * or no-op transition (the automatic rules finding nothing to do) writes nothing and answers null.
 */
export async function applyRolloutAction(
  deps: RolloutDeps,
  appId: string,
  name: string,
  action: RolloutAction | ((r: Rollout) => RolloutAction | null),
): Promise<Rollout | null> {
  const result = await updateChannel(deps.store, appId, name, (_config, channel): ChannelDecision<{ rollout: Rollout; change: RolloutChange | null } | null> => {
    const r = currentRollout(channel);
    if (!r) return { refused: new ApiError('not_found', `channel ${name} has no rollout of its version ${channel.version ?? '(none)'}`) };
    const a = typeof action === 'function' ? action(r) : action;
    if (a === null) return { unchanged: null };
    const at = deps.now();
    const t = transition(r, a, at);
    if ('refused' in t) return a.type === 'evaluate' ? { unchanged: null } : { refused: new ApiError('conflict', t.refused) };
    if (t.rollout === r) return { unchanged: { rollout: r, change: null } };
    const by = t.rollout.history.at(-1)?.by ?? 'platte';
    const change: RolloutChange = { appId, channel: name, rollout: t.rollout, effects: t.effects, at };
    return { channel: afterTransition(channel, t.rollout, t.effects, at, by), activity: [rolloutActivity(change)], result: { rollout: t.rollout, change } };
  });
  if (!result) return null;
  if (result.change) {
    deps.releases.invalidate(appId);
    await emitAll(deps, rolloutEvents(result.change));
  }
  return result.rollout;
}
