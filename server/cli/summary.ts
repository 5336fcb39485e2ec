// `platte summary`: nodes per version and status, from the server's counters.
import type { Command } from 'commander';
import { printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import { appPath, withAppOptions, type AppOpts } from './app-options.ts';

type Summary = { instances: number; byVersion: Record<string, number>; byStatus: Record<string, number>; unknownTracks: Record<string, number> };

export function registerSummaryCommand(program: Command): void {
  withJson(withAppOptions(program.command('summary').description('nodes per version and status; tracks no group maps'))).action(async (o: AppOpts) => {
    const r = await request<Summary>(o, 'GET', appPath(o, 'summary'));
    if (o.json) return printJson(r);
    process.stdout.write(`instances: ${r.instances}\n`);
    await printTable(['version', 'nodes'], Object.entries(r.byVersion));
    await printTable(['status', 'nodes'], Object.entries(r.byStatus));
    if (Object.keys(r.unknownTracks).length) await printTable(['unknown track', 'nodes'], Object.entries(r.unknownTracks));
  });
}
