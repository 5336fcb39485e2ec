// The rollout's controls, shown only to roles that may use them (the server refuses the others
// anyway): pause and resume at once; next step and abort after a confirmation. Abort can roll the
// channel back to the version it had before.
import { useState } from 'preact/hooks';
import type { Rollout } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { canChange } from '../state/session.ts';

export type RolloutAction = 'pause' | 'resume' | 'advance' | 'abort';

export interface RolloutControlsProps {
  rollout: Rollout;
  act: (action: RolloutAction, body: Record<string, unknown>) => Promise<void>;
}

export function RolloutControls({ rollout: r, act }: RolloutControlsProps) {
  const [error, setError] = useState<string | null>(null);
  const [rollback, setRollback] = useState(false);
  if (!canChange.value) return null;
  const finished = r.state === 'completed' || r.state === 'aborted';
  if (finished) return null;
  const now = async (action: RolloutAction) => {
    setError(null);
    try {
      await act(action, {});
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const next = r.steps.find((s) => s.state === 'pending');
  return (
    <section class="controls" aria-label="Rollout controls">
      {r.state === 'running' && (
        <button type="button" onClick={() => now('pause')}>
          Pause rollout
        </button>
      )}
      {(r.state === 'paused' || r.state === 'halted') && (
        <button type="button" class="solid" onClick={() => now('resume')}>
          Resume rollout
        </button>
      )}
      {r.plan.kind === 'steps' && next && (
        <ConfirmButton label="Next step" title="Open the next step now?" confirm="Open next step" onConfirm={() => act('advance', {})}>
          <p>
            The rollout moves to step {next.index + 1}: {r.version} is offered to {next.percent}% of nodes without waiting for the current step's
            soak.
          </p>
        </ConfirmButton>
      )}
      <ConfirmButton
        label="Abort rollout"
        title="Abort this rollout?"
        confirm="Abort now"
        danger
        onConfirm={() => act('abort', rollback ? { rollback: true } : {})}
      >
        <p>No node is offered {r.version} any more. Nodes that already updated stay on it.</p>
        {r.previousVersion && (
          <label class="check">
            <input type="checkbox" checked={rollback} onChange={(e) => setRollback((e.target as HTMLInputElement).checked)} />
            Also roll back: promote {r.previousVersion} again
          </label>
        )}
      </ConfirmButton>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
