// Release-manager commands, one file per command group. Registering them must stay cheap (every
// `platte` run registers all of them): each file imports only commander and tiny modules at its
// top and loads the HTTP client, cli-table3 and the protocol tables inside its actions.
import type { Command } from 'commander';
import { registerActivityCommand } from './activity.ts';
import { registerAppCommands } from './apps.ts';
import { registerChannelCommands } from './channels.ts';
import { registerGroupCommands } from './groups.ts';
import { registerInstanceCommands } from './instances.ts';
import { registerPackageCommands } from './packages.ts';
import { registerRolloutCommands } from './rollouts.ts';
import { registerSummaryCommand } from './summary.ts';
import { registerTokenCommands } from './tokens.ts';
import { registerWebhookCommands } from './webhooks.ts';

export function registerReleaseCommands(program: Command): void {
  registerAppCommands(program);
  registerPackageCommands(program);
  registerChannelCommands(program);
  registerRolloutCommands(program);
  registerGroupCommands(program);
  registerInstanceCommands(program);
  registerSummaryCommand(program);
  registerActivityCommand(program);
  registerTokenCommands(program);
  registerWebhookCommands(program);
}
