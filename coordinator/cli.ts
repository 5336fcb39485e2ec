// `platte locks …`: the locksmithctl of Platte. Talks to a running server's operator API.
// Registration stays cheap: the HTTP client and cli-table3 are loaded when a command runs.
import { Option, type Command } from 'commander';
import { ago, fail, formatTable, request, withClientOptions } from '../kernel/cli/common.ts';
import { formatSeconds } from '../kernel/duration.ts';
import type { GroupView } from './service.ts';

type LockOpts = { server: string; token?: string; group: string; json?: boolean };
type StatusOpts = Omit<LockOpts, 'group'> & { group?: string; all?: boolean };
const enc = encodeURIComponent;
const base = (group: string) => `/api/v1/reboot-groups/${enc(group)}`;

/** Waiting nodes listed by `locks status --group` before "… and N more" (all with --all). */
export const WAITING_SHOWN = 20;

function withGroup(cmd: Command): Command {
  return withClientOptions(cmd).addOption(new Option('--group <group>', 'reboot group').env('PLATTE_GROUP').default('default'));
}

/** Where the commands print; tests pass their own. */
export type Print = (text: string) => void;

function windowLine(v: GroupView): string {
  if (v.windows.length === 0) return 'always open (no windows)';
  const list = v.windows.map((w) => w.text).join('; ');
  if (v.windowOpen) return `${list} — open now${v.windowClosesAt ? `, closes ${v.windowClosesAt}` : ''}`;
  return `${list} — closed${v.nextWindow ? `, next opens ${v.nextWindow.at} (${v.nextWindow.local})` : ''}`;
}

function output(print: Print) {
  const out = (text: string) => print(`${text}\n`);
  const json = (v: unknown) => out(JSON.stringify(v, null, 2));
  const table = async (head: string[], rows: (string | number)[][]) => out(await formatTable(head, rows));

  /** One row per group: what an operator scans first. */
  const groups = async (list: GroupView[]) => {
    if (list.length === 0) return out('no reboot groups yet');
    await table(
      ['group', 'max', 'holders', 'expired', 'waiting', 'paused', 'window'],
      list.map((g) => [g.group, g.max, g.holders.length, g.holders.filter((h) => h.expired).length, g.waiting.length, g.paused ? 'yes' : 'no', g.windows.length === 0 ? 'always open' : g.windowOpen ? 'open' : 'closed']),
    );
  };

  const group = async (v: GroupView, allWaiting: boolean) => {
    out(`Group: ${v.group}`);
    out(`Available: ${v.available}`);
    out(`Max: ${v.max}`);
    out(`Paused: ${v.paused ? `yes${v.pauseReason ? ` (${v.pauseReason})` : ''}` : 'no'}`);
    out(`Windows: ${windowLine(v)}`);
    out(`Lease: ${v.lease.text}, on expiry: ${v.lease.onExpiry}`);
    out('');
    if (v.holders.length === 0) out('Holders: none');
    else {
      out(`Holders: ${v.holders.length}`);
      await table(
        ['machine', 'since', 'lease', 'token', 'target'],
        v.holders.map((h) => [h.id, `${h.since} (${ago(Date.parse(h.since))})`, h.expired ? 'EXPIRED' : `${formatSeconds(h.leaseLeftSeconds)} left`, h.fencingToken, h.targetVersion ?? '-']),
      );
    }
    if (v.waiting.length > 0) {
      // A closed window can leave hundreds waiting: the first ones tell the story, the count the size.
      const shown = allWaiting ? v.waiting : v.waiting.slice(0, WAITING_SHOWN);
      out(`Waiting (last 15 min): ${v.waiting.length}`);
      await table(['machine', 'last seen', 'why'], shown.map((w) => [w.id, ago(Date.parse(w.lastSeen)), w.reason]));
      if (shown.length < v.waiting.length) out(`… and ${v.waiting.length - shown.length} more (--all shows every one)`);
    }
  };
  return { out, json, groups, group };
}

/** `locks status`: every group in a table, or one group in detail. */
function registerStatusCommand(locks: Command, { json: printJson, groups: printGroups, group: printGroup }: ReturnType<typeof output>): void {
  withClientOptions(locks.command('status').description('every group in one table; with --group: holders, max, windows and waiting nodes of that group'))
    .addOption(new Option('--group <group>', 'show this group in detail (default: a table of every group)').env('PLATTE_GROUP'))
    .option('--all', `with --group: every waiting node (default: the first ${WAITING_SHOWN})`)
    .option('--json', 'print the API answer as JSON')
    .action(async (o: StatusOpts) => {
      if (!o.group) {
        const { groups } = await request<{ groups: GroupView[] }>(o, 'GET', '/api/v1/reboot-groups');
        return o.json ? printJson(groups) : printGroups(groups);
      }
      const v = await request<GroupView>(o, 'GET', `${base(o.group)}?history=20`);
      if (o.json) return printJson(v);
      await printGroup(v, o.all === true);
    });
}

