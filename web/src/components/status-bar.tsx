// One bar split by node status, with its legend. The bar is a picture for the eye; the legend (and
// the bar's accessible name) say the same in words and numbers.
import { count, percent } from './format.ts';
import { orderStatuses, statusClass, statusWord } from './statuses.ts';

export interface StatusBarProps {
  counts: Record<string, number>;
  /** Names the bar for screen readers: "nodes of stable". */
  label: string;
  legend?: boolean;
}

export function StatusBar({ counts, label, legend = true }: StatusBarProps) {
  const statuses = orderStatuses(Object.keys(counts)).filter((s) => (counts[s] ?? 0) > 0);
  const total = statuses.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const words = statuses.map((s) => `${count(counts[s] ?? 0)} ${statusWord(s)}`).join(', ');
  return (
    <div class="status-bar">
      <div class="bar" role="img" aria-label={`${label}: ${total ? words : 'no nodes'}`}>
        {statuses.map((s) => (
          <span key={s} class={`seg ${statusClass(s)}`} style={{ flexGrow: counts[s] }} title={`${statusWord(s)}: ${count(counts[s] ?? 0)}`} />
        ))}
      </div>
      {legend && total > 0 && (
        <ul class="legend" aria-hidden="true">
          {statuses.map((s) => (
            <li key={s}>
              <span class={`dot ${statusClass(s)}`} />
              {statusWord(s)} <b>{count(counts[s] ?? 0)}</b> <span class="muted">{percent(counts[s] ?? 0, total)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Adds up a count tree's versions: version → status → n into status → n. */
export function byStatus(tree: Record<string, Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const statuses of Object.values(tree ?? {})) {
    for (const [s, n] of Object.entries(statuses)) out[s] = (out[s] ?? 0) + n;
  }
  return out;
}
