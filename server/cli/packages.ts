// `platte package add|list|pull|pulled`. Pulling a version is for good: it is never offered again
// and its rollouts halt; the reason is required, since whoever meets the pull later needs it.
import { Option, type Command } from 'commander';
import { fail, isoSeconds, printJson, printTable, request, withJson } from '../../kernel/cli/common.ts';
import type { PackageRecord } from '../domain/types.ts';
import { appPath, enc, withAppOptions, type AppOpts } from './app-options.ts';

type AddOpts = AppOpts & { url: string; file?: string; name?: string; size?: string; sha256?: string; sha1?: string; arch: string };

/** The package as the API wants it: size and hashes from --file, or as given. */
async function packageBody(version: string, o: AddOpts): Promise<Record<string, unknown>> {
  const common = { version, url: o.url, arch: o.arch };
  if (o.file) {
    const file = o.file;
    const [{ digestFile }, path] = await Promise.all([import('./file-digest.ts'), import('node:path')]);
    const d = await digestFile(file).catch((err: Error) => fail(`cannot read ${file}: ${err.message}`));
    return { ...common, name: o.name ?? path.basename(file), size: d.size, sha256: d.sha256, sha1: d.sha1 };
  }
  if (!o.name || !o.size || !o.sha256) return fail('without --file, give --name, --size and --sha256');
  return { ...common, name: o.name, size: Number(o.size), sha256: o.sha256, ...(o.sha1 ? { sha1: o.sha1 } : {}) };
}

interface Pulled {
  version: string;
  reason: string;
  by: string;
  at: number;
}

async function pull(version: string, o: AppOpts & { reason: string }): Promise<void> {
  const r = await request<{ pulled: Pulled; haltedRollouts: string[] }>(o, 'POST', appPath(o, `packages/${enc(version)}/pull`), { reason: o.reason });
  if (o.json) return printJson(r);
  process.stdout.write(`pulled ${r.pulled.version}: ${r.pulled.reason}\n`);
  if (r.haltedRollouts.length > 0) process.stdout.write(`halted its rollout on: ${r.haltedRollouts.join(', ')} (only abort remains there)\n`);
}

export function registerPackageCommands(program: Command): void {
  const pkg = program.command('package').description('manage packages (one build of one version for one architecture)');

  withAppOptions(
    pkg
      .command('add')
      .description('publish a package; with --file, size and hashes are computed from the local payload')
      .argument('<version>', 'version, e.g. 3602.2.0')
      .requiredOption('--url <base>', 'base URL the payload is served from')
      .option('--file <path>', 'local copy of the payload to compute size, SHA-256 and SHA-1 from')
      .option('--name <file>', 'payload file name under --url (default: basename of --file)')
      .addOption(new Option('--size <bytes>', 'payload size (without --file)').conflicts('file'))
      .addOption(new Option('--sha256 <digest>', 'payload SHA-256, base64 or hex (without --file)').conflicts('file'))
      .option('--sha1 <digest>', 'payload SHA-1, base64 or hex')
      .addOption(new Option('--arch <arch>', 'architecture').choices(['amd64', 'arm64']).default('amd64')),
  ).action(async (version: string, o: AddOpts) => {
    const r = await request<{ package: PackageRecord }>(o, 'POST', appPath(o, 'packages'), await packageBody(version, o));
    printJson(r.package);
  });

  withJson(withAppOptions(pkg.command('list').description('list packages'))).action(async (o: AppOpts) => {
    const { packages } = await request<{ packages: PackageRecord[] }>(o, 'GET', appPath(o, 'packages'));
    if (o.json) return printJson(packages);
    await printTable(
      ['version', 'arch', 'name', 'size', 'url', 'added'],
      packages.map((p) => [p.version, p.arch, p.name, p.size, p.url, isoSeconds(p.createdAt)]),
    );
  });

  withJson(withAppOptions(pkg.command('pull').description('pull a version: never offered again, its rollouts halt').argument('<version>', 'the version to pull')))
    .requiredOption('--reason <text>', 'why, shown with the pulled version (required)')
    .action(pull);

  withJson(withAppOptions(pkg.command('pulled').description('list pulled versions with why, by whom and when'))).action(async (o: AppOpts) => {
    const { pulled } = await request<{ pulled: Pulled[] }>(o, 'GET', appPath(o, 'pulled'));
    if (o.json) return printJson(pulled);
    if (pulled.length === 0) process.stdout.write('no pulled versions\n');
    else await printTable(['version', 'reason', 'by', 'at'], pulled.map((p) => [p.version, p.reason, p.by, isoSeconds(p.at)]));
  });
}
