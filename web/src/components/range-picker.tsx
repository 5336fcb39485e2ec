// The time ranges a chart of the series offers (the API's range values up to 30 days) and the
// segmented buttons that pick one; the chart's own name goes in the group's accessible name.

const HOUR = 3_600_000;

/** value, words, span in ms. */
export const CHART_RANGES = [
  ['1h', '1 hour', HOUR],
  ['1d', '1 day', 24 * HOUR],
  ['7d', '7 days', 7 * 24 * HOUR],
  ['30d', '30 days', 30 * 24 * HOUR],
] as const;
export type ChartRange = (typeof CHART_RANGES)[number][0];

export function RangePicker({ range, onPick, label }: { range: string; onPick: (r: ChartRange) => void; label: string }) {
  return (
    <div class="segmented" role="group" aria-label={label}>
      {CHART_RANGES.map(([value, words]) => (
        <button key={value} type="button" aria-pressed={range === value} onClick={() => onPick(value)} title={words}>
          {value}
        </button>
      ))}
    </div>
  );
}
