// `platte serve` failing to start for reasons a user can fix: one line `platte: …` on stderr, exit
// 2, no stack trace; and the one-time admin token is created only once the server listens, so a
// failed start does not use it up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli, startServe, type CliResult } from '../helpers/cli.ts';
import { freePort } from '../helpers/redis-server.ts';

const NOBODY = 65534;
const ENV = { PLATTE_ADMIN_TOKEN: '', PLATTE_LOG_LEVEL: 'warn' };

/** Exit 2 and exactly one line on stderr matching `message`. */
function assertOneLine(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^platte: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stdout, /plt_/, 'no admin token printed');
}

/** `platte serve …` without privileges: as `nobody` when the tests run as root (who may do anything). */
function serveAsNobody(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], {
      env: { ...process.env, ...ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY, cwd: os.tmpdir() } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('platte serve start-up failures', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-startup-'));
    fs.chmodSync(dir, 0o755);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('port in use: one line, exit 2, and the admin token is printed by the start that works', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    const dataDir = path.join(dir, 'busy');
    let r: CliResult;
    try {
      r = await runCli(['serve', '--port', String(port), '--data-dir', dataDir], ENV);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    assertOneLine(r, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    const srv = await startServe(['--port', String(port), '--data-dir', dataDir], { PLATTE_ADMIN_TOKEN: '' });
    try {
      assert.match(srv.stdout(), /\n\s+plt_[A-Za-z0-9_-]+\s*\n/, 'the first start that listens prints the token');
    } finally {
      srv.child.kill('SIGTERM');
      assert.equal(await srv.exited, 0);
    }
  });

  it('an address that is not on this machine', async () => {
    const r = await runCli(['serve', '--host', '203.0.113.77', '--port', '0', '--data-dir', path.join(dir, 'addr')], ENV);
    assertOneLine(r, /cannot listen on 203\.0\.113\.77:0: 203\.0\.113\.77 is not an address of this machine/);
  });

  it('a host name that does not resolve', async () => {
    const r = await runCli(['serve', '--host', 'no-such-host.invalid', '--port', '0', '--data-dir', path.join(dir, 'name')], ENV);
    assertOneLine(r, /cannot listen on no-such-host\.invalid:0: no-such-host\.invalid is not a known host name/);
  });

  it('a privileged port without the right to use it', async (t) => {
    if (Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 80) return t.skip('ports below 1024 are open to everyone here');
    const dataDir = path.join(dir, 'nobody');
    fs.mkdirSync(dataDir, { mode: 0o777 });
    fs.chmodSync(dataDir, 0o777);
    const r = await serveAsNobody(['--port', '80', '--data-dir', dataDir]);
    assertOneLine(r, /cannot listen on 127\.0\.0\.1:80: permission denied \(ports below 1024 need root or CAP_NET_BIND_SERVICE\)/);
  });

  it('a data directory under a regular file', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    let r = await runCli(['serve', '--port', '0', '--data-dir', path.join(file, 'data')], ENV);
    assertOneLine(r, /cannot use the data directory .*a-file\/data \(--data-dir \/ PLATTE_DATA_DIR\): part of the path is a file, not a directory/);
    r = await runCli(['serve', '--port', '0', '--data-dir', file], ENV);
    assertOneLine(r, /cannot use the data directory .*a-file \(--data-dir \/ PLATTE_DATA_DIR\): it is a file, not a directory/);
  });

  it('a data directory that cannot be created (under /proc)', async () => {
    // Node's recursive mkdir never returns for such a path: the start must not hang either.
    const r = await runCli(['serve', '--port', '0', '--data-dir', '/proc/platte-test-data'], ENV, 15_000);
    assertOneLine(r, /cannot use the data directory \/proc\/platte-test-data \(--data-dir \/ PLATTE_DATA_DIR\): it cannot be created there/);
  });

  it('a data directory without write permission', async () => {
    const readOnly = path.join(dir, 'read-only');
    fs.mkdirSync(readOnly, { mode: 0o555 });
    fs.chmodSync(readOnly, 0o555);
    const r = await serveAsNobody(['--port', '0', '--data-dir', readOnly]);
    assertOneLine(r, /cannot use the data directory .*read-only \(--data-dir \/ PLATTE_DATA_DIR\): permission denied/);
  });

  it('Redis that does not answer', async () => {
    const port = await freePort();
    const r = await runCli(['serve', '--port', '0', '--redis', `redis://user:secret@127.0.0.1:${port}`], ENV);
    assertOneLine(r, new RegExp(`cannot use Redis at redis://user:\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(--redis / PLATTE_REDIS_URL\\): connection refused`));
    assert.doesNotMatch(r.stderr, /secret/);
  });
});
