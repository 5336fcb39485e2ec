// Options and output shared by the CLI commands that talk to a running server.
// Registration must stay cheap (`platte --help` loads every command file), so this module imports
// only commander; cli-table3 is loaded when a table is printed.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ClientOptions } from './client.ts';

/** Adds --server and --token (with their environment variables) to a command. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--server <url>', 'Platte server URL').env('PLATTE_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <token>', 'API token').env('PLATTE_TOKEN'));
}

/** Adds --json to a listing command. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print the API answer as JSON instead of a table');
}

function clientOptions(opts: { server: string; token?: string }): ClientOptions {
  return { server: opts.server, ...(opts.token ? { token: opts.token } : {}) };
}

/** commander argParser for a whole number within [min, max]: a usage error otherwise. */
export function intArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A table as text (cli-table3 loaded on first use). */
export async function formatTable(head: string[], rows: (string | number)[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString();
}

export async function printTable(head: string[], rows: (string | number)[][]): Promise<void> {
  process.stdout.write(`${await formatTable(head, rows)}\n`);
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

/** `2026-11-25T12:00:00Z (3m ago)`: the exact time for the record, the age for the eye. */
export function when(ms: number, now = Date.now()): string {
  return `${isoSeconds(ms)} (${ago(ms, now)})`;
}

/** ISO 8601 in UTC to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Calls the JSON API; the HTTP client is loaded when a command runs, not when it is registered. */
export async function request<T = unknown>(opts: { server: string; token?: string }, method: string, path: string, body?: unknown): Promise<T> {
  const { apiRequest } = await import('./client.ts');
  return apiRequest<T>(clientOptions(opts), method, path, body);
}

/** Ends a command with a message on stderr and exit code 1 (a CliError, which main.ts reports). */
export async function fail(message: string): Promise<never> {
  const { CliError } = await import('./client.ts');
  throw new CliError(message);
}
