// `platte sim` without the command line: probe the server, build the fleet, show progress, run,
// print and write the summary. Used by the CLI, the demo and the tests.
import { writeFile } from 'node:fs/promises';
import { Fleet, type FleetSpec, type RunResult } from './fleet.ts';
import { HttpClient } from './http.ts';
import type { NodeProfile } from './node-types.ts';
import { probeServer, ProbeError } from './probe.ts';
import { startDisplay } from './display.ts';
import { formatSummary } from './report.ts';
import { SimClock } from './sim-clock.ts';
import type { Sample } from './stats.ts';
import type { SimSummary } from './summary.ts';
import { ServerProblem } from './transport.ts';

/** The fleet (FleetSpec's mixes, faults and seed) plus how to run it. */
export interface SimOptions extends Omit<FleetSpec, 'fresh' | 'bootSpread' | 'profile'> {
  server: string;
  fleetlock?: string;
  speed: number;
  /** Simulated seconds; the run stops then at the latest. */
  durationSeconds: number;
  keepPolling: boolean;
  concurrency: number;
  rate?: number;
  timeoutMs: number;
  bootSpreadSeconds: number;
  fresh: boolean;
  profile: Partial<NodeProfile>;
  /** Write `{ summary, timeSeries }` here. */
  jsonFile?: string;
  sampleEverySeconds?: number;
}

export interface SimIO {
  /** Where the summary goes. */
  out: NodeJS.WritableStream;
  /** Where the live display goes (only drawn when it is a TTY and `progress` is on). */
  err: NodeJS.WriteStream;
  progress: boolean;
  signal?: AbortSignal;
  /** A clock to share with an in-process server (tests, demo); made from `speed` otherwise. */
  clock?: SimClock;
  /**
   * Work that runs next to the fleet once it runs (the demo's rollout rules, on the fleet's clock):
   * the run ends (stopReason `done`) when it resolves, and fails when it fails. `stopped` fires
   * when the run ended first (its duration, Ctrl-C, the server failing).
   */
  beside?: (fleet: Fleet, stopped: AbortSignal) => Promise<void>;
}

export interface SimReport {
  summary: SimSummary;
  timeSeries: Sample[];
}

/** Problems worth a clear message and a non-zero exit. */
export class SimError extends Error {}

export async function runSim(opts: SimOptions, io: SimIO): Promise<SimReport> {
  await probe(opts);
  const fleet = buildFleet(opts, io.clock ?? new SimClock(opts.speed));
  const display = io.progress ? startDisplay(fleet, io.err) : { stop() {} };
  const stopped = new AbortController();
  let beside: Promise<void> = Promise.resolve();
  let result: RunResult;
  try {
    const running = fleet.run({
      durationMs: opts.durationSeconds * 1000,
      keepPolling: opts.keepPolling,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    beside = besideTheFleet(io, fleet, stopped.signal);
    // Handled now (it may fail long before the run is over); its error is rethrown after the run.
    beside.catch(() => undefined);
    result = await running;
  } catch (err) {
    if (err instanceof ServerProblem) throw new SimError(err.message);
    throw err;
  } finally {
    stopped.abort();
    await beside.catch(() => undefined);
    display.stop();
    fleet.close();
  }
  await beside;
  const report: SimReport = { summary: fleet.summary(result), timeSeries: fleet.stats.samples };
  io.out.write(formatSummary(report.summary));
  if (opts.jsonFile) {
    await writeFile(opts.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    io.out.write(`Summary and time series written to ${opts.jsonFile}\n`);
  }
  return report;
}

/** Starts `io.beside`; the fleet's run ends when it is over, whichever way. */
function besideTheFleet(io: SimIO, fleet: Fleet, stopped: AbortSignal): Promise<void> {
  if (!io.beside) return Promise.resolve();
  return io.beside(fleet, stopped).then(
    () => fleet.end(),
    (err: unknown) => {
      fleet.end();
      throw err;
    },
  );
}

/** One request before building the fleet: a wrong URL or a foreign server fails fast and clearly. */
async function probe(opts: SimOptions): Promise<void> {
  const probeHttp = new HttpClient({ maxSockets: 1, timeoutMs: Math.min(opts.timeoutMs, 10_000) });
  try {
    await probeServer(probeHttp, opts.server, opts.appId);
  } catch (err) {
    if (err instanceof ProbeError) throw new SimError(err.message);
    throw err;
  } finally {
    probeHttp.close();
  }
}

function buildFleet(opts: SimOptions, clock: SimClock): Fleet {
  return new Fleet(
    {
      nodes: opts.nodes,
      appId: opts.appId,
      versions: opts.versions,
      tracks: opts.tracks,
      groups: opts.groups,
      boards: opts.boards,
      oems: opts.oems,
      strategies: opts.strategies,
      faults: opts.faults,
      seed: opts.seed,
      fresh: opts.fresh,
      bootSpread: opts.bootSpreadSeconds,
      profile: opts.profile,
    },
    {
      server: opts.server,
      ...(opts.fleetlock ? { fleetlock: opts.fleetlock } : {}),
      clock,
      concurrency: opts.concurrency,
      ...(opts.rate ? { rate: opts.rate } : {}),
      timeoutMs: opts.timeoutMs,
      ...(opts.sampleEverySeconds ? { sampleEverySeconds: opts.sampleEverySeconds } : {}),
    },
  );
}
