// Several server processes in one test: start a fixture that prints {"port": n} once listening,
// and talk HTTP to them with node:http and keep-alive (much lighter on the test's CPU than fetch,
// so the servers are what is loaded). Fixtures use serveForTest to listen and report.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';

export interface TestProcess {
  child: ChildProcess;
  url: string;
}

/** Runs `fixture` (a TypeScript file) with `env` added and waits for the port it reports. */
export async function startProcess(fixture: string, env: Record<string, string>): Promise<TestProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

/** SIGTERM to each, waiting for it to exit. */
export async function stopProcesses(procs: readonly TestProcess[]): Promise<void> {
  for (const p of procs) {
    p.child.kill('SIGTERM');
    if (p.child.exitCode === null) await once(p.child, 'exit');
  }
}

/** One request; the answer's status and text. */
export function send(agent: http.Agent, url: string, method: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** In a fixture: serve `handler` on a free port, print {"port": n}, and on SIGTERM close and run `close`, then exit. */
export function serveForTest(handler: http.RequestListener, close: () => Promise<void>): void {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void close().finally(() => process.exit(0));
  });
}
