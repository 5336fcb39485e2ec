// `platte promote`, `platte channel create` and `platte channel list`. A promotion never creates a
// channel (a typo would become one); `channel create` or `promote --create` does, explicitly.
import type { Command } from 'commander';
import { isoSeconds, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { ChannelRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

const createChannel = (o: AppOpts, name: string) => request<{ channel: ChannelRecord }>(o, 'POST', appPath(o, 'channels'), { name });

export function registerChannelCommands(program: Command): void {
  withAppOptions(
    program
      .command('promote')
      .description('point an existing channel at a version (--create: create the channel first when new)')
      .argument('<channel>', 'channel name, e.g. stable')
      .argument('<version>', 'a version that has a package')
      .option('--create', 'create the channel when it does not exist yet'),
  ).action(async (channel: string, version: string, o: AppOpts & { create?: boolean }) => {
    if (o.create) {
      const { channels } = await request<{ channels: ChannelRecord[] }>(o, 'GET', appPath(o, 'channels'));
      if (!channels.some((c) => c.name === channel)) {
        await createChannel(o, channel);
        process.stdout.write(`channel ${channel} created\n`);
      }
    }
    const r = await request<{ previous: string | null }>(o, 'PUT', appPath(o, `channels/${enc(channel)}`), { version });
    process.stdout.write(`${channel}: ${r.previous ?? '(none)'} → ${version}\n`);
  });

  const channel = program.command('channel').description('channels: the version each one points at');
  withAppOptions(channel.command('create').description('create a channel (it points at no version until promoted)').argument('<name>', 'channel name, e.g. stable')).action(
    async (name: string, o: AppOpts) => {
      await createChannel(o, name);
      process.stdout.write(`channel ${name} created\n`);
    },
  );
  withJson(withAppOptions(channel.command('list').description('list channels with their version, who promoted it and when'))).action(async (o: AppOpts) => {
    const { channels } = await request<{ channels: ChannelRecord[] }>(o, 'GET', appPath(o, 'channels'));
    if (o.json) return printJson(channels);
    await printTable(['channel', 'version', 'since', 'by'], channels.map((c) => [c.name, c.version ?? '(none)', isoSeconds(c.updatedAt), c.updatedBy]));
  });
}
