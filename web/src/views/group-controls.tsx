// A reboot group's controls, shown only to roles that may use them (the server refuses the others
// anyway): set how many nodes may hold a slot at once, pause and resume the group. Each asks first:
// a wrong max or a forgotten pause holds back a whole group's reboots.
import { useEffect, useState } from 'preact/hooks';
import { request, seg } from '../api/client.ts';
import type { RebootGroup } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { canChange } from '../state/session.ts';

export interface GroupControlsProps {
  g: RebootGroup;
  /** Shows the server's answer at once. */
  onChange: (g: RebootGroup) => void;
}

export function GroupControls({ g, onChange }: GroupControlsProps) {
  const [max, setMax] = useState(String(g.max));
  const [reason, setReason] = useState('');
  // A max changed elsewhere shows here too, unless the field is being edited.
  useEffect(() => setMax(String(g.max)), [g.max]);
  if (!canChange.value) return null;
  const path = `/reboot-groups/${seg(g.group)}`;
  const wanted = Number(max);
  const valid = max.trim() !== '' && Number.isInteger(wanted) && wanted >= 0;
  return (
    <section class="controls" aria-label="Group controls">
      <label>
        Max slots
        <input type="number" min={0} step={1} value={max} onInput={(e) => setMax((e.target as HTMLInputElement).value)} />
      </label>
      <ConfirmButton
        label="Set max"
        title={`Set max of ${g.group}?`}
        confirm="Set max"
        onConfirm={async () => {
          if (!valid) throw new Error('max must be a whole number, 0 or more');
          onChange(await request<RebootGroup>(path, { method: 'PUT', body: { max: wanted } }));
        }}
      >
        <p>
          {valid ? `At most ${wanted} node${wanted === 1 ? '' : 's'} of ${g.group} may reboot at once (now ${g.max}).` : 'Give a whole number, 0 or more.'}
          {valid && wanted === 0 && ' With 0, no node gets a slot.'} Nodes holding a slot keep it.
        </p>
      </ConfirmButton>
      {g.paused ? (
        <ConfirmButton
          label="Resume group"
          title={`Resume ${g.group}?`}
          confirm="Resume now"
          onConfirm={async () => onChange(await request<RebootGroup>(`${path}/resume`, { method: 'POST' }))}
        >
          <p>Nodes of {g.group} get reboot slots again, up to its max.</p>
        </ConfirmButton>
      ) : (
        <ConfirmButton
          label="Pause group"
          title={`Pause ${g.group}?`}
          confirm="Pause now"
          danger
          onConfirm={async () => {
            const body = reason.trim() ? { reason: reason.trim() } : {};
            onChange(await request<RebootGroup>(`${path}/pause`, { method: 'POST', body }));
            setReason('');
          }}
        >
          <p>No node of {g.group} gets a slot until the group is resumed. Nodes holding a slot keep it.</p>
          <label>
            Reason (optional)
            <input type="text" maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
        </ConfirmButton>
      )}
    </section>
  );
}
