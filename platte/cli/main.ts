// The `platte` command: runs the command line and turns its failures into exit codes. Usage
// mistakes (unknown command or option, missing argument, bad value) and configuration or start-up
// problems exit 2; a command that ran and failed exits 1 (or its own code).
import { CommanderError } from 'commander';
import { CliError } from '../../kernel/cli/client.ts';
import { buildProgram } from './program.ts';

const USAGE_EXIT = 2;

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  // Commander has printed its message (or the help / version) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT);
  if (err instanceof CliError) {
    process.stderr.write(`platte: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  throw err;
}
