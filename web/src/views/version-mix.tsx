// A channel's nodes by version over time (GET …/series), in a uPlot chart with a range picker.
// Hidden when the server keeps no series (an older Platte answers 404).
import { useState } from 'preact/hooks';
import { request, seg } from '../api/client.ts';
import { TimeChart, type ChartSeries } from '../components/time-chart.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { useData } from '../state/use-data.ts';

interface SeriesAnswer {
  points: { at: number; counts: Record<string, number> }[];
}


function toChart(answer: SeriesAnswer): { times: number[]; series: ChartSeries[] } {
  const names = [...new Set(answer.points.flatMap((p) => Object.keys(p.counts)))].sort();
  return {
    times: answer.points.map((p) => Math.round(p.at / 1000)),
    series: names.map((label) => ({ label, values: answer.points.map((p) => p.counts[label] ?? 0) })),
  };
}

export function VersionMix({ app, channel }: { app: string; channel: string }) {
  const [range, setRange] = useState<string>('1h');
  const { data, error } = useData(
    () => request<SeriesAnswer>(`/apps/${seg(app)}/series`, { query: { dimension: 'channel', name: channel, by: 'version', range } }).then(toChart),
    [app, channel, range],
  );
  if (error?.status === 404) return null;
  return (
    <section class="panel" aria-labelledby="mix-h">
      <div class="section-head">
        <h2 id="mix-h">Versions over time</h2>
        <RangePicker range={range} onPick={setRange} label="Time range" />
      </div>
      {data && data.times.length > 1 ? (
        <TimeChart times={data.times} series={data.series} label={`nodes of ${channel} by version over ${range}`} />
      ) : (
        <p class="muted small">{error ? error.message : 'Not enough points yet: one is taken every minute.'}</p>
      )}
    </section>
  );
}
