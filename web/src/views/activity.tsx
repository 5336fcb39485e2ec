// Activity of the chosen app (promotions, rollout steps and halts, pulls, group changes) and what
// operators did to reboot groups (force-unlocks, max, windows and lease, pause, resume), newest
// first, narrowed by kind or by words.
import { useState } from 'preact/hooks';
import { request, seg } from '../api/client.ts';
import type { ActivityEntry, RebootHistoryEvent } from '../api/types.ts';
import { ago, when } from '../components/format.ts';
import { Empty, Failure, Loading } from '../components/notes.tsx';
import { slotActionMessage } from '../components/slot-events.ts';
import { currentApp } from '../state/apps.ts';
import { useData, type Data } from '../state/use-data.ts';

const LIMIT = 500;

/** An operator's reboot-group line as an activity entry: kind `reboot-group.<event>`. */
function rebootEntry(e: RebootHistoryEvent): ActivityEntry {
  return { at: Date.parse(e.at), kind: `reboot-group.${e.event}`, actor: e.by ?? 'an operator', message: slotActionMessage(e) };
}

/** Both lists merged newest first once neither is loading; a list that failed adds nothing (its error shows). */
function merged(app: Data<ActivityEntry[]>, reboot: Data<ActivityEntry[]>): ActivityEntry[] | undefined {
  const pending = (d: Data<ActivityEntry[]>) => d.data === undefined && d.error === null;
  if (pending(app) || pending(reboot)) return undefined;
  return [...(app.data ?? []), ...(reboot.data ?? [])].sort((a, b) => b.at - a.at);
}

export function Activity() {
  const app = currentApp.value;
  const [kind, setKind] = useState('');
  const [words, setWords] = useState('');
  const appActivity = useData(
    () => (app ? request<{ activity: ActivityEntry[] }>(`/apps/${seg(app)}/activity`, { query: { limit: LIMIT } }).then((a) => a.activity) : Promise.resolve([])),
    [app],
  );
  const rebootActivity = useData(
    () => request<{ events: RebootHistoryEvent[] }>('/reboot-history', { query: { actions: 'operator', limit: LIMIT } }).then((a) => a.events.map(rebootEntry)),
    [],
    'reboot',
  );
  const data = merged(appActivity, rebootActivity);
  const error = appActivity.error ?? rebootActivity.error;
  const kinds = [...new Set((data ?? []).map((a) => a.kind))].sort();
  const needle = words.trim().toLowerCase();
  const shown = (data ?? []).filter(
    (a) => (!kind || a.kind === kind) && (!needle || `${a.message} ${a.actor}`.toLowerCase().includes(needle)),
  );
  return (
    <>
      <h1>Activity</h1>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Contains
          <input type="search" value={words} onInput={(e) => setWords((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <Failure error={error} />
      {!data && !error && <Loading what="activity" />}
      {data && shown.length === 0 && <Empty>Nothing {data.length ? 'matches' : 'happened yet'}.</Empty>}
      {shown.length > 0 && (
        <ol class="timeline">
          {shown.map((a, i) => (
            <li key={`${a.at}-${i}`}>
              <time dateTime={new Date(a.at).toISOString()} title={when(a.at)}>
                {ago(a.at)}
              </time>
              <span class="badge tone-muted">{a.kind}</span>
              <span>{a.message}</span>
              <span class="muted small">by {a.actor}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
