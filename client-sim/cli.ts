// `platte sim`: a simulated fleet against a running server. Only the flags and their help live
// here; the simulator is loaded when the command runs (sim-action.ts).
import { Option, type Command } from 'commander';
import { FLATCAR_APP_ID_BRACED } from '../protocol/omaha/appid.ts';
import type { SimFlags } from './sim-action.ts';

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
    .option('--app <id>', 'Omaha app id the nodes send', FLATCAR_APP_ID_BRACED)
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
      const { runSimCommand } = await import('./sim-action.ts');
      await runSimCommand(flags);
    });
}
