// `platte promote`, `platte channel create` and `platte channel list`. A promotion never creates a
// channel (a typo would become one); `channel create` or `promote --create` does, explicitly. The
// rollout flags of promote become the request body in rollout-flags.ts (syntax only: the server
// judges the rest and its message is printed); --dry-run asks the server what would happen.
import type { Command } from 'commander';
import { fail, isoSeconds, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { ChannelRecord } from '../domain/types.ts';
import type { RolloutView } from '../rollout/view.ts';
import type { DryRunAnswer } from './promote-view.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';
import { FlagError, promoteBody, type PromoteBody, type PromoteFlags } from './rollout-flags.ts';

const createChannel = (o: AppOpts, name: string) => request<{ channel: ChannelRecord }>(o, 'POST', appPath(o, 'channels'), { name });

type PromoteOpts = AppOpts & PromoteFlags & { create?: boolean };
type PromoteAnswer = { previous: string | null; rollout: RolloutView | null; missingArches?: { arch: string; nodes: number }[] };

/** A refusal the caller can override says how (the server's message names what is wrong). */
function withOverrideHint(message: string, body: PromoteBody): string {
  if (!/HTTP 409/.test(message)) return message;
  if (/downgrade|older/i.test(message) && !body.allowDowngrade) return `${message} (--allow-downgrade to promote it anyway)`;
  if (/arch/i.test(message) && !body.allowMissingArch) return `${message} (--allow-missing-arch to promote it anyway)`;
  return message;
}

async function putChannel<T>(o: AppOpts, channel: string, body: PromoteBody): Promise<T> {
  try {
    return await request<T>(o, 'PUT', appPath(o, `channels/${enc(channel)}`), body);
  } catch (err) {
    const message = (err as Error).message;
    const hinted = withOverrideHint(message, body);
    if (hinted === message) throw err;
    return fail(hinted);
  }
}

async function createIfMissing(o: AppOpts, channel: string): Promise<void> {
  const { channels } = await request<{ channels: ChannelRecord[] }>(o, 'GET', appPath(o, 'channels'));
  if (channels.some((c) => c.name === channel)) return;
  await createChannel(o, channel);
  process.stdout.write(`channel ${channel} created\n`);
}

/** --dry-run: the plan; exit 1 when the server says the promotion would be refused (for scripts). */
async function dryRun(o: PromoteOpts, channel: string, body: PromoteBody): Promise<void> {
  const r = await putChannel<DryRunAnswer>(o, channel, body);
  if (o.json) printJson(r);
  else process.stdout.write(await (await import('./promote-view.ts')).dryRunText(channel, r));
  if (r.refused) process.exitCode = 1;
}

async function promote(channel: string, version: string, o: PromoteOpts, cmd: Command): Promise<void> {
  let body: PromoteBody;
  try {
    body = promoteBody(version, o);
  } catch (err) {
    if (err instanceof FlagError) cmd.error(`error: ${err.message}`);
    throw err;
  }
  if (body.dryRun) return dryRun(o, channel, body);
  if (o.create) await createIfMissing(o, channel);
  const r = await putChannel<PromoteAnswer>(o, channel, body);
  if (o.json) return printJson(r);
  process.stdout.write(`${channel}: ${r.previous ?? '(none)'} → ${version}\n`);
  // Promoted with --allow-missing-arch: say who is left behind (when the server says).
  const gaps = (r.missingArches ?? []).map((g) => `${g.arch} (${g.nodes} node${g.nodes === 1 ? '' : 's'})`);
  if (gaps.length > 0) process.stderr.write(`warning: no build of ${version} for ${gaps.join(', ')}: those nodes are not offered it\n`);
  if (r.rollout) {
    const { rolloutLine } = await import('./rollout-view.ts');
    process.stdout.write(`${rolloutLine(r.rollout)}; follow it with: platte rollout status ${channel}\n`);
  }
}

export function registerChannelCommands(program: Command): void {
  withJson(
    withAppOptions(
      program
        .command('promote')
        .description('point an existing channel at a version, at once or as a rollout (--steps or --linear)')
        .argument('<channel>', 'channel name, e.g. stable')
        .argument('<version>', 'a version that has a package')
        .option('--create', 'create the channel when it does not exist yet')
        .option('--steps <percents>', 'roll out in steps, percent of the nodes each, the last 100: e.g. 1,10,50,100')
        .option('--soak <durations>', 'how long each step runs before the next: one for every step but the last (2h), or one per step (1h,2h,4h)')
        .option('--threshold <percent>', 'percent of a step\'s granted nodes that must complete before the next step opens')
        .option('--linear <start/duration>', 'instead of steps: offer to <start> % at once, rising to 100 % over <duration>, e.g. 10%/6h')
        .option('--halt-on <limits>', 'halt the rollout at this many failed nodes (3), this percent of the granted ones (5%), or either (3,5%)')
        .option('--floors <versions>', 'versions nodes must pass through on their way, e.g. 3510.2.0,3602.2.0')
        .option('--allow-downgrade', 'allow promoting a version older than the channel\'s (nodes above it are offered it)')
        .option('--allow-missing-arch', 'promote even when the version has no build for an architecture nodes of the channel run')
        .option('--dry-run', 'show which groups and how many nodes each step would reach, and whether it would be refused; change nothing'),
    ),
  ).action(promote);

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
