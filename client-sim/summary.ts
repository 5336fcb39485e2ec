// The summary of a fleet run, shaped from FleetStats' counters: what `platte sim` prints (report.ts)
// and writes as JSON, and what tests and benches read.
import { errorName } from './error-names.ts';
import { nonZero, type FleetStats, type Histogram } from './stats.ts';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface EndpointSummary {
  count: number;
  /** Requests that got no answer (refused, reset, timed out). */
  noAnswer: number;
  /** HTTP status → count. */
  statuses: Record<string, number>;
  /** Milliseconds, answered requests only. */
  latencyMs: LatencySummary;
}

export interface SimSummary {
  server: string;
  nodes: number;
  /** Seed of the run: the same seed and options give the same fleet. */
  seed: number;
  /** Every node settled (updated, gave up, lost, or installed with reboots off). */
  completed: boolean;
  stopReason: 'settled' | 'duration' | 'interrupted' | 'done';
  /** Speed asked for, and the speed reached (simulated / real seconds; lower when saturated). */
  speed: number;
  effectiveSpeed: number;
  simulatedSeconds: number;
  realSeconds: number;
  /** Simulated seconds until every node settled; null when they did not. */
  timeToComplete: number | null;
  versions: Record<string, number>;
  states: Record<string, number>;
  updatesCompleted: number;
  /** update_engine error code (flag stripped) → number of 3/0 events sent with it. */
  failures: Record<string, number>;
  failureNames: Record<string, string>;
  /** Reboot group → most nodes rebooting at once. */
  maxConcurrentReboots: Record<string, number>;
  /** Reboot group → nodes still rebooting at the end (lost nodes stay here). */
  rebootingAtEnd: Record<string, number>;
  /** FleetLock refusals: error kind → count. */
  lockRefusals: Record<string, number>;
  requests: {
    total: number;
    perSecond: number;
    byEndpoint: Record<string, EndpointSummary>;
  };
  /** How late nodes were woken, in simulated seconds: high values mean the sim was saturated. */
  lateSeconds: LatencySummary;
}

/** What the counters do not know: the run around them. */
export interface SummaryInfo {
  server: string;
  nodes: number;
  seed: number;
  speed: number;
  stopReason: SimSummary['stopReason'];
  simNow: number;
  realNow: number;
  completedAt: number | null;
}

export function summarize(stats: FleetStats, info: SummaryInfo): SimSummary {
  const realSeconds = (info.realNow - stats.startReal) / 1000;
  const byEndpoint: Record<string, EndpointSummary> = {};
  for (const [name, e] of [...stats.endpoints].sort(([a], [b]) => a.localeCompare(b))) {
    byEndpoint[name] = {
      count: e.count,
      noAnswer: e.noAnswer,
      statuses: Object.fromEntries([...e.statuses].map(([k, v]) => [String(k), v])),
      latencyMs: latency(e.latency, 1000),
    };
  }
  const failures: Record<string, number> = {};
  const failureNames: Record<string, string> = {};
  for (const [code, n] of [...stats.failures].sort(([a], [b]) => a - b)) {
    failures[String(code)] = n;
    failureNames[String(code)] = errorName(code);
  }
  const simulatedSeconds = Math.round((info.simNow - stats.startSim) / 1000);
  return {
    server: info.server,
    nodes: info.nodes,
    seed: info.seed,
    completed: stats.settled === info.nodes,
    stopReason: info.stopReason,
    speed: info.speed,
    effectiveSpeed: realSeconds > 0 ? Math.round(simulatedSeconds / realSeconds) : 0,
    simulatedSeconds,
    realSeconds: Math.round(realSeconds * 1000) / 1000,
    timeToComplete: info.completedAt === null ? null : Math.round((info.completedAt - stats.startSim) / 1000),
    versions: Object.fromEntries([...stats.versions].sort(([a], [b]) => a.localeCompare(b))),
    states: nonZero(stats.states),
    updatesCompleted: stats.updatesCompleted,
    failures,
    failureNames,
    maxConcurrentReboots: stats.maxConcurrentReboots(),
    rebootingAtEnd: nonZero(stats.rebooting),
    lockRefusals: Object.fromEntries(stats.lockRefusals),
    requests: {
      total: stats.requests,
      perSecond: realSeconds > 0 ? Math.round(stats.requests / realSeconds) : 0,
      byEndpoint,
    },
    lateSeconds: latency(stats.lateness, 1000),
  };
}

function latency(h: Histogram, scale: number): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const r = (v: number) => Math.round((v / scale) * 1000) / 1000;
  return {
    p50: r(h.getValueAtPercentile(50)),
    p90: r(h.getValueAtPercentile(90)),
    p99: r(h.getValueAtPercentile(99)),
    max: r(h.maxValue),
    mean: r(h.mean),
  };
}
