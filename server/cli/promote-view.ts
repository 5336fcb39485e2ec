// `platte promote --dry-run` for people: which groups follow the channel, how many nodes (per
// architecture and per version they run) each step would offer the version (expected counts: the
// nodes' buckets decide who is in), which architectures have no build, and whether the promotion
// would be refused. Loaded only when the command runs.
import { formatTable } from '../../kernel/cli/common.ts';
import { pct } from './rollout-view.ts';

/** The API's answer to a promotion with `dryRun: true` (nothing changed). */
export interface DryRunAnswer {
  dryRun: true;
  channel: string;
  previous: string | null;
  version: string;
  groups: { group: string; track: string }[];
  /** Nodes of the channel below the version: those the promotion reaches. */
  eligible: number;
  /** Node counts are expected values (a step of p % reaches the nodes whose bucket is below p / 100). */
  steps: { percent: number; nodes: number; byArch: Record<string, number>; byVersion: Record<string, number> }[];
  missingArches: { arch: string; nodes: number }[];
  refused: string | null;
}

/** `amd64: 5, arm64: 2`. */
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || '-';

export async function dryRunText(channel: string, r: DryRunAnswer): Promise<string> {
  const groups = r.groups.map((g) => `${g.group} (track ${g.track})`).join(', ') || 'none';
  const rows = r.steps.map((s, i) => [i + 1, pct(s.percent), s.nodes, counts(s.byArch), counts(s.byVersion)]);
  const lines = [
    `dry run, nothing changed: ${channel} ${r.previous ?? '(none)'} → ${r.version}`,
    `groups following ${channel}: ${groups}`,
    `nodes below ${r.version}: ${r.eligible}; each step offers it to about its percent of them`,
    await formatTable(['step', 'percent', 'nodes offered', 'by arch', 'by version they run'], rows),
  ];
  if (r.missingArches.length > 0) {
    const gaps = r.missingArches.map((g) => `${g.arch} (${g.nodes} node${g.nodes === 1 ? '' : 's'})`).join(', ');
    lines.push(`no build of ${r.version} for: ${gaps}`);
  }
  lines.push(r.refused ? `would be refused: ${r.refused}` : 'would be accepted');
  return `${lines.join('\n')}\n`;
}
