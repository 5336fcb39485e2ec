// A group's holders: since when, lease left, target version, expired; "Unlock" (after a
// confirmation) frees a slot whose node will not give it back.
import { request, seg } from '../api/client.ts';
import type { Holder } from '../api/types.ts';
import { Tone } from '../components/badges.tsx';
import { ConfirmButton } from '../components/confirm.tsx';
import { ago, duration, when } from '../components/format.ts';
import { canChange } from '../state/session.ts';

export interface HoldersProps {
  group: string;
  holders: Holder[];
  onChange: () => void;
}

export function Holders({ group, holders, onChange }: HoldersProps) {
  if (holders.length === 0) return <p class="muted small">No node holds a slot.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Since</th>
            <th scope="col">Lease left</th>
            <th scope="col">Going to</th>
            {canChange.value && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {holders.map((h) => (
            <tr key={h.id}>
              <td>
                <code>{h.id}</code>
              </td>
              <td title={when(h.since)}>{ago(h.since)}</td>
              <td>{h.expired ? <Tone tone="bad">expired</Tone> : duration(h.leaseLeftSeconds * 1000)}</td>
              <td>{h.targetVersion ?? <span class="muted">unknown</span>}</td>
              {canChange.value && (
                <td class="right">
                  <ConfirmButton
                    label="Unlock"
                    ariaLabel={`Unlock ${h.id}`}
                    title={`Unlock ${h.id}?`}
                    confirm="Unlock now"
                    danger
                    onConfirm={async () => {
                      await request(`/reboot-groups/${seg(group)}/holders/${seg(h.id)}`, { method: 'DELETE', query: { reason: 'unlocked from the dashboard' } });
                      onChange();
                    }}
                  >
                    <p>
                      The slot is freed at once, whether or not the node finished rebooting. Another node may then reboot in {group}.
                    </p>
                  </ConfirmButton>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
