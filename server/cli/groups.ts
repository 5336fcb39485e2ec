// `platte group set|policy|list`.
import type { Command } from 'commander';
import { printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { TrackGroupRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';
import { policyBody, type PolicyFlags, type StoredPolicy } from './policy-flags.ts';
import { FlagError } from './rollout-flags.ts';

/** A group that does not exist yet (a channel's implicit group) starts from the defaults. */
const DEFAULT_STORED: StoredPolicy = {
  updatesEnabled: true, maxUpdatesPerPeriod: null, maxInProgress: null, updateTimeoutMs: null, windows: [], safeMode: false, pinVersion: null, rebootGroup: null,
};

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

  registerPolicyCommand(group);

  withJson(withAppOptions(group.command('list').description('list groups with their track and channel'))).action(async (o: AppOpts) => {
    const { groups } = await request<{ groups: TrackGroupRecord[] }>(o, 'GET', appPath(o, 'groups'));
    if (o.json) return printJson(groups);
    await printTable(['group', 'name', 'track', 'channel'], groups.map((g) => [g.id, g.name, g.track, g.channel]));
  });
}

/** `platte group policy <id> …`: GET the group's policy, apply the flags given, PUT it back. */
function registerPolicyCommand(group: Command): void {
  withJson(
    withAppOptions(
      group
        .command('policy')
        .description("change a group's update policy (flags not given keep their value); prints the policy")
        .argument('<id>', 'group id, or a channel name for the nodes on that track')
        .option('--updates <on|off>', 'updates enabled')
        .option('--max-per-period <n/period>', 'at most n grants per period, e.g. 50/1h (off: no limit)')
        .option('--max-in-progress <n>', 'at most n nodes on their way at once; reboot-slots: as many as --reboot-group has slots (off: no limit)')
        .option('--reboot-group <name>', 'the reboot group these nodes take their slots from (off: none)')
        .option('--timeout <duration>', 'a grant not done after this long counts as timed out, e.g. 2h (off: never)')
        .option('--window <"[days] HH:MM length [zone]">', 'an update window, e.g. "Mon-Fri 09:00 8h Europe/Berlin" (repeat for more; replaces the windows)', (v: string, all: string[] = []) => [...all, v])
        .option('--no-windows', 'remove every update window')
        .option('--safe-mode <on|off>', 'one node first, the next only after it completed')
        .option('--pin <version>', 'stay on this version whatever the channel says (off: follow the channel)'),
    ),
  ).action(async (id: string, o: AppOpts & PolicyFlags & { windows?: boolean }, cmd: Command) => {
    // commander's --no-windows sets `windows: false`.
    const flags: PolicyFlags = { ...o, ...(o.windows === false ? { noWindows: true } : {}) };
    const path = appPath(o, `groups/${enc(id)}`);
    const current = await request<{ group: TrackGroupRecord }>(o, 'GET', path).then(
      (r) => r.group.policy as unknown as StoredPolicy,
      (err: unknown) => {
        // No such group yet: the server creates a channel's implicit group on the PUT.
        if (err instanceof Error && /\(HTTP 404\)/.test(err.message)) return DEFAULT_STORED;
        throw err;
      },
    );
    let policy;
    try {
      policy = policyBody(current, flags);
    } catch (err) {
      if (err instanceof FlagError) cmd.error(`error: ${err.message}`);
      throw err;
    }
    const { group: saved } = await request<{ group: TrackGroupRecord }>(o, 'PUT', path, { policy });
    if (o.json) return printJson(saved);
    printJson(saved.policy);
  });
}
