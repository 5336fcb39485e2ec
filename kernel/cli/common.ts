// Options shared by the CLI commands that talk to a running server.
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import type { ClientOptions } from './client.ts';

/** Adds --server and --token (with their environment variables) to a command. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--server <url>', 'Platte server URL').env('PLATTE_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <token>', 'API token').env('PLATTE_TOKEN'));
}

export function clientOptions(opts: { server: string; token?: string }): ClientOptions {
  return { server: opts.server, ...(opts.token ? { token: opts.token } : {}) };
}

export function printTable(head: string[], rows: (string | number)[][]): void {
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows.map((r) => r.map(String)));
  process.stdout.write(`${t.toString()}\n`);
}

export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
