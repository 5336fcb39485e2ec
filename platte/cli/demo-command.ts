// `platte demo`: Platte on the embedded store plus a simulated fleet upgrading through it in a
// rollout's steps, both on one simulated clock. The demo's code (server, simulator, zod) is loaded
// only when the command runs.
import type { Command } from 'commander';

interface DemoFlags {
  nodes: string;
  speed: string;
  port: string;
  host: string;
  dataDir?: string;
  groups: string;
  slots: string;
  fail: string;
  seed: string;
  exit?: boolean;
  progress: boolean;
  rollout: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start Platte on the embedded store with the Flatcar app and two versions, promote the new one with a ' +
        'rollout in steps (10 % soak 1h, 50 % soak 2h, 100 % soak 1h; halt at 20 % failed), then upgrade a ' +
        'simulated fleet through FleetLock reboot slots (no Redis, no network). Platte runs on the simulated ' +
        "clock, so soaks, leases and the halt rule count simulated time; the dashboard's rollout page " +
        '(/rollouts/<app>/stable, printed at the start) shows the steps opening. The run ends once the rollout ' +
        'completed and every node that could took the version, or the rollout halted or was aborted',
    )
    .option('--nodes <n>', 'simulated nodes', '2000')
    // 100×: an hour's soak takes 36 s and "5 min ago" on the dashboard moves every 3 s, slow enough
    // to read and fast enough that the whole rollout fits in a few minutes.
    .option('--speed <x>', 'simulated time (and Platte\'s clock) runs up to x times faster than real time', '100')
    .option('--port <port>', 'port for Platte (0 = any free port)', '8080')
    .option('--host <host>', 'address Platte listens on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded store lives (default: a new temporary directory)')
    .option('--groups <list>', 'FleetLock reboot groups the nodes are spread over', 'web,db,workers,batch')
    .option('--slots <n>', 'nodes of a group that may reboot at once', '5')
    .option('--fail <shares>', 'percent of nodes per fault (see platte sim --help)', 'download:1,install:0.5,slow-return:1,no-return:0.1')
    .option('--seed <n>', 'seed of the fleet', '1')
    .option('--exit', 'stop Platte once the fleet is done (default: keep serving until Ctrl-C)')
    .option('--no-progress', 'no live display')
    .option('--no-rollout', 'promote to every node at once instead of in steps')
    .action(async (flags: DemoFlags) => {
      const { OptionError, faults, mixes, parseNumber } = await import('../../client-sim/options.ts');
      const { SimError } = await import('../../client-sim/runner.ts');
      const { CliError } = await import('../../kernel/cli/client.ts');
      const { StartupError } = await import('../startup.ts');
      const { runDemo } = await import('../demo.ts');
      try {
        await runDemo({
          nodes: parseNumber(flags.nodes, '--nodes', { int: true, min: 1, max: 200_000 }),
          speed: parseNumber(flags.speed, '--speed', { min: 1, max: 1e9 }),
          port: parseNumber(flags.port, '--port', { int: true, min: 0, max: 65535 }),
          host: flags.host,
          ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
          groups: mixes.groups(flags.groups.split(',').join(',')).map((g) => g.value),
          slots: parseNumber(flags.slots, '--slots', { int: true, min: 1, max: 10_000 }),
          faults: faults(flags.fail),
          seed: parseNumber(flags.seed, '--seed', { int: true, min: 0, max: 2 ** 31 - 1 }),
          exitWhenDone: flags.exit === true,
          progress: flags.progress,
          rollout: flags.rollout,
        });
      } catch (err) {
        if (err instanceof OptionError) throw new CliError(`platte demo: ${err.message}`, 2);
        if (err instanceof StartupError) throw new CliError(err.message, 2);
        if (err instanceof SimError) throw new CliError(err.message, 1);
        throw err;
      }
    });
}
