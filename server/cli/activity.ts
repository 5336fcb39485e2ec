// `platte activity`: who changed what in the release config, newest first.
import type { Command } from 'commander';
import { intArg, isoSeconds, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { ActivityEntry } from '../domain/types.ts';
import { appPath, withAppOptions, type AppOpts } from './app-options.ts';

export function registerActivityCommand(program: Command): void {
  withJson(withAppOptions(program.command('activity').description('release activity (apps, packages, promotions, groups), newest first')))
    .option('--limit <n>', 'at most this many entries (1-1000)', intArg(1, 1000), 100)
    .action(async (o: AppOpts & { limit: number }) => {
      const { activity } = await request<{ activity: ActivityEntry[] }>(o, 'GET', appPath(o, `activity?limit=${o.limit}`));
      if (o.json) return printJson(activity);
      await printTable(['when', 'who', 'what'], activity.map((a) => [isoSeconds(a.at), a.actor, a.message]));
    });
}
