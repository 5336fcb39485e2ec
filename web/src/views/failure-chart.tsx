// A rollout's failures against its halt threshold over time (GET …/series?dimension=rollout): the
// failure rate in % against haltOn.failurePercent, or the failed count against haltOn.failures when
// the plan halts on a count only, with the numbers now in words under it. The series counts every
// failure since the start; the words use the rollout view, whose count is what the halt rule holds
// against the threshold now (failures acknowledged before left out, and said so). Hidden when the server
// keeps no series (an older Platte answers 404).
import { useState } from 'preact/hooks';
import { request, seg } from '../api/client.ts';
import type { Rollout } from '../api/types.ts';
import { TimeChart, type ChartSeries } from '../components/time-chart.tsx';
import { CHART_RANGES, RangePicker } from '../components/range-picker.tsx';
import { count } from '../components/format.ts';
import { serverNow } from '../state/clock.ts';
import { useData } from '../state/use-data.ts';

/** One point of dimension=rollout: the rollout's counts as the halt rule reads them. */
export interface RolloutSeriesCounts {
  granted: number;
  failed: number;
  error: number;
  timeout: number;
  reverted: number;
  'lease-expired': number;
}

export interface RolloutSeriesAnswer {
  resolution: 'minute' | 'hour';
  from: number;
  to: number;
  points: { at: number; counts: RolloutSeriesCounts }[];
}

/** What the line is held against: a percentage of granted nodes, or a count of failed ones. */
type Rule = { kind: 'percent'; limit: number | null } | { kind: 'count'; limit: number };

/** The server's MIN_GRANTED_FOR_PERCENT (domain/rollout/halt.ts): a percentage halts from 10 granted on. */
const MIN_GRANTED_FOR_PERCENT = 10;

const HOUR = 3_600_000;
const STEP = { minute: 60_000, hour: HOUR } as const;

/** The shortest range that holds the whole rollout so far. */
function rangeFor(startedAt: number, now: number): string {
  const age = now - startedAt;
  return CHART_RANGES.find(([, , span]) => age <= span)?.[0] ?? '30d';
}

/** The percentage when the plan has one (also when it has a count too), else the count, else no line. */
function ruleOf(haltOn: Rollout['plan']['haltOn']): Rule {
  if (haltOn.failurePercent !== undefined) return { kind: 'percent', limit: haltOn.failurePercent };
  if (haltOn.failures !== undefined) return { kind: 'count', limit: haltOn.failures };
  return { kind: 'percent', limit: null };
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

function toChart(answer: RolloutSeriesAnswer, rule: Rule, startedAt: number): { times: number[]; series: ChartSeries[] } {
  // Points of the rollout only: a step that ended before it started holds nothing of it.
  const points = answer.points.filter((p) => p.at + STEP[answer.resolution] > startedAt);
  const value = (c: RolloutSeriesCounts) =>
    rule.kind === 'count' ? c.failed : c.granted > 0 ? oneDecimal((c.failed / c.granted) * 100) : null;
  const series: ChartSeries[] = [{ label: rule.kind === 'count' ? 'failed nodes' : 'failure rate (%)', values: points.map((p) => value(p.counts)) }];
  if (rule.limit !== null) {
    const label = rule.kind === 'count' ? `halt threshold (${rule.limit} failures)` : `halt threshold (${rule.limit} %)`;
    series.push({ label, values: points.map(() => rule.limit), color: '--bad', dash: [6, 4] });
  }
  return { times: points.map((p) => Math.round(p.at / 1000)), series };
}

/** "3 of 120 granted failed (2.5 %); halts at 10 %", from the rollout view: the halt rule's numbers now. */
export function failureSummary(r: Rollout): string {
  const { failurePercent, failures } = r.plan.haltOn;
  const failed = r.failures.counted;
  const granted = r.counts.granted;
  const rate = granted > 0 ? ` (${oneDecimal((failed / granted) * 100)} %)` : '';
  const limits = [failurePercent !== undefined && `${failurePercent} %`, failures !== undefined && `${failures} failures`].filter(Boolean);
  const parts = [`${count(failed)} of ${count(granted)} granted failed${rate}`];
  parts.push(limits.length ? `halts at ${limits.join(' or ')}` : 'this plan never halts on failures');
  if (failurePercent !== undefined && granted < MIN_GRANTED_FOR_PERCENT) parts.push(`the percentage counts from ${MIN_GRANTED_FOR_PERCENT} granted nodes on`);
  const acknowledged = r.failures.total - failed;
  // A resume (or a new start of the version) acknowledges the failures so far: shouldHalt no longer
  // counts them, the series does.
  if (acknowledged > 0) {
    const one = acknowledged === 1;
    parts.push(`${count(acknowledged)} earlier failure${one ? ' is' : 's are'} not held against the threshold; the chart still counts ${one ? 'it' : 'them'}`);
  }
  return parts.join('; ');
}

export function FailureChart({ app, r }: { app: string; r: Rollout }) {
  const [range, setRange] = useState<string>(() => rangeFor(r.startedAt, serverNow()));
  const rule = ruleOf(r.plan.haltOn);
  const { data, error } = useData(
    () =>
      request<RolloutSeriesAnswer>(`/apps/${seg(app)}/series`, { query: { dimension: 'rollout', name: r.channel, version: r.version, range } }).then((a) =>
        toChart(a, rule, r.startedAt),
      ),
    [app, r.channel, r.version, r.startedAt, range, rule.kind, rule.limit],
  );
  if (error?.status === 404) return null;
  const what = rule.kind === 'count' ? 'failed nodes' : 'failure rate';
  const against = rule.limit === null ? 'no halt threshold' : `the halt threshold of ${rule.limit}${rule.kind === 'count' ? ' failures' : ' %'}`;
  return (
    <section class="panel failure-chart" aria-labelledby="failure-chart-h">
      <div class="section-head">
        <h2 id="failure-chart-h">Failures against the halt threshold</h2>
        <RangePicker range={range} onPick={setRange} label="Time range of the failure chart" />
      </div>
      {data && data.times.length > 1 ? (
        <TimeChart times={data.times} series={data.series} label={`${what} of ${r.version} on ${r.channel} against ${against}, over ${range}`} />
      ) : (
        <p class="muted small failure-chart-empty">
          {error ? error.message : data?.times.length === 1 ? 'Only one point yet: one is taken every minute.' : 'No points of this rollout yet: one is taken every minute.'}
        </p>
      )}
      <p class="failure-chart-now">{failureSummary(r)}</p>
    </section>
  );
}
