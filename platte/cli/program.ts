// The `platte` command line: every command registered, none of their code loaded. Each command
// file imports only commander and small tables at its top and loads its work in its action, so
// `platte --help` (and any command) starts without loading Koa, Redis clients, SQLite or zod.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerLocksCommand } from '../../coordinator/cli.ts';
import { registerSimCommand } from '../../client-sim/cli.ts';
import { registerReleaseCommands } from '../../server/cli/release.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerOpenApiCommand } from './openapi-command.ts';
import { registerServeCommand } from './serve-command.ts';

/** The version in package.json, found by walking up (this file runs from platte/cli/ or build/platte/cli/). */
function packageVersion(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('platte')
    .description('Omaha update server and fleet reboot coordinator for Flatcar / CoreOS nodes')
    .version(packageVersion(), '-V, --version', 'print the version of Platte')
    // The program's options only before the command name: `platte instances --version 3510.2.0`
    // filters instances instead of printing Platte's version.
    .enablePositionalOptions()
    // One line saying what was wrong and where to look, not the whole help under the error.
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerServeCommand(program);
  registerReleaseCommands(program);
  registerOpenApiCommand(program);
  registerLocksCommand(program);
  registerSimCommand(program);
  registerDemoCommand(program);
  return program;
}
