// Promoting a version to a channel, with an optional rollout plan, for roles that may (the server
// refuses the others anyway). It asks first; the server's refusal (400 for a bad plan, 409 for a
// pulled version, a downgrade or a missing arch) is shown in the confirmation as the server says it.
import { useState } from 'preact/hooks';
import { request, seg } from '../api/client.ts';
import type { Channel } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { canChange } from '../state/session.ts';
import { planOf, planText, type PlanInput } from './promote-plan.ts';

export interface PromoteFormProps {
  app: string;
  channels: Channel[];
  versions: string[];
  onDone: () => void;
}

function Field({ label, value, set, hint }: { label: string; value: string; set: (v: string) => void; hint?: string }) {
  return (
    <label>
      {label}
      <input type="text" value={value} placeholder={hint} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
}

export function PromoteForm({ app, channels, versions, onDone }: PromoteFormProps) {
  const [channel, setChannel] = useState('');
  const [version, setVersion] = useState('');
  const [plan, setPlan] = useState<PlanInput>({ steps: '', soak: '', haltPercent: '' });
  if (!canChange.value || channels.length === 0) return null;
  const ch = channel || (channels[0]?.name ?? '');
  const v = version || (versions[0] ?? '');
  let summary: string;
  try {
    summary = planText(planOf(plan));
  } catch (err) {
    summary = (err as Error).message;
  }
  return (
    <section class="panel" aria-labelledby="promote-h">
      <h2 id="promote-h">Promote</h2>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Channel
          <select value={ch} onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}>
            {channels.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Version
          <select value={v} onChange={(e) => setVersion((e.target as HTMLSelectElement).value)}>
            {versions.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <Field label="Steps (%)" hint="10,50,100" value={plan.steps} set={(steps) => setPlan({ ...plan, steps })} />
        <Field label="Soak" hint="1h" value={plan.soak} set={(soak) => setPlan({ ...plan, soak })} />
        <Field label="Halt on failures (%)" hint="5" value={plan.haltPercent} set={(haltPercent) => setPlan({ ...plan, haltPercent })} />
        <ConfirmButton
          label="Promote"
          title={`Promote ${v} to ${ch}?`}
          confirm="Promote now"
          onConfirm={async () => {
            const rollout = planOf(plan);
            await request(`/apps/${seg(app)}/channels/${seg(ch)}`, { method: 'PUT', body: { version: v, ...(rollout ? { rollout } : {}) } });
            setPlan({ steps: '', soak: '', haltPercent: '' });
            onDone();
          }}
        >
          <p>
            {v} goes to the nodes following {ch}: {summary}.
          </p>
        </ConfirmButton>
      </form>
      <p class="muted small">Without steps the version is offered to every node at once. The server checks the plan: the last step must be 100.</p>
    </section>
  );
}
