// `platte promote` and `platte channel list`.
import type { Command } from 'commander';
import { isoSeconds, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { ChannelRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

export function registerChannelCommands(program: Command): void {
  withAppOptions(
    program
      .command('promote')
      .description('point a channel at a version (creating the channel when new)')
      .argument('<channel>', 'channel name, e.g. stable')
      .argument('<version>', 'a version that has a package'),
  ).action(async (channel: string, version: string, o: AppOpts) => {
    const r = await request<{ previous: string | null }>(o, 'PUT', appPath(o, `channels/${enc(channel)}`), { version });
    process.stdout.write(`${channel}: ${r.previous ?? '(none)'} → ${version}\n`);
  });

  const channel = program.command('channel').description('channels: the version each one points at');
  withJson(withAppOptions(channel.command('list').description('list channels with their version, who promoted it and when'))).action(async (o: AppOpts) => {
    const { channels } = await request<{ channels: ChannelRecord[] }>(o, 'GET', appPath(o, 'channels'));
    if (o.json) return printJson(channels);
    await printTable(['channel', 'version', 'since', 'by'], channels.map((c) => [c.name, c.version ?? '(none)', isoSeconds(c.updatedAt), c.updatedBy]));
  });
}
