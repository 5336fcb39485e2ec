// `platte rollout status` and the one-line answers of the rollout actions, for people: aligned
// key/value lines, the steps and the last history entries as tables, durations and times in words
// rather than milliseconds. Loaded only when a rollout command runs.
import { formatTable, isoSeconds } from '../../kernel/cli/common.ts';
import type { HaltOn } from '../domain/rollout/types.ts';
import type { RolloutView } from '../rollout/view.ts';

/** History entries shown by `rollout status` (--json has them all). */
const HISTORY_SHOWN = 5;

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * 7_200_000 → `2h`, 5_400_000 → `1h30m`, 0 → `0s`: the way durations are written on the command
 * line. `units` keeps only the largest few (an age reads better as `4d5h` than `4d4h56m53s`).
 */
export function formatDuration(ms: number, units = UNITS.length): string {
  let left = Math.round(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0 && parts.length < units) parts.push(`${n}${unit}`);
    left -= n * size;
  }
  return parts.join('') || '0s';
}

/** `2026-11-25T14:00:00Z (in 2h)` or `… (3m ago)`. */
export function moment(at: number, now: number): string {
  const d = formatDuration(Math.abs(at - now), 2);
  return `${isoSeconds(at)} (${at > now ? `in ${d}` : `${d} ago`})`;
}

/** Percents may be fractional (a linear ramp): at most two decimals. */
export const pct = (p: number) => `${Number(p.toFixed(2))} %`;

function aligned(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 2;
  return pairs.map(([k, v]) => `${k}:`.padEnd(width) + v).join('\n');
}

/** `3 failed nodes or 5 % of the granted nodes`; `never` without a rule. */
function haltText(h: HaltOn): string {
  const parts = [];
  if (h.failures !== undefined) parts.push(`${h.failures} failed node${h.failures === 1 ? '' : 's'}`);
  if (h.failurePercent !== undefined) parts.push(`${pct(h.failurePercent)} of the granted nodes failed`);
  return parts.length ? parts.join(' or ') : 'never';
}

/** `1 error, 2 downloading`: the non-zero entries of a count record. */
function nonZero(counts: Record<string, number>, ...skip: string[]): string {
  return Object.entries(counts)
    .filter(([k, n]) => !skip.includes(k) && n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** Where the rollout stands: `step 2 of 4` or `linear from 10 % over 6h`. */
function position(v: RolloutView): string {
  if (v.plan.kind === 'linear') return `linear from ${pct(v.plan.startPercent)} to 100 % over ${formatDuration(v.plan.durationMs)}`;
  return `step ${v.stepIndex + 1} of ${v.plan.steps.length}`;
}

/** What the step rule waits for (server/domain/rollout/plan.ts WaitReason), in words. */
const WAITING = new Map([
  ['soaking', 'soaking'],
  ['success-threshold', "waiting for the step's success threshold"],
  ['ramping', 'ramping up'],
]);

/** `running, soaking until 2026-11-25T14:00:00Z (in 2h)`; a held rollout says just its state. */
function stateText(v: RolloutView, now: number): string {
  if (!v.waiting || v.waiting.for === v.state) return v.state;
  const until = v.waiting.until === null ? '' : ` until ${moment(v.waiting.until, now)}`;
  return `${v.state}, ${WAITING.get(v.waiting.for) ?? `waiting for ${v.waiting.for}`}${until}`;
}

export function rolloutLines(v: RolloutView, now = Date.now()): string {
  const failures = nonZero(v.failures.byKind);
  const pairs: [string, string][] = [
    ['channel', v.channel],
    ['state', stateText(v, now)],
    ['version', `${v.version} ← ${v.previousVersion ?? '(none)'}`],
    ['offered to', `${pct(v.percent)} of the nodes (${position(v)})`],
    ['halt on', haltText(v.plan.haltOn)],
    ['nodes', `${v.counts.granted} granted${nonZero(v.counts, 'granted', 'eligible', 'rebooting') ? `: ${nonZero(v.counts, 'granted', 'eligible', 'rebooting')}` : ''}; ${v.counts.eligible ?? 0} still below the version`],
  ];
  // Older servers send neither (?? keeps the view readable against them).
  if ((v.counts.rebooting ?? 0) > 0) pairs.push(['rebooting', `${v.counts.rebooting} of the installed hold a reboot slot now`]);
  const held = nonZero(v.heldBack ?? {});
  if (held) pairs.push(['held back', held]);
  pairs.push(
    ['failures', `${v.failures.total} (${v.failures.counted} counted by the halt rule)${failures ? `: ${failures}` : ''}`],
  );
  if (v.haltReason) pairs.push(['halted', v.haltReason]);
  if (v.pulled) pairs.push(['pulled', `yes: ${v.version} is pulled, only abort remains`]);
  pairs.push(['started', moment(v.startedAt, now)]);
  if (v.finishedAt !== null) pairs.push(['finished', moment(v.finishedAt, now)]);
  return aligned(pairs);
}

export async function stepsTable(v: RolloutView): Promise<string> {
  if (v.plan.kind === 'linear' || v.steps.length === 0) return '';
  const rows = v.steps.map((s) => [
    s.index + 1,
    s.state,
    pct(s.percent),
    formatDuration(s.soak),
    s.successThreshold === null ? '-' : pct(s.successThreshold),
    s.openedAt === null ? '-' : isoSeconds(s.openedAt),
  ]);
  return `Steps:\n${await formatTable(['step', 'state', 'percent', 'soak', 'threshold', 'opened'], rows)}\n`;
}

export async function historyTable(v: RolloutView): Promise<string> {
  const last = v.history.slice(-HISTORY_SHOWN).reverse();
  const rows = last.map((h) => [isoSeconds(h.at), h.action, `${h.from ?? '-'} → ${h.to}`, h.stepIndex + 1, h.by, h.why || '-']);
  const more = v.history.length > last.length ? `; the last ${last.length} of ${v.history.length}, --json has all` : '';
  return `History (newest first${more}):\n${await formatTable(['when', 'action', 'state', 'step', 'by', 'why'], rows)}\n`;
}

export async function statusText(v: RolloutView, now = Date.now()): Promise<string> {
  return [`${rolloutLines(v, now)}\n`, await stepsTable(v), await historyTable(v)].filter(Boolean).join('\n');
}

/** `stable: rollout of 3602.2.0 paused at 10 % (step 2 of 4)`, after an action or a promotion. */
export function rolloutLine(v: RolloutView): string {
  return `${v.channel}: rollout of ${v.version} ${v.state} at ${pct(v.percent)} (${position(v)})`;
}
