// `platte group set|list`.
import type { Command } from 'commander';
import { printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { TrackGroupRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('groups: which channel the nodes sending a track follow');

  withAppOptions(
    group
      .command('set')
      .description('create or change a group')
      .argument('<id>', 'group id (letters, digits, ".", "_", "-")')
      .requiredOption('--track <track>', 'the track nodes send (GROUP in /etc/flatcar/update.conf)')
      .requiredOption('--channel <channel>', 'the channel these nodes follow')
      .option('--name <name>', 'display name (default: the id)'),
  ).action(async (id: string, o: AppOpts & { track: string; channel: string; name?: string }) => {
    const body = { track: o.track, channel: o.channel, ...(o.name ? { name: o.name } : {}) };
    printJson((await request<{ group: TrackGroupRecord }>(o, 'PUT', appPath(o, `groups/${enc(id)}`), body)).group);
  });

  withJson(withAppOptions(group.command('list').description('list groups with their track and channel'))).action(async (o: AppOpts) => {
    const { groups } = await request<{ groups: TrackGroupRecord[] }>(o, 'GET', appPath(o, 'groups'));
    if (o.json) return printJson(groups);
    await printTable(['group', 'name', 'track', 'channel'], groups.map((g) => [g.id, g.name, g.track, g.channel]));
  });
}
