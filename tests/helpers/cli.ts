// Runs the real `platte` command (bin/platte.js) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/platte.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`platte ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    // 'close', not 'exit': output still in the pipes would be lost otherwise.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `platte serve` and waits until /healthz answers. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const portIdx = args.indexOf('--port');
  const url = `http://127.0.0.1:${args[portIdx + 1]}`;
  const child = spawn(process.execPath, [BIN, 'serve', '--log-level', 'warn', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platte serve exited early (${child.exitCode}):\n${out}\n${err}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`platte serve did not come up:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, stdout: () => out, exited };
}
