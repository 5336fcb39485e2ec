// The end-of-run summary as text for a terminal, and small formatting helpers shared with the
// live display.
import Table from 'cli-table3';
import type { SimSummary } from './summary.ts';

/** 5025 → "1h23m45s", 59 → "59s". */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d${h}h${String(m).padStart(2, '0')}m`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** `{a: 1, b: 2}` → "a 1 · b 2", or "-" when empty. */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(' · ') : '-';
}

export function formatSummary(s: SimSummary): string {
  const lines: string[] = [];
  const outcome =
    s.stopReason === 'settled'
      ? `every node settled after ${formatSeconds(s.timeToComplete ?? s.simulatedSeconds)} simulated`
      : s.stopReason === 'duration'
        ? `stopped at the end of --duration (${formatSeconds(s.simulatedSeconds)} simulated)${s.completed ? ', every node settled' : ', not every node settled'}`
        : s.stopReason === 'done'
          ? `ended by its driver after ${formatSeconds(s.simulatedSeconds)} simulated`
          : `interrupted after ${formatSeconds(s.simulatedSeconds)} simulated`;
  lines.push(`Fleet of ${s.nodes} nodes against ${s.server} (seed ${s.seed}): ${outcome}`);
  lines.push(`  ${s.realSeconds.toFixed(1)} s real · speed x${s.speed} asked, x${s.effectiveSpeed} reached`);
  lines.push(`Versions        ${formatCounts(s.versions)}`);
  lines.push(`States          ${formatCounts(s.states)}`);
  lines.push(`Updates done    ${s.updatesCompleted}`);
  const failures = Object.entries(s.failures).map(([code, n]) => `${code} ${s.failureNames[code] ?? ''} ×${n}`);
  lines.push(`Failures        ${failures.length ? failures.join(' · ') : 'none'}`);
  lines.push(`Reboot peaks    ${formatCounts(s.maxConcurrentReboots)}  (most nodes rebooting at once, per group)`);
  if (Object.keys(s.rebootingAtEnd).length) lines.push(`Still rebooting ${formatCounts(s.rebootingAtEnd)}`);
  if (Object.keys(s.lockRefusals).length) lines.push(`Slot refusals   ${formatCounts(s.lockRefusals)}`);
  lines.push(`Requests        ${s.requests.total} (${s.requests.perSecond}/s real)`);
  const table = new Table({
    head: ['endpoint', 'count', 'no answer', 'statuses', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    style: { head: [], border: [] },
  });
  for (const [name, e] of Object.entries(s.requests.byEndpoint)) {
    table.push([
      name,
      e.count,
      e.noAnswer,
      formatCounts(e.statuses),
      e.latencyMs.p50.toFixed(2),
      e.latencyMs.p90.toFixed(2),
      e.latencyMs.p99.toFixed(2),
      e.latencyMs.max.toFixed(2),
    ].map(String));
  }
  if (table.length) lines.push(table.toString());
  lines.push(`Late wake-ups   p50 ${s.lateSeconds.p50} s · p99 ${s.lateSeconds.p99} s · max ${s.lateSeconds.max} s (simulated)`);
  return `${lines.join('\n')}\n`;
}
