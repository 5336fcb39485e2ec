// `platte serve` as users run it: first-start token, CLI commands against it, graceful stop,
// data kept across a clean restart and a kill -9, clear errors for bad configuration.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startServe, type ServerProcess } from '../helpers/cli.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { freePort } from '../helpers/redis-server.ts';

const FLATCAR = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

describe('platte serve + CLI', () => {
  let dir: string;
  let port: number;
  let srv: ServerProcess;
  let token: string;
  let env: Record<string, string>;
  const payload = crypto.randomBytes(4096);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-cli-'));
    port = await freePort();
    srv = await startServe(['--port', String(port), '--data-dir', path.join(dir, 'data')], { PLATTE_ADMIN_TOKEN: '' });
    const m = /\n\s+(plt_[A-Za-z0-9_-]+)\s*\n/.exec(srv.stdout());
    assert.ok(m, `first start prints an admin token:\n${srv.stdout()}`);
    token = m[1]!;
    env = { PLATTE_URL: srv.url, PLATTE_TOKEN: token, PLATTE_ADMIN_TOKEN: '' };
    fs.writeFileSync(path.join(dir, 'flatcar_production_update.gz'), payload);
  });
  after(async () => {
    srv?.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates an app, adds a package from a local file (size and hashes computed), promotes', async () => {
    let r = await runCli(['app', 'create', FLATCAR, 'Flatcar'], env);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli(['package', 'add', '3602.2.0', '--url', 'https://mirror.example/3602.2.0', '--file', path.join(dir, 'flatcar_production_update.gz')], env);
    assert.equal(r.code, 0, r.stderr);
    const pkg = JSON.parse(r.stdout);
    assert.equal(pkg.size, payload.length);
    assert.equal(pkg.sha256, crypto.createHash('sha256').update(payload).digest('base64'));
    assert.equal(pkg.sha1, crypto.createHash('sha1').update(payload).digest('base64'));
    assert.equal(pkg.name, 'flatcar_production_update.gz');
    r = await runCli(['promote', 'stable', '3602.2.0', '--create'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stable: \(none\) → 3602\.2\.0/);
  });

  it('shows instances after a node checks in', async () => {
    const res = await fetch(`${srv.url}/v1/update/`, { method: 'POST', body: ueRequest({ machineid: 'ab'.repeat(16), alias: 'node-1' }) });
    assert.equal(res.status, 200);
    const r = await runCli(['instances'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /abababab/);
    assert.match(r.stdout, /granted/);
  });

  it('CLI errors are clear and exit non-zero', async () => {
    let r = await runCli(['promote', 'stable', '9.9.9'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no package of version 9\.9\.9/);
    r = await runCli(['instances'], { ...env, PLATTE_TOKEN: 'wrong' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /401/);
    r = await runCli(['instances'], { ...env, PLATTE_URL: 'http://127.0.0.1:1' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot reach Platte/);
  });

  it('stops gracefully on SIGTERM and keeps its data; the token is not printed again', async () => {
    srv.child.kill('SIGTERM');
    assert.equal(await srv.exited, 0);
    srv = await startServe(['--port', String(port), '--data-dir', path.join(dir, 'data')], { PLATTE_ADMIN_TOKEN: '' });
    assert.doesNotMatch(srv.stdout(), /plt_/);
    const r = await runCli(['instances', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 1);
  });

  it('keeps acknowledged release writes across kill -9', async () => {
    const r = await runCli(['promote', 'beta', '3602.2.0', '--create'], env);
    assert.equal(r.code, 0, r.stderr);
    srv.child.kill('SIGKILL');
    await srv.exited;
    srv = await startServe(['--port', String(port), '--data-dir', path.join(dir, 'data')], { PLATTE_ADMIN_TOKEN: '' });
    const ch = await fetch(`${srv.url}/api/v1/apps/${FLATCAR}/channels/beta`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ch.status, 200);
    assert.equal(((await ch.json()) as { channel: { version: string } }).channel.version, '3602.2.0');
  });

  it('refuses bad configuration with a message naming the setting', async () => {
    const r = await runCli(['serve', '--port', 'eighty'], { PLATTE_ADMIN_TOKEN: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port \/ PLATTE_PORT/);
  });
});
