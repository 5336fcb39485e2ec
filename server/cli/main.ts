// The `platte` command.
import { Command, CommanderError } from 'commander';
import { registerLocksCommand } from '../../coordinator/cli.ts';
import { registerDemoCommand, registerSimCommand } from '../../client-sim/cli.ts';
import { CliError } from './client.ts';
import { registerOpenApiCommand, registerReleaseCommands } from './release.ts';
import { registerServeCommand } from './serve-command.ts';

const program = new Command('platte')
  .description('Omaha update server and fleet reboot coordinator for Flatcar / CoreOS nodes')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerReleaseCommands(program);
registerOpenApiCommand(program);
registerLocksCommand(program);
registerSimCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError) {
    process.stderr.write(`platte: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  throw err;
}
