// `platte rollout status|pause|resume|advance|abort <channel>`: read and steer the rollout of a
// channel's version. The server decides whether an action applies (its refusal, with the reason,
// is printed); the CLI only names the action and who asked why.
import type { Command } from 'commander';
import { printJson, request, withJson } from '../../kernel/cli/common.ts';
import type { RolloutView } from '../rollout/view.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

type ActionOpts = AppOpts & { why?: string; rollback?: boolean };

const rolloutPath = (o: AppOpts, channel: string, rest = '') => appPath(o, `channels/${enc(channel)}/rollout${rest}`);

async function status(channel: string, o: AppOpts): Promise<void> {
  const { rollout } = await request<{ rollout: RolloutView }>(o, 'GET', rolloutPath(o, channel));
  if (o.json) return printJson(rollout);
  const { statusText } = await import('./rollout-view.ts');
  process.stdout.write(await statusText(rollout));
}

async function act(action: string, channel: string, o: ActionOpts): Promise<void> {
  const body = { ...(o.why ? { why: o.why } : {}), ...(o.rollback ? { rollback: true } : {}) };
  const { rollout } = await request<{ rollout: RolloutView }>(o, 'POST', rolloutPath(o, channel, `/${action}`), body);
  if (o.json) return printJson(rollout);
  const { rolloutLine } = await import('./rollout-view.ts');
  process.stdout.write(`${rolloutLine(rollout)}\n`);
  if (o.rollback) process.stdout.write(`${channel}: back to ${rollout.previousVersion ?? '(none)'}\n`);
}

const ACTIONS = [
  ['pause', 'pause the rollout: no new node is granted the version, soak time stops'],
  ['resume', 'resume a paused or halted rollout (a halt: its failures so far are acknowledged)'],
  ['advance', 'open the next step now, whatever its soak and threshold say'],
] as const;

export function registerRolloutCommands(program: Command): void {
  const rollout = program.command('rollout').description('the rollout of a channel\'s version: where it stands, pause, resume, advance, abort');
  withJson(withAppOptions(rollout.command('status').description('state, percent offered, steps, node counts, failures and recent history').argument('<channel>', 'channel name, e.g. stable'))).action(
    status,
  );
  for (const [action, description] of ACTIONS) {
    withJson(withAppOptions(rollout.command(action).description(description).argument('<channel>', 'channel name, e.g. stable')))
      .option('--why <text>', 'why, kept in the rollout\'s history')
      .action((channel: string, o: ActionOpts) => act(action, channel, o));
  }
  withJson(withAppOptions(rollout.command('abort').description('stop the rollout for good: no more nodes are offered the version').argument('<channel>', 'channel name, e.g. stable')))
    .option('--rollback', 'also promote the previous version back on the channel')
    .option('--why <text>', 'why, kept in the rollout\'s history')
    .action((channel: string, o: ActionOpts) => act('abort', channel, o));
}
