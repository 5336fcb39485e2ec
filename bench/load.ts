// Shared benchmark plumbing: start a target in a child process, drive it with autocannon.
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

export interface Target {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script> ...args` and waits for it to print "ready". */
export function startTarget(script: string, args: string[]): Promise<Target> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) {
        resolve({
          child,
          stop: () =>
            new Promise<void>((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before ready`)));
  });
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function drive(opts: { url: string; path: string; seconds: number; connections: number; body: (i: number) => string }): Promise<LoadResult> {
  let i = 0;
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: 'POST',
        path: opts.path,
        headers: { 'content-type': 'text/xml' },
        setupRequest: (req) => ({ ...req, body: opts.body(i++) }),
      },
    ],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, errors: r.errors, non2xx: r.non2xx };
}
