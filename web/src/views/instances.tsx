// Instances of the chosen app: go to one by machine id, or list them filtered by status, version
// and group, a page at a time (the API's cursors: the list stays fast at any fleet size). The
// filters live in the address, so a filtered list can be shared and survives a reload.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { request, seg } from '../api/client.ts';
import type { Instance, Summary } from '../api/types.ts';
import { StatusBadge } from '../components/badges.tsx';
import { ago, when } from '../components/format.ts';
import { Empty, Failure, Loading } from '../components/notes.tsx';
import { FILTER_STATUSES, heldWord, statusWord } from '../components/statuses.ts';
import { pagePath, PAGE_ROUTES } from '../routes.ts';
import { currentApp } from '../state/apps.ts';
import { useData } from '../state/use-data.ts';

const PAGE = 50;

interface Filters {
  status: string;
  version: string;
  group: string;
}

export function Instances() {
  const app = currentApp.value;
  if (!app) return <Loading what="apps" />;
  return <InstanceList app={app} />;
}

function InstanceList({ app }: { app: string }) {
  const loc = useLocation();
  const q = loc.query;
  const filters: Filters = { status: q.status ?? '', version: q.version ?? '', group: q.group ?? '' };
  // Cursors of the pages before this one, so "Previous page" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useData(
    () => request<{ instances: Instance[]; next: string | null }>(`/apps/${seg(app)}/instances`, { query: { limit: PAGE, cursor, ...filters } }),
    [app, filters, cursor],
    'none',
  );
  const summary = useData(() => request<Summary>(`/apps/${seg(app)}/summary`), [app], 'none');
  const setFilter = (name: keyof Filters, value: string) => {
    const next = new URLSearchParams(loc.query);
    if (value) next.set(name, value);
    else next.delete(name);
    setCursors([]);
    loc.route(`${PAGE_ROUTES.instances}${next.size ? `?${next}` : ''}`, true);
  };
  return (
    <>
      <h1>Instances</h1>
      <div class="toolbar">
        <FindMachine app={app} />
        <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
          <Select label="Status" value={filters.status} options={[...FILTER_STATUSES]} words={statusWord} onChange={(v) => setFilter('status', v)} />
          <Select label="Version" value={filters.version} options={Object.keys(summary.data?.byVersion ?? {}).sort()} onChange={(v) => setFilter('version', v)} />
          <Select label="Group" value={filters.group} options={Object.keys(summary.data?.byGroup ?? {}).sort()} onChange={(v) => setFilter('group', v)} />
        </form>
      </div>
      <Failure error={list.error} />
      {!list.data && !list.error && <Loading what="instances" />}
      {list.data && <InstanceTable app={app} items={list.data.instances} />}
      {list.data && list.data.instances.length === 0 && <Empty>{list.data.next ? 'No match on this stretch of the list; try the next page.' : 'No instances match.'}</Empty>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={!list.data?.next} onClick={() => list.data?.next && setCursors([...cursors, list.data.next])}>
          Next page
        </button>
      </nav>
    </>
  );
}

function FindMachine({ app }: { app: string }) {
  const loc = useLocation();
  const [id, setId] = useState('');
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const m = id.trim();
        if (m) loc.route(pagePath(PAGE_ROUTES.instance, { app, machineid: m }));
      }}
    >
      <label>
        Machine id
        <input type="search" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} placeholder="e.g. 0a1b2c…" spellcheck={false} />
      </label>
      <button type="submit">Find</button>
    </form>
  );
}

interface SelectProps {
  label: string;
  value: string;
  options: string[];
  words?: (v: string) => string;
  onChange: (value: string) => void;
}

function Select({ label, value, options, words = (v) => v, onChange }: SelectProps) {
  const all = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">any</option>
        {all.map((o) => (
          <option key={o} value={o}>
            {words(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

function InstanceTable({ app, items }: { app: string; items: Instance[] }) {
  if (items.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col">Group</th>
            <th scope="col">IP</th>
            <th scope="col">Last check</th>
            <th scope="col">Held back</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.machineId}>
              <td>
                <a href={pagePath(PAGE_ROUTES.instance, { app, machineid: i.machineId })}>
                  <code>{i.alias || i.machineId}</code>
                </a>
              </td>
              <td>
                <StatusBadge status={i.status} />
                {i.errorName && <span class="small bad-text"> {i.errorName}</span>}
              </td>
              <td>{i.version}</td>
              <td>{i.group || <span class="muted">unknown track {i.track}</span>}</td>
              <td>{i.ip}</td>
              <td title={when(i.lastCheck)}>{ago(i.lastCheck)}</td>
              <td class="small">{i.held ? heldWord(i.held) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
