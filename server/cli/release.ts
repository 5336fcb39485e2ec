// Release-manager commands: apps, packages, promotion, groups, instances, summary, tokens.
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { InstanceRecord } from '../domain/types.ts';
import { apiRequest, CliError } from '../../kernel/cli/client.ts';
import { ago, clientOptions, printJson, printTable, withClientOptions } from '../../kernel/cli/common.ts';
import { withAppOptions } from './app-options.ts';
import { digestFile } from './file-digest.ts';

type AppOpts = { server: string; token?: string; app: string; json?: boolean };
const enc = encodeURIComponent;

export function registerReleaseCommands(program: Command): void {
  const app = program.command('app').description('manage apps');
  withAppOptions(app.command('create <id> <name>').description('create an app (its Omaha appid)')).action(async (id: string, name: string, o: AppOpts) => {
    const r = await apiRequest<{ app: unknown }>(clientOptions(o), 'POST', '/api/v1/apps', { id, name });
    printJson(r.app);
  });
  withClientOptions(app.command('list').description('list apps')).action(async (o: AppOpts) => {
    printJson((await apiRequest<{ apps: unknown[] }>(clientOptions(o), 'GET', '/api/v1/apps')).apps);
  });

  const pkg = program.command('package').description('manage packages');
  withAppOptions(
    pkg
      .command('add <version>')
      .description('publish a package; with --file, size and hashes are computed from the local payload')
      .requiredOption('--url <base>', 'base URL the payload is served from')
      .option('--file <path>', 'local copy of the payload to compute size, SHA-256 and SHA-1 from')
      .option('--name <file>', 'payload file name under --url (default: basename of --file)')
      .option('--size <bytes>', 'payload size (without --file)')
      .option('--sha256 <digest>', 'payload SHA-256, base64 or hex (without --file)')
      .option('--sha1 <digest>', 'payload SHA-1, base64 or hex')
      .addOption(new Option('--arch <arch>', 'architecture').choices(['amd64', 'arm64']).default('amd64')),
  ).action(async (version: string, o: AppOpts & { url: string; file?: string; name?: string; size?: string; sha256?: string; sha1?: string; arch: string }) => {
    let body: Record<string, unknown>;
    if (o.file) {
      if (o.size || o.sha256) throw new CliError('--file computes size and hashes: do not also give --size or --sha256');
      const d = await digestFile(o.file).catch((err: Error) => {
        throw new CliError(`cannot read ${o.file}: ${err.message}`);
      });
      body = { version, url: o.url, name: o.name ?? path.basename(o.file), size: d.size, sha256: d.sha256, sha1: d.sha1, arch: o.arch };
    } else {
      if (!o.name || !o.size || !o.sha256) throw new CliError('without --file, give --name, --size and --sha256');
      body = { version, url: o.url, name: o.name, size: Number(o.size), sha256: o.sha256, ...(o.sha1 ? { sha1: o.sha1 } : {}), arch: o.arch };
    }
    const r = await apiRequest<{ package: unknown }>(clientOptions(o), 'POST', `/api/v1/apps/${enc(o.app)}/packages`, body);
    printJson(r.package);
  });
  withAppOptions(pkg.command('list').description('list packages')).action(async (o: AppOpts) => {
    const r = await apiRequest<{ packages: { version: string; arch: string; name: string; size: number; url: string }[] }>(clientOptions(o), 'GET', `/api/v1/apps/${enc(o.app)}/packages`);
    printTable(['version', 'arch', 'name', 'size', 'url'], r.packages.map((p) => [p.version, p.arch, p.name, p.size, p.url]));
  });

  withAppOptions(program.command('promote <channel> <version>').description('point a channel at a version')).action(async (channel: string, version: string, o: AppOpts) => {
    const r = await apiRequest<{ previous: string | null }>(clientOptions(o), 'PUT', `/api/v1/apps/${enc(o.app)}/channels/${enc(channel)}`, { version });
    process.stdout.write(`${channel}: ${r.previous ?? '(none)'} → ${version}\n`);
  });

  const group = program.command('group').description('map tracks to channels');
  withAppOptions(group.command('set <id>').requiredOption('--track <track>').requiredOption('--channel <channel>').option('--name <name>')).action(
    async (id: string, o: AppOpts & { track: string; channel: string; name?: string }) => {
      const body = { track: o.track, channel: o.channel, ...(o.name ? { name: o.name } : {}) };
      printJson((await apiRequest<{ group: unknown }>(clientOptions(o), 'PUT', `/api/v1/apps/${enc(o.app)}/groups/${enc(id)}`, body)).group);
    },
  );
  withAppOptions(group.command('list')).action(async (o: AppOpts) => {
    const r = await apiRequest<{ groups: { id: string; track: string; channel: string }[] }>(clientOptions(o), 'GET', `/api/v1/apps/${enc(o.app)}/groups`);
    printTable(['group', 'track', 'channel'], r.groups.map((g) => [g.id, g.track, g.channel]));
  });

  const inst = withAppOptions(program.command('instances').description('list instances, most recently seen first'))
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON');
  inst.action(async (o: AppOpts & { limit: string }) => {
    const r = await apiRequest<{ instances: InstanceRecord[] }>(clientOptions(o), 'GET', `/api/v1/apps/${enc(o.app)}/instances?limit=${enc(o.limit)}`);
    if (o.json) return printJson(r.instances);
    printTable(
      ['machine id', 'alias', 'ip', 'version', 'track', 'group', 'status', 'error', 'last check'],
      r.instances.map((i) => [i.machineId, i.alias, i.ip, i.version, i.track, i.group || '(unknown track)', i.status, i.errorCode ? `${i.errorCode} ${i.errorName}` : '', ago(i.lastCheck)]),
    );
  });
  withAppOptions(program.command('instance <machineid>').description('one instance with its history')).action(async (id: string, o: AppOpts) => {
    printJson(await apiRequest(clientOptions(o), 'GET', `/api/v1/apps/${enc(o.app)}/instances/${enc(id)}`));
  });
  withAppOptions(program.command('summary').description('nodes per version and status')).option('--json', 'print JSON').action(async (o: AppOpts) => {
    const r = await apiRequest<{ instances: number; byVersion: Record<string, number>; byStatus: Record<string, number>; unknownTracks: Record<string, number> }>(
      clientOptions(o),
      'GET',
      `/api/v1/apps/${enc(o.app)}/summary`,
    );
    if (o.json) return printJson(r);
    process.stdout.write(`instances: ${r.instances}\n`);
    printTable(['version', 'nodes'], Object.entries(r.byVersion));
    printTable(['status', 'nodes'], Object.entries(r.byStatus));
    if (Object.keys(r.unknownTracks).length) printTable(['unknown track', 'nodes'], Object.entries(r.unknownTracks));
  });
  withAppOptions(program.command('activity').description('release activity, newest first')).action(async (o: AppOpts) => {
    const r = await apiRequest<{ activity: { at: number; actor: string; message: string }[] }>(clientOptions(o), 'GET', `/api/v1/apps/${enc(o.app)}/activity`);
    printTable(['when', 'who', 'what'], r.activity.map((a) => [new Date(a.at).toISOString(), a.actor, a.message]));
  });

  const token = program.command('token').description('API tokens (admin)');
  withClientOptions(token.command('create <name>'))
    .addOption(new Option('--role <role>').choices(['admin', 'release', 'read-only']).makeOptionMandatory())
    .action(async (name: string, o: AppOpts & { role: string }) => {
      const r = await apiRequest<{ token: { secret: string; id: string } }>(clientOptions(o), 'POST', '/api/v1/tokens', { name, role: o.role });
      process.stdout.write(`token ${r.token.id} (${o.role}), shown once:\n${r.token.secret}\n`);
    });
}
