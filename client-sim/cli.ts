// `platte sim` (a simulated fleet against a running server) and `platte demo` (Platte, a release
// and a fleet in one command).
import { randomInt } from 'node:crypto';
import { Option, type Command } from 'commander';
import { CliError } from '../kernel/cli/client.ts';
import { FLATCAR_APP_ID } from './omaha-request.ts';
import { faults, mixes, OptionError, parseDuration, parseNumber, parseRange, parseUrl } from './options.ts';
import { runSim, SimError, type SimOptions } from './runner.ts';

interface SimFlags {
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
export function simOptionsFrom(f: SimFlags): SimOptions {
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

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description(
      'run a simulated fleet of Flatcar nodes (update_engine + a reboot strategy) against a Platte server, ' +
        'until every node runs the channel\'s version or gave up; mixes are "value" or "a:70,b:30"',
    )
    .addOption(new Option('--server <url>', 'Platte base URL (Omaha and FleetLock)').env('PLATTE_URL').default('http://127.0.0.1:8080'))
    .option('--fleetlock <url>', 'FleetLock base URL when it is not --server')
    .option('--nodes <n>', 'number of nodes', '1000')
    .option('--speed <x>', 'simulated time runs up to x times faster than real time (600 = 1 h per 6 s)', '600')
    .option('--app <id>', 'Omaha app id the nodes send', FLATCAR_APP_ID)
    .option('--from-version <mix>', 'version(s) the nodes run at start', '3374.2.0')
    .option('--track <mix>', 'track(s) the nodes send (Platte groups map tracks to channels)', 'stable')
    .option('--group <mix>', 'FleetLock reboot group(s)', 'default')
    .option('--board <mix>', 'board(s): amd64-usr, arm64-usr', 'amd64-usr')
    .option('--oem <mix>', 'OEM id(s)', 'qemu')
    .option('--reboot-strategy <mix>', 'reboot (at once), off (never), fleetlock (take a slot first)', 'fleetlock')
    .option('--fail <shares>', 'percent of nodes per fault: download, hash, size, install, rollback, no-return, slow-return, network (e.g. download:2,no-return:0.5)', '')
    .option('--flaky', 'faults fail only the first attempt (default: every attempt)')
    .option('--give-up-after <n>', 'failed update attempts in a row after which a node stops', '3')
    .option('--seed <n>', 'seed for a reproducible fleet (default: random, printed in the summary)')
    .option('--duration <d>', 'stop after this much simulated time at the latest (90m, 12h, 3d)', '7d')
    .option('--keep-polling', 'keep the fleet checking in until --duration even when every node settled (load generation)')
    .option('--concurrency <n>', 'most requests in flight at once', '64')
    .option('--rate <n>', 'most requests started per second (load generation)')
    .option('--timeout <d>', 'real time before a request without an answer is given up', '30s')
    .option('--boot-spread <d>', 'spread the first boots over this much simulated time', '0')
    .option('--boot-time <range>', 'how long a reboot takes (simulated)', '30s-90s')
    .option('--install-time <range>', 'how long installing takes (simulated)', '1m-3m')
    .option('--bandwidth <range>', 'download speed in MB/s (simulated)', '5-50')
    .option('--fresh', 'nodes are fresh installs (first check says previousversion="0.0.0.0")')
    .option('--no-fetch', 'never download payloads, even from a file server on this machine')
    .option('--json <file>', 'write the summary and a time series as JSON')
    .option('--no-progress', 'no live display')
    .action(async (flags: SimFlags) => {
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
    });
}
