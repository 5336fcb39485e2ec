// What a rollout transition tells the world: one activity-log entry per transition (who or which
// rule, and why: the rollout's newest history entry) and one event per effect for webhooks.
import type { Rollout, RolloutEffect } from '../domain/rollout/state.ts';
import type { ActivityEntry } from '../domain/types.ts';
import type { PlatteEvent, PlatteEventType } from './events.ts';

const EVENT_OF: Record<RolloutEffect['kind'], PlatteEventType | null> = {
  started: 'rollout.started',
  'step-opened': 'rollout.step-opened',
  paused: 'rollout.paused',
  resumed: 'rollout.resumed',
  halted: 'rollout.halted',
  completed: 'rollout.completed',
  aborted: 'rollout.aborted',
  // The promotion back is the abort's own doing, told by rollout.aborted's `rolledBackTo`.
  promote: null,
};

export interface RolloutChange {
  appId: string;
  channel: string;
  rollout: Rollout;
  effects: RolloutEffect[];
  at: number;
}

/** The activity entry of a transition: the newest history entry says who and why. */
export function rolloutActivity(c: RolloutChange): ActivityEntry {
  const last = c.rollout.history.at(-1);
  const action = last?.action ?? 'change';
  const by = last?.by ?? 'platte';
  const message = `rollout of ${c.rollout.version} on ${c.channel}: ${action} (${c.rollout.status}) by ${by}${last?.why ? `: ${last.why}` : ''}`;
  return {
    at: c.at,
    appId: c.appId,
    kind: 'rollout-changed',
    actor: by,
    message,
    data: { channel: c.channel, version: c.rollout.version, action, state: c.rollout.status, step: c.rollout.stepIndex },
  };
}

export function rolloutEvents(c: RolloutChange): PlatteEvent[] {
  const last = c.rollout.history.at(-1);
  const rolledBackTo = c.effects.find((e) => e.kind === 'promote');
  const events: PlatteEvent[] = [];
  for (const effect of c.effects) {
    const type = EVENT_OF[effect.kind];
    if (!type) continue;
    const data: PlatteEvent['data'] = { state: c.rollout.status, step: c.rollout.stepIndex, why: last?.why ?? null };
    if (effect.kind === 'step-opened') data.percent = effect.percent;
    if (effect.kind === 'halted') data.reason = effect.reason;
    if (effect.kind === 'aborted') data.rolledBackTo = rolledBackTo?.kind === 'promote' ? rolledBackTo.version : null;
    events.push({ type, at: c.at, appId: c.appId, channel: c.channel, version: c.rollout.version, by: last?.by ?? 'platte', data });
  }
  return events;
}
