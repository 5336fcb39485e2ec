// What `platte sim` does once its flags are parsed: validate them into SimOptions and run the
// fleet. Loaded only when the command runs, so registering `platte sim` stays cheap.
import { randomInt } from 'node:crypto';
import { CliError } from '../kernel/cli/client.ts';
import { faults, mixes, OptionError, parseDuration, parseNumber, parseRange, parseUrl } from './options.ts';
import { runSim, SimError, type SimOptions } from './runner.ts';

/** The flags of `platte sim` as commander hands them over (text, before validation). */
export interface SimFlags {
  server: string;
  fleetlock?: string;
  nodes: string;
  speed: string;
  app: string;
  fromVersion: string;
  track: string;
  group: string;
  board: string;
  oem: string;
  rebootStrategy: string;
  fail: string;
  flaky?: boolean;
  giveUpAfter: string;
  seed?: string;
  duration: string;
  keepPolling?: boolean;
  concurrency: string;
  rate?: string;
  timeout: string;
  bootSpread: string;
  bootTime: string;
  installTime: string;
  bandwidth: string;
  fresh?: boolean;
  fetch: boolean;
  json?: string;
  progress: boolean;
}

/** Flags → SimOptions; throws OptionError naming the flag. */
function simOptionsFrom(f: SimFlags): SimOptions {
  const [bwLo, bwHi] = f.bandwidth.split('-').map((x) => parseNumber(x, '--bandwidth', { min: 0.001 }));
  return {
    server: parseUrl(f.server, '--server'),
    ...(f.fleetlock ? { fleetlock: parseUrl(f.fleetlock, '--fleetlock') } : {}),
    nodes: parseNumber(f.nodes, '--nodes', { int: true, min: 1, max: 2_000_000 }),
    speed: parseNumber(f.speed, '--speed', { min: 0.001, max: 1e9 }),
    appId: f.app,
    versions: mixes.versions(f.fromVersion),
    tracks: mixes.tracks(f.track),
    groups: mixes.groups(f.group),
    boards: mixes.boards(f.board),
    oems: mixes.oems(f.oem),
    strategies: mixes.strategies(f.rebootStrategy),
    faults: faults(f.fail),
    seed: f.seed === undefined ? randomInt(1, 2 ** 31 - 1) : parseNumber(f.seed, '--seed', { int: true, min: 0, max: 2 ** 31 - 1 }),
    durationSeconds: parseDuration(f.duration, '--duration'),
    keepPolling: f.keepPolling === true,
    concurrency: parseNumber(f.concurrency, '--concurrency', { int: true, min: 1, max: 10_000 }),
    ...(f.rate !== undefined ? { rate: parseNumber(f.rate, '--rate', { min: 1 }) } : {}),
    timeoutMs: parseDuration(f.timeout, '--timeout') * 1000,
    bootSpreadSeconds: parseDuration(f.bootSpread, '--boot-spread'),
    fresh: f.fresh === true,
    profile: {
      bootSeconds: parseRange(f.bootTime, '--boot-time'),
      installSeconds: parseRange(f.installTime, '--install-time'),
      bandwidth: [bwLo! * 1e6, (bwHi ?? bwLo!) * 1e6],
      giveUpAfter: parseNumber(f.giveUpAfter, '--give-up-after', { int: true, min: 1 }),
      stickyFaults: f.flaky !== true,
      fetchLocal: f.fetch,
    },
    ...(f.json ? { jsonFile: f.json } : {}),
  };
}

/** Ctrl-C once: stop and summarise; twice: leave at once. */
function interruptible(): { signal: AbortSignal; done(): void } {
  const ac = new AbortController();
  let count = 0;
  const onSigint = () => {
    if (++count > 1) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, done: () => process.off('SIGINT', onSigint) };
}

export async function runSimCommand(flags: SimFlags): Promise<void> {
  let opts: SimOptions;
  try {
    opts = simOptionsFrom(flags);
  } catch (err) {
    if (err instanceof OptionError) throw new CliError(`platte sim: ${err.message}`, 2);
    throw err;
  }
  const stop = interruptible();
  try {
    await runSim(opts, { out: process.stdout, err: process.stderr, progress: flags.progress, signal: stop.signal });
  } catch (err) {
    if (err instanceof SimError) throw new CliError(err.message, 1);
    throw err;
  } finally {
    stop.done();
  }
}
