// `platte instances [prune]` and `platte instance <machineid>`.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ago, intArg, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import { parseMinutes } from '../../kernel/duration.ts';
import { INSTANCE_STATUSES } from '../domain/statuses.ts';
import type { HistoryEntry, InstanceRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

type ListOpts = AppOpts & { version?: string; status?: string; group?: string; limit?: number; cursor?: string; all?: boolean };

/** Page sizes: a screenful by default, the API's most when following every cursor. */
const PAGE = 50;
const ALL_PAGE = 1000;

function listPath(o: ListOpts, cursor: string | undefined): string {
  const q = new URLSearchParams({ limit: String(o.limit ?? (o.all ? ALL_PAGE : PAGE)) });
  for (const k of ['version', 'status', 'group'] as const) if (o[k]) q.set(k, o[k]);
  if (cursor) q.set('cursor', cursor);
  return appPath(o, `instances?${q}`);
}

async function list(o: ListOpts): Promise<void> {
  const items: InstanceRecord[] = [];
  let next: string | null = o.cursor ?? null;
  do {
    const page: { instances: InstanceRecord[]; next: string | null } = await request(o, 'GET', listPath(o, next ?? undefined));
    items.push(...page.instances);
    next = page.next;
  } while (o.all && next);
  if (o.json) printJson(items);
  else if (items.length === 0) process.stdout.write(`no instances${o.version || o.status || o.group ? ' match' : ''}${next ? ' on this page' : ''}\n`);
  else {
    await printTable(
      ['machine id', 'alias', 'ip', 'version', 'track', 'group', 'status', 'error', 'last check'],
      items.map((i) => [i.machineId, i.alias, i.ip, i.version, i.track, i.group || '(unknown track)', i.status, i.errorCode ? `${i.errorCode} ${i.errorName}` : '', ago(i.lastCheck)]),
    );
  }
  // The hint goes where it does not spoil the output: stderr when stdout is JSON.
  if (next) (o.json ? process.stderr : process.stdout).write(`more instances: run again with --cursor ${next} (or --all)\n`);
}

/** `30d`, `12h`, `90m` → days, for the API's olderThanDays (the text is kept for the report). */
function durationDays(text: string): { text: string; days: number } {
  const minutes = parseMinutes(text);
  if (minutes === null) throw new InvalidArgumentError('must be a duration such as 30d, 12h or 90m');
  return { text, days: minutes / 1440 };
}

export function registerInstanceCommands(program: Command): void {
  const instances = withJson(withAppOptions(program.command('instances').description('list instances, most recently seen first')))
    .option('--version <version>', 'only nodes running this version')
    .addOption(new Option('--status <status>', 'only nodes in this status').choices(INSTANCE_STATUSES))
    .option('--group <group>', 'only nodes of this group')
    .option('--limit <n>', `instances per page (1-1000; default ${PAGE}, ${ALL_PAGE} with --all)`, intArg(1, 1000))
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'follow the cursors to the last page')
    .action(list);

  withAppOptions(instances.command('prune').description('forget instances not seen for a while (their history and counts go too)'))
    .requiredOption('--older-than <duration>', 'not seen for this long, e.g. 30d or 12h', durationDays)
    .option('--max <n>', 'forget at most this many (1-1000000)', intArg(1, 1_000_000), 10_000)
    .action(async (_o: unknown, cmd: Command) => {
      const o = withParentClientOptions<AppOpts & { olderThan: { text: string; days: number }; max: number }>(cmd);
      const r = await request<{ removed: number }>(o, 'POST', appPath(o, 'instances/prune'), { olderThanDays: o.olderThan.days, limit: o.max });
      const more = r.removed === o.max ? ' (as many as --max: there may be more, run again)' : '';
      process.stdout.write(`forgot ${r.removed} instance${r.removed === 1 ? '' : 's'} not seen for ${o.olderThan.text}${more}\n`);
    });

  withJson(withAppOptions(program.command('instance').description('one instance: its state and its history').argument('<machineid>', 'machine id (from `platte instances`)'))).action(
    async (id: string, o: AppOpts) => {
      const r = await request<{ instance: InstanceRecord; history: HistoryEntry[] }>(o, 'GET', appPath(o, `instances/${enc(id)}`));
      if (o.json) return printJson(r);
      const view = await import('./instance-view.ts');
      process.stdout.write(`${view.instanceLines(r.instance)}\n\n${await view.historyTable(r.history)}\n`);
    },
  );
}

/**
 * A subcommand's options, with --server, --token and --app taken from its parent when they were
 * typed there (`platte instances --server X prune`): which command parses an option typed before
 * the subcommand's name depends on the program's positional-options setting.
 */
function withParentClientOptions<T>(cmd: Command): T {
  const o = cmd.opts();
  for (const key of ['server', 'token', 'app']) {
    if (cmd.getOptionValueSource(key) !== 'cli' && cmd.parent?.getOptionValueSource(key) === 'cli') o[key] = cmd.parent.getOptionValue(key);
  }
  return o as T;
}
