// A time chart drawn by uPlot: one line per series over shared times (seconds). Sized to its box,
// redrawn with new data without being rebuilt, coloured from the page's theme.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A theme colour by its custom property (`--bad`), so a line that means something keeps its colour; default: the palette's next. */
  color?: string;
  /** Canvas dash pattern (`[6, 4]`), for a line that marks a limit rather than data. */
  dash?: number[];
}

export interface TimeChartProps {
  /** Seconds since the epoch. */
  times: number[];
  series: ChartSeries[];
  /** Names the chart for screen readers. */
  label: string;
  height?: number;
}

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#64748b', '#db2777'];

const themeColor = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

function options(series: ChartSeries[], width: number, height: number): uPlot.Options {
  const axis = themeColor('--fg-muted', '#64748b');
  const grid = themeColor('--line', '#e2e8f0');
  const axisStyle = { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axisStyle, { ...axisStyle, size: 50 }],
    series: [
      {},
      ...series.map((s, i) => {
        const palette = PALETTE[i % PALETTE.length]!;
        const stroke = s.color ? themeColor(s.color, palette) : palette;
        return { label: s.label, stroke, width: 2, points: { show: false }, ...(s.dash ? { dash: s.dash } : {}) };
      }),
    ],
  };
}

export function TimeChart({ times, series, label, height = 220 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');
  const data = (): uPlot.AlignedData => [times, ...series.map((s) => s.values)];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(series, el.clientWidth || 600, height), data(), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data());
  }, [times, series]);

  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
