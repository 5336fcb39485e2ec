// `--dry-run` of a promotion: who follows the channel, how many nodes each step would offer the
// version to (per architecture and per version they run), and whether the promotion would be
// refused; nothing changes. Node counts per step are expected values: a step of p % takes the nodes
// whose sticky bucket lies below p / 100, which for n nodes is n × p / 100 on average (buckets are
// uniform; docs/rollouts.md).
import type { AppConfig, ChannelRecord } from '../domain/types.ts';
import { channelArchCounts } from '../domain/counters.ts';
import { missingArches, nodesBelow } from './fleet-facts.ts';
import { promotionRefusal, type PromoteInput } from './promote.ts';
import { total } from './counts.ts';

export interface DryRunStep {
  percent: number;
  nodes: number;
  byArch: Record<string, number>;
  byVersion: Record<string, number>;
}

export interface DryRun {
  dryRun: true;
  channel: string;
  version: string;
  previous: string | null;
  groups: { group: string; track: string }[];
  /** Nodes of the channel below the version: those the promotion reaches. */
  eligible: number;
  steps: DryRunStep[];
  missingArches: { arch: string; nodes: number }[];
  /** Why the promotion would be refused; null when it would go ahead. */
  refused: string | null;
}

function percentsOf(input: PromoteInput): number[] {
  const plan = input.plan;
  if (!plan) return [100];
  if (plan.kind === 'linear') return plan.startPercent >= 100 ? [100] : [plan.startPercent, 100];
  return plan.steps.map((s) => s.percent);
}

/** `map` scaled to `share` of each count, as a plain record (keys are arches and versions: a null-prototype object). */
function scaled(map: ReadonlyMap<string, number>, share: number): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const [k, n] of map) out[k] = Math.round(n * share);
  return out;
}

export function dryRunPromotion(config: AppConfig, counters: Readonly<Record<string, number>>, channel: ChannelRecord, input: PromoteInput): DryRun {
  const below = nodesBelow(counters, channel.name, input.version);
  const eligible = total(below.values());
  const arches = channelArchCounts(counters, channel.name);
  const inChannel = total(arches.values());
  // Arch counts cover every node of the channel; the eligible ones are assumed spread alike.
  const archBelow = new Map([...arches].map(([a, n]) => [a, inChannel > 0 ? (n * eligible) / inChannel : 0]));
  const gaps = missingArches(config, counters, channel.name, input.version);
  const groups = config.groups.filter((g) => g.channel === channel.name).map((g) => ({ group: g.id, track: g.track }));
  if (!config.groups.some((g) => g.track === channel.name)) groups.push({ group: channel.name, track: channel.name });
  return {
    dryRun: true,
    channel: channel.name,
    version: input.version,
    previous: channel.version,
    groups,
    eligible,
    steps: percentsOf(input).map((percent) => ({
      percent,
      nodes: Math.round((eligible * percent) / 100),
      byArch: scaled(archBelow, percent / 100),
      byVersion: scaled(below, percent / 100),
    })),
    missingArches: gaps,
    refused: promotionRefusal(config, channel, input, gaps)?.message ?? null,
  };
}
