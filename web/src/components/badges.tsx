// Small labels: a rollout's state, a node's status.
import type { ComponentChildren } from 'preact';
import type { RolloutState } from '../api/types.ts';
import { statusClass, statusWord } from './statuses.ts';

const ROLLOUT_TONE: Record<RolloutState, string> = {
  running: 'info',
  paused: 'warn',
  halted: 'bad',
  completed: 'good',
  aborted: 'muted',
};

export function RolloutBadge({ state }: { state: RolloutState }) {
  return <span class={`badge tone-${ROLLOUT_TONE[state] ?? 'muted'}`}>{state}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class="badge status">
      <span class={`dot ${statusClass(status)}`} />
      {statusWord(status)}
    </span>
  );
}

export function Tone({ tone, children }: { tone: 'good' | 'info' | 'warn' | 'bad' | 'muted'; children: ComponentChildren }) {
  return <span class={`badge tone-${tone}`}>{children}</span>;
}
