// Reading a series costs the same at any fleet size: the series holds counts, so a 30-day read for
// an app of a million nodes reads as many points, with as many keys, as for one of 10,000. Seeds
// two apps' series directly (the snapshot job's data, fast path: no nodes check in) with the same
// channels, groups, versions and statuses, a rollout moving through them over time, counts scaled
// to 10,000 and to 1,000,000 nodes; then times reads through the API's read path and prints the
// median per query and the ratio 1M / 10k (goal: about 1, flat in fleet size).
// Run: node --import tsx bench/series-read.ts [embedded|redis|both] [reads per query]
import { closeBackend, openMemoryBackend, openRedisBackend, type Backend } from '../kernel/storage/backend.ts';
import { parseSeriesQuery } from '../server/series/query.ts';
import { readSeries } from '../server/series/read.ts';
import { encodeSnapshot } from '../server/series/points.ts';
import { openSeriesStore } from '../server/series/store/open.ts';
import { HOUR_MS, MINUTE_MS, type SeriesStore } from '../server/series/types.ts';
import { startRedis } from '../tests/helpers/redis-server.ts';

const WHICH = process.argv[2] ?? 'both';
const READS = Number(process.argv[3] ?? 40);
const FLEETS = [10_000, 1_000_000];
const NOW = Date.UTC(2026, 10, 25, 12);
const CHANNELS = ['stable', 'beta', 'alpha'];
const GROUPS = Array.from({ length: 10 }, (_, i) => `group-${i}`);
const QUERIES = ['dimension=version&range=30d', 'dimension=channel&name=stable&by=status&range=30d', 'dimension=status&range=2d', 'dimension=group&range=7d'];

/** The fleet's counters at `progress` (0…1) of a rollout from 3510.2.0 to 3602.2.0. */
function counters(nodes: number, progress: number): Record<string, number> {
  const out: Record<string, number> = {};
  const per = nodes / (CHANNELS.length * GROUPS.length);
  const states: [string, string, number][] = [
    ['3510.2.0', 'up-to-date', 1 - progress],
    ['3510.2.0', 'granted', progress * 0.02],
    ['3510.2.0', 'downloading', progress * 0.01],
    ['3510.2.0', 'installed', progress * 0.01],
    ['3510.2.0', 'error', progress * 0.005],
    ['3602.2.0', 'complete', progress * 0.955],
  ];
  for (const channel of CHANNELS) {
    for (const group of GROUPS) {
      for (const [version, status, share] of states) {
        const n = Math.round(per * share);
        if (n === 0) continue;
        out[`c/${channel}/${version}|${status}`] = (out[`c/${channel}/${version}|${status}`] ?? 0) + n;
        out[`g/${group}/${version}|${status}`] = (out[`g/${group}/${version}|${status}`] ?? 0) + n;
      }
    }
  }
  return out;
}

/** 30 days of hour points and the last 2 days of minute points, as the snapshot job leaves them. */
async function seed(series: SeriesStore, appId: string, nodes: number): Promise<void> {
  const start = NOW - 30 * 24 * HOUR_MS;
  const steps: number[] = [];
  for (let t = start; t < NOW - 2 * 24 * HOUR_MS; t += HOUR_MS) steps.push(t + HOUR_MS - MINUTE_MS);
  for (let t = NOW - 2 * 24 * HOUR_MS; t <= NOW; t += MINUTE_MS) steps.push(t);
  for (let i = 0; i < steps.length; i += 200) {
    await Promise.all(steps.slice(i, i + 200).map((t) => series.write(appId, t, encodeSnapshot(counters(nodes, (t - start) / (NOW - start))))));
  }
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function run(kind: 'embedded' | 'redis', backend: Backend): Promise<void> {
  const series = openSeriesStore(backend);
  for (const nodes of FLEETS) await seed(series, `app-${nodes}`, nodes);
  console.log(`\n${kind} store: median of ${READS} reads (ms)`);
  console.log(['query'.padEnd(52), ...FLEETS.map((n) => `${n.toLocaleString('en')} nodes`.padStart(16)), 'ratio 1M/10k'.padStart(14), 'points'.padStart(8)].join(''));
  for (const query of QUERIES) {
    const q = parseSeriesQuery(Object.fromEntries(new URLSearchParams(query)));
    const times: number[] = [];
    let points = 0;
    for (const nodes of FLEETS) {
      times.push(await median(() => readSeries(series, `app-${nodes}`, q, NOW)));
      points = (await readSeries(series, `app-${nodes}`, q, NOW)).points.length;
    }
    const ratio = times[1]! / times[0]!;
    console.log([query.padEnd(52), ...times.map((t) => t.toFixed(2).padStart(16)), ratio.toFixed(2).padStart(14), String(points).padStart(8)].join(''));
  }
}

if (WHICH === 'embedded' || WHICH === 'both') {
  const backend = openMemoryBackend();
  await run('embedded', backend);
  await closeBackend(backend);
}
if (WHICH === 'redis' || WHICH === 'both') {
  const server = await startRedis();
  const backend = await openRedisBackend(server.url, 'bench');
  try {
    await run('redis', backend);
  } finally {
    await closeBackend(backend);
    await server.cleanup();
  }
}
