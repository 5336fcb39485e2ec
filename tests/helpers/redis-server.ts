// Starts a private redis-server on a free port in a temp dir, so tests can stop, kill -9 and
// restart it without touching any shared Redis. Needs `redis-server` on PATH (.ci/run installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** SHUTDOWN (saves when persistence is on) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to save. */
  kill(): Promise<void>;
  /** Start again on the same port and dir (so AOF/RDB files are reloaded). */
  restart(): Promise<void>;
  /** stop() and remove the temp dir. */
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitReady(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.write('PING\r\n');
        sock.once('data', (d) => {
          sock.destroy();
          if (d.toString().startsWith('+PONG')) resolve();
          else retry();
        });
      });
      sock.once('error', () => {
        sock.destroy();
        retry();
      });
    };
    const retry = () => {
      if (Date.now() > deadline) reject(new Error(`redis-server on port ${port} did not start`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}

export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-redis-'));
  let child: ChildProcess | null = null;

  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--appendonly', opts.appendonly ? 'yes' : 'no');
    if (opts.appendonly) args.push('--appendfsync', 'always');
    child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', (err) => {
      throw new Error(`cannot start redis-server (is it installed?): ${err.message}`);
    });
    await waitReady(port);
  };

  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill(signal);
    });

  await launch();
  const api: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => waitExit('SIGTERM'),
    kill: () => waitExit('SIGKILL'),
    restart: async () => {
      await waitExit('SIGTERM');
      await launch();
    },
    cleanup: async () => {
      await waitExit('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}
