// The `platte` command.
import { Command, CommanderError } from 'commander';
import { registerLocksCommand } from '../../coordinator/cli.ts';
import { registerSimCommand } from '../../client-sim/cli.ts';
import { registerDemoCommand } from './demo-command.ts';
import { CliError } from '../../kernel/cli/client.ts';
import { registerReleaseCommands } from '../../server/cli/release.ts';
import { registerOpenApiCommand } from './openapi-command.ts';
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
