// Reboot slots: every group with its slots in use, whether it is paused and whether a window is
// open, and its holders (each with an "Unlock" for roles that may); one group's page adds the
// nodes waiting for a slot, the windows and the history.
import { request, seg } from '../api/client.ts';
import type { RebootGroup } from '../api/types.ts';
import { Tone } from '../components/badges.tsx';
import { Empty, Failure, Loading } from '../components/notes.tsx';
import { ago, when } from '../components/format.ts';
import { pagePath, PAGE_ROUTES } from '../routes.ts';
import { useData } from '../state/use-data.ts';
import { GroupControls } from './group-controls.tsx';
import { Holders } from './holders.tsx';
import { TablePanel } from '../components/table-panel.tsx';

export function RebootGroups() {
  const { data, error, reload } = useData(() => request<{ groups: RebootGroup[] }>('/reboot-groups').then((a) => a.groups), [], 'reboot');
  return (
    <>
      <h1>Reboot slots</h1>
      <Failure error={error} />
      {!data && !error && <Loading what="reboot groups" />}
      {data?.length === 0 && (
        <Empty>
          No reboot groups yet: a node's first FleetLock request creates its group, or <code>platte locks set-max</code>.
        </Empty>
      )}
      <div class="cards wide">
        {data?.map((g) => (
          <GroupCard key={g.group} g={g} onChange={reload} />
        ))}
      </div>
    </>
  );
}

function SlotsUsed({ g }: { g: RebootGroup }) {
  const used = g.holders.length;
  return (
    <div class="slots" role="img" aria-label={`${used} of ${g.max} slots in use`}>
      {Array.from({ length: Math.max(g.max, used) }, (_, i) => (
        <span key={i} class={`slot ${i < used ? (g.holders[i]?.expired ? 'expired' : 'held') : ''} ${i >= g.max ? 'over' : ''}`} />
      ))}
    </div>
  );
}

export function GroupState({ g }: { g: RebootGroup }) {
  return (
    <span class="badges">
      {g.paused && <Tone tone="warn">paused{g.pauseReason ? `: ${g.pauseReason}` : ''}</Tone>}
      {g.windows.length > 0 && (g.windowOpen ? <Tone tone="good">window open</Tone> : <Tone tone="muted">window closed</Tone>)}
    </span>
  );
}

function GroupCard({ g, onChange }: { g: RebootGroup; onChange: () => void }) {
  return (
    <article class="card" aria-labelledby={`g-${g.group}`}>
      <header class="card-head">
        <h2 id={`g-${g.group}`}>
          <a href={pagePath(PAGE_ROUTES.rebootGroup, { group: g.group })}>{g.group}</a>
        </h2>
        <GroupState g={g} />
      </header>
      <SlotsUsed g={g} />
      <p class="muted small">
        {g.holders.length} of {g.max} slots in use · lease {g.lease.text}, then {g.lease.onExpiry === 'hold' ? 'kept until an operator acts' : 'freed'}
        {g.waiting.length > 0 && ` · ${g.waiting.length} waiting`}
        {!g.windowOpen && g.nextWindow && ` · next window ${ago(g.nextWindow.at)}`}
      </p>
      <Holders group={g.group} holders={g.holders} onChange={onChange} />
    </article>
  );
}

export function RebootGroupPage({ group }: { group: string }) {
  const { data: g, error, reload, set } = useData(() => request<RebootGroup>(`/reboot-groups/${seg(group)}`, { query: { history: 100 } }), [group], 'reboot');
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={PAGE_ROUTES.rebootGroups}>Reboot slots</a> / {group}
      </nav>
      <h1>
        Reboot group {group} {g && <GroupState g={g} />}
      </h1>
      <Failure error={error} />
      {!g && !error && <Loading what="the group" />}
      {g && (
        <>
          <GroupControls
            g={g}
            onChange={(next) => {
              set(next);
              reload();
            }}
          />
          <section class="panel" aria-labelledby="holders-h">
            <h2 id="holders-h">
              Holders <span class="muted">{g.holders.length} of {g.max}</span>
            </h2>
            <SlotsUsed g={g} />
            <Holders group={g.group} holders={g.holders} onChange={reload} />
          </section>
          <div class="grid-2">
            <Waiting g={g} />
            <Windows g={g} />
          </div>
          <GroupHistory g={g} />
        </>
      )}
    </>
  );
}

function Waiting({ g }: { g: RebootGroup }) {
  return (
    <section class="panel" aria-labelledby="waiting-h">
      <h2 id="waiting-h">Waiting</h2>
      {g.waiting.length === 0 ? (
        <p class="muted small">No node was turned away in the last 15 minutes.</p>
      ) : (
        <ul class="plain">
          {g.waiting.map((w) => (
            <li key={w.id}>
              <code>{w.id}</code> <span class="muted small">{w.reason} · {ago(w.lastSeen)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Windows({ g }: { g: RebootGroup }) {
  return (
    <section class="panel" aria-labelledby="windows-h">
      <h2 id="windows-h">Windows</h2>
      {g.windows.length === 0 ? (
        <p class="muted small">None: nodes may reboot at any time.</p>
      ) : (
        <>
          <ul class="plain">
            {g.windows.map((w) => (
              <li key={w.text}>{w.text}</li>
            ))}
          </ul>
          <p class="small">{g.windowOpen ? `Open now${g.windowClosesAt ? `, closes ${ago(g.windowClosesAt)}` : ''}.` : g.nextWindow ? `Closed; next opens ${g.nextWindow.local}.` : 'Closed.'}</p>
        </>
      )}
    </section>
  );
}

function GroupHistory({ g }: { g: RebootGroup }) {
  return (
    <TablePanel id="ghist-h" title="History" columns={['When', 'Event', 'Node', 'By', 'Detail']}>
      {g.history.map((h, i) => (
        <tr key={`${h.at}-${i}`}>
          <td class="nowrap">{when(h.at)}</td>
          <td>{h.event}</td>
          <td>{h.holder ? <code>{h.holder}</code> : ''}</td>
          <td>{h.by ?? ''}</td>
          <td>{h.detail ?? ''}</td>
        </tr>
      ))}
    </TablePanel>
  );
}
