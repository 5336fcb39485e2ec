// `platte app create|list`.
import type { Command } from 'commander';
import { isoSeconds, printJson, printTable, request, withClientOptions, withJson } from '../../kernel/cli/common.ts';
import type { AppRecord } from '../domain/types.ts';

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('manage apps (what nodes name with their Omaha appid)');

  withClientOptions(
    app
      .command('create')
      .description('create an app')
      .argument('<id>', 'Omaha appid (a GUID, with or without braces)')
      .argument('<name>', 'display name'),
  ).action(async (id: string, name: string, o: { server: string; token?: string }) => {
    printJson((await request<{ app: AppRecord }>(o, 'POST', '/api/v1/apps', { id, name })).app);
  });

  withJson(withClientOptions(app.command('list').description('list apps'))).action(async (o: { server: string; token?: string; json?: boolean }) => {
    const { apps } = await request<{ apps: AppRecord[] }>(o, 'GET', '/api/v1/apps');
    if (o.json) return printJson(apps);
    await printTable(['id', 'name', 'created'], apps.map((a) => [a.id, a.name, isoSeconds(a.createdAt)]));
  });
}