export function registerLocksCommand(program: Command, print: Print = (text) => process.stdout.write(text)): void {
  const view = output(print);
  const locks = program.command('locks').description('reboot coordination: status, unlock, set-max, pause, resume (like locksmithctl)');
  registerStatusCommand(locks, view);
  registerSlotCommands(locks, view.out);
  registerScheduleCommands(locks, view.out);
}

/** `locks unlock | set-max | pause | resume`: who may take a slot, and how many at once. */
function registerSlotCommands(locks: Command, out: (text: string) => void): void {
  withGroup(locks.command('unlock').description('force-release the slot a machine holds').argument('<id>', 'machine id (FleetLock client id)'))
    .option('--reason <text>', 'why (kept in the history)')
    .action(async (id: string, o: LockOpts & { reason?: string }) => {
      const q = o.reason ? `?reason=${enc(o.reason)}` : '';
      await request(o, 'DELETE', `${base(o.group)}/holders/${enc(id)}${q}`);
      out(`Unlocked ${id} in group ${o.group}`);
    });

  withGroup(locks.command('set-max').description('set how many machines of the group may reboot at once').argument('<n>', 'slots, a whole number ≥ 0')).action(
    async (n: string, o: LockOpts) => {
      const max = Number(n);
      if (!/^\d+$/.test(n.trim()) || !Number.isInteger(max)) return fail(`max must be a whole number ≥ 0, got "${n}"`);
      const before = await request<GroupView>(o, 'GET', `${base(o.group)}?history=0`).catch(() => null);
      const v = await request<GroupView>(o, 'PUT', base(o.group), { max });
      out(`Old: ${before ? before.max : '-'}`);
      out(`New: ${v.max}`);
    },
  );

  withGroup(locks.command('pause').description('let no new machine of the group reboot until resumed'))
    .option('--reason <text>', 'why (shown to nodes and operators)')
    .action(async (o: LockOpts & { reason?: string }) => {
      await request(o, 'POST', `${base(o.group)}/pause`, o.reason ? { reason: o.reason } : {});
      out(`Paused group ${o.group}`);
    });

  withGroup(locks.command('resume').description('let machines of a paused group reboot again')).action(async (o: LockOpts) => {
    await request(o, 'POST', `${base(o.group)}/resume`, {});
    out(`Resumed group ${o.group}`);
  });

}

/** `locks set-window | clear-windows | set-lease`: when a group may reboot, and for how long a slot is held. */
function registerScheduleCommands(locks: Command, out: (text: string) => void): void {
  withGroup(
    locks
      .command('set-window')
      .description('reboot only in this window, e.g. "Thu 04:00" 1h or 04:00 90m --days Mon-Fri')
      .argument('<start>', 'start time, HH:MM, optionally after a weekday ("Thu 04:00")')
      .argument('<length>', 'how long it stays open, e.g. 1h or 90m'),
  )
    .option('--days <days>', 'weekdays, e.g. Mon-Fri or Sat,Sun (not with a weekday in <start>)')
    .option('--zone <zone>', 'IANA time zone', 'UTC')
    .option('--add', 'add to the existing windows instead of replacing them')
    .action(async (start: string, length: string, o: LockOpts & { days?: string; zone: string; add?: boolean }) => {
      const window = { start, length, zone: o.zone, ...(o.days ? { days: o.days } : {}) };
      let windows: unknown[] = [window];
      if (o.add) {
        const cur = await request<GroupView>(o, 'GET', `${base(o.group)}?history=0`);
        windows = [...cur.windows.map((w) => ({ days: w.days, start: w.start, length: w.length, zone: w.zone })), window];
      }
      const v = await request<GroupView>(o, 'PUT', base(o.group), { windows });
      out(`Windows: ${windowLine(v)}`);
    });

  withGroup(locks.command('clear-windows').description('remove all windows (reboots allowed any time)')).action(async (o: LockOpts) => {
    await request(o, 'PUT', base(o.group), { windows: [] });
    out(`Windows: always open (no windows)`);
  });

  withGroup(locks.command('set-lease').description('how long a machine may hold a slot').argument('<duration>', 'e.g. 1h or 30m'))
    .addOption(new Option('--policy <policy>', 'when the lease runs out: keep holding (hold) or free the slot (release)').choices(['hold', 'release']))
    .action(async (duration: string, o: LockOpts & { policy?: string }) => {
      const v = await request<GroupView>(o, 'PUT', base(o.group), { lease: duration, ...(o.policy ? { leasePolicy: o.policy } : {}) });
      out(`Lease: ${v.lease.text}, on expiry: ${v.lease.onExpiry}`);
    });
}
