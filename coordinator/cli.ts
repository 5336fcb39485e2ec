// `platte locks …`: the locksmithctl of Platte. Talks to a running server's operator API.
import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { apiRequest, CliError } from '../kernel/cli/client.ts';
import { ago, clientOptions, withClientOptions } from '../kernel/cli/common.ts';
import { formatSeconds } from '../kernel/duration.ts';
import type { GroupView } from './service.ts';

type LockOpts = { server: string; token?: string; group: string; json?: boolean };
const enc = encodeURIComponent;
const base = (group: string) => `/api/v1/reboot-groups/${enc(group)}`;

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
  const table = (head: string[], rows: (string | number)[][]) => {
    const t = new Table({ head, style: { head: [], border: [] } });
    t.push(...rows.map((r) => r.map(String)));
    out(t.toString());
  };
  const group = (v: GroupView) => {
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
      table(
        ['machine', 'since', 'lease', 'token', 'target'],
        v.holders.map((h) => [h.id, `${h.since} (${ago(Date.parse(h.since))})`, h.expired ? 'EXPIRED' : `${formatSeconds(h.leaseLeftSeconds)} left`, h.fencingToken, h.targetVersion ?? '-']),
      );
    }
    if (v.waiting.length > 0) {
      out(`Waiting (last 15 min): ${v.waiting.length}`);
      table(['machine', 'last seen', 'why'], v.waiting.map((w) => [w.id, ago(Date.parse(w.lastSeen)), w.reason]));
    }
  };
  return { out, json, table, group };
}

export function registerLocksCommand(program: Command, print: Print = (text) => process.stdout.write(text)): void {
  const { out, json: printJson, table: printTable, group: printGroup } = output(print);
  const locks = program.command('locks').description('reboot coordination: status, unlock, set-max, pause, resume (like locksmithctl)');

  withGroup(locks.command('status').description('show holders, max, windows and waiting nodes of a group'))
    .option('--all', 'summary of every group')
    .option('--json', 'print JSON')
    .action(async (o: LockOpts & { all?: boolean }) => {
      if (o.all) {
        const { groups } = await apiRequest<{ groups: GroupView[] }>(clientOptions(o), 'GET', '/api/v1/reboot-groups');
        if (o.json) return printJson(groups);
        if (groups.length === 0) return out('no reboot groups yet');
        printTable(
          ['group', 'max', 'holders', 'expired', 'paused', 'window'],
          groups.map((g) => [g.group, g.max, g.holders.length, g.holders.filter((h) => h.expired).length, g.paused ? 'yes' : 'no', g.windows.length === 0 ? 'always' : g.windowOpen ? 'open' : 'closed']),
        );
        return;
      }
      const v = await apiRequest<GroupView>(clientOptions(o), 'GET', `${base(o.group)}?history=20`);
      if (o.json) return printJson(v);
      printGroup(v);
    });

  withGroup(locks.command('unlock <id>').description('force-release the slot a machine holds'))
    .option('--reason <text>', 'why (kept in the history)')
    .action(async (id: string, o: LockOpts & { reason?: string }) => {
      const q = o.reason ? `?reason=${enc(o.reason)}` : '';
      await apiRequest(clientOptions(o), 'DELETE', `${base(o.group)}/holders/${enc(id)}${q}`);
      out(`Unlocked ${id} in group ${o.group}`);
    });

  withGroup(locks.command('set-max <n>').description('set how many machines of the group may reboot at once')).action(async (n: string, o: LockOpts) => {
    const max = Number(n);
    if (!Number.isInteger(max) || max < 0) throw new CliError(`max must be a whole number ≥ 0, got "${n}"`);
    const before = await apiRequest<GroupView>(clientOptions(o), 'GET', `${base(o.group)}?history=0`).catch(() => null);
    const v = await apiRequest<GroupView>(clientOptions(o), 'PUT', base(o.group), { max });
    out(`Old: ${before ? before.max : '-'}`);
    out(`New: ${v.max}`);
  });

  withGroup(locks.command('pause').description('let no new machine of the group reboot until resumed'))
    .option('--reason <text>', 'why (shown to nodes and operators)')
    .action(async (o: LockOpts & { reason?: string }) => {
      await apiRequest(clientOptions(o), 'POST', `${base(o.group)}/pause`, o.reason ? { reason: o.reason } : {});
      out(`Paused group ${o.group}`);
    });

  withGroup(locks.command('resume').description('let machines of a paused group reboot again')).action(async (o: LockOpts) => {
    await apiRequest(clientOptions(o), 'POST', `${base(o.group)}/resume`, {});
    out(`Resumed group ${o.group}`);
  });

  withGroup(locks.command('set-window <start> <length>').description('reboot only in this window, e.g. "Thu 04:00" 1h or 04:00 90m --days Mon-Fri'))
    .option('--days <days>', 'weekdays, e.g. Mon-Fri or Sat,Sun (not with a weekday in <start>)')
    .option('--zone <zone>', 'IANA time zone', 'UTC')
    .option('--add', 'add to the existing windows instead of replacing them')
    .action(async (start: string, length: string, o: LockOpts & { days?: string; zone: string; add?: boolean }) => {
      const window = { start, length, zone: o.zone, ...(o.days ? { days: o.days } : {}) };
      let windows: unknown[] = [window];
      if (o.add) {
        const cur = await apiRequest<GroupView>(clientOptions(o), 'GET', `${base(o.group)}?history=0`);
        windows = [...cur.windows.map((w) => ({ days: w.days, start: w.start, length: w.length, zone: w.zone })), window];
      }
      const v = await apiRequest<GroupView>(clientOptions(o), 'PUT', base(o.group), { windows });
      out(`Windows: ${windowLine(v)}`);
    });

  withGroup(locks.command('clear-windows').description('remove all windows (reboots allowed any time)')).action(async (o: LockOpts) => {
    await apiRequest(clientOptions(o), 'PUT', base(o.group), { windows: [] });
    out(`Windows: always open (no windows)`);
  });

  withGroup(locks.command('set-lease <duration>').description('how long a machine may hold a slot, e.g. 1h or 30m'))
    .addOption(new Option('--policy <policy>', 'when the lease runs out: keep holding (hold) or free the slot (release)').choices(['hold', 'release']))
    .action(async (duration: string, o: LockOpts & { policy?: string }) => {
      const v = await apiRequest<GroupView>(clientOptions(o), 'PUT', base(o.group), { lease: duration, ...(o.policy ? { leasePolicy: o.policy } : {}) });
      out(`Lease: ${v.lease.text}, on expiry: ${v.lease.onExpiry}`);
    });
}
