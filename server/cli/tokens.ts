// `platte token create|list|revoke` (admin).
import { Option, type Command } from 'commander';
import { ROLES, type TokenRecord } from '../../kernel/auth/tokens.ts';
import { isoSeconds, printJson, printTable, request, withClientOptions, withJson } from '../../kernel/cli/common.ts';
import { enc } from './app-options.ts';

type ClientOpts = { server: string; token?: string; json?: boolean };
/** A token as the API shows it: never its secret. */
type TokenView = Pick<TokenRecord, 'name' | 'role' | 'createdAt'> & { id: string };

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens (admin only)');

  withClientOptions(token.command('create').description('create a token; its secret is printed once').argument('<name>', 'who or what uses it, e.g. ci'))
    .addOption(new Option('--role <role>', 'what it may do').choices(ROLES).makeOptionMandatory())
    .action(async (name: string, o: ClientOpts & { role: string }) => {
      const r = await request<{ token: TokenView & { secret: string } }>(o, 'POST', '/api/v1/tokens', { name, role: o.role });
      process.stdout.write(`token ${r.token.id} (${o.role}), shown once:\n${r.token.secret}\n`);
    });

  withJson(withClientOptions(token.command('list').description('list tokens (ids, never secrets)'))).action(async (o: ClientOpts) => {
    const { tokens } = await request<{ tokens: TokenView[] }>(o, 'GET', '/api/v1/tokens');
    if (o.json) return printJson(tokens);
    await printTable(['id', 'name', 'role', 'created'], tokens.map((t) => [t.id, t.name, t.role, isoSeconds(t.createdAt)]));
  });

  withClientOptions(token.command('revoke').description('revoke a token: requests carrying it are refused from now on').argument('<id>', 'token id, as `token list` shows it')).action(
    async (id: string, o: ClientOpts) => {
      await request(o, 'DELETE', `/api/v1/tokens/${enc(id)}`);
      process.stdout.write(`revoked token ${id}\n`);
    },
  );
}
