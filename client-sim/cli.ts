// `platte sim` and `platte demo` (being built: the commands are registered, the runner follows).
import type { Command } from 'commander';
import { CliError } from '../server/cli/client.ts';

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run a simulated fleet of Flatcar nodes against a Platte server')
    .action(() => {
      throw new CliError('platte sim: not implemented yet');
    });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start Platte with a demo app and a simulated fleet')
    .action(() => {
      throw new CliError('platte demo: not implemented yet');
    });
}
