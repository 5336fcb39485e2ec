// The `platte` command as a new user meets it: --version, usage mistakes that exit 2, a help text
// for every command and option, `platte serve`'s options generated from the settings table (and
// README's table kept to it), a start that loads no server code for --help, clear messages for a
// bad --server, and a clear line when the compiled code is missing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../platte/cli/program.ts';
import { defaultText, SETTING_LIST } from '../../platte/settings.ts';
import { BIN, runCli, type CliResult } from '../helpers/cli.ts';
import { freePort } from '../helpers/redis-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TRACE = fileURLToPath(new URL('./fixtures/trace-loads.mjs', import.meta.url));

function* commands(cmd: Command, prefix = 'platte'): Generator<[string, Command]> {
  for (const sub of cmd.commands) {
    const name = `${prefix} ${sub.name()}`;
    yield [name, sub];
    yield* commands(sub, name);
  }
}

/** Runs `node [--import trace] bin/platte.js args`. */
function run(args: string[], opts: { trace?: boolean; bin?: string } = {}): Promise<CliResult> {
  const pre = opts.trace ? ['--import', TRACE] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...pre, opts.bin ?? BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('platte basics', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  });

  it('usage mistakes exit 2 with one line saying what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['no-such-command'], /unknown command 'no-such-command'/],
      [['serve', '--no-such-option'], /unknown option '--no-such-option'/],
      [['promote', 'stable'], /missing required argument 'version'/],
      [['serve', '--port'], /option '--port <port>' argument missing/],
      [[], /Usage: platte/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `platte ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('every command, argument and option has a help text', () => {
    const missing: string[] = [];
    for (const [name, cmd] of commands(buildProgram())) {
      if (!cmd.description()) missing.push(name);
      for (const a of cmd.registeredArguments) if (!a.description) missing.push(`${name} <${a.name()}>`);
      for (const o of cmd.options) if (!o.description) missing.push(`${name} ${o.flags}`);
    }
    assert.deepEqual(missing, []);
  });

  it('`platte help <command>` answers for every top-level command', async () => {
    for (const [name] of commands(buildProgram())) {
      const words = name.split(' ').slice(1);
      if (words.length !== 1) continue;
      const r = await runCli(['help', ...words]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Usage: platte ${words[0]}`));
    }
  });

  it('--help loads the command line only: no server, store, simulator or validation code', async () => {
    const heavy = /node_modules\/(zod|koa|@koa|ioredis|bullmq|better-sqlite3|pino|xml2js|cli-progress|hdr-histogram-js)\//;
    for (const args of [['--help'], ['serve', '--help'], ['sim', '--help'], ['demo', '--help'], ['locks', '--help']]) {
      const r = await run(args, { trace: true });
      assert.equal(r.code, 0, r.stderr);
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED '));
      assert.ok(loaded.some((l) => l.includes('build/platte/cli/main.js')), 'runs the compiled code');
      assert.deepEqual(loaded.filter((l) => heavy.test(l) || /\.ts$/.test(l)), [], `platte ${args.join(' ')} loads them`);
    }
  });

  it('without the compiled code, the command says to build it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-nobuild-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(BIN, path.join(dir, 'bin', 'platte.js'));
      const r = await run(['--help'], { bin: path.join(dir, 'bin', 'platte.js') });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^platte: .*run `npm run build`/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('platte serve options come from the settings table', () => {
  it('every setting is a flag of `platte serve` with its variable and default in the help', async () => {
    const r = await runCli(['serve', '--help']);
    assert.equal(r.code, 0, r.stderr);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const [key, s] of SETTING_LIST) {
      assert.ok(help.includes(`${s.flag} <${s.arg}>`), `${key}: ${s.flag} in the help`);
      const def = defaultText(s);
      assert.ok(help.includes(`${s.env}${def === undefined ? ']' : `, default ${def}]`}`), `${key}: ${s.env} and default in the help`);
    }
  });

  it("every setting is a row of README's configuration table, with its default", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of readme.split('\n')) {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, ''));
      if (cells.length >= 4 && cells[0]!.startsWith('--')) rows.set(cells[0]!, cells);
    }
    for (const [key, s] of SETTING_LIST) {
      const row = rows.get(s.flag);
      assert.ok(row, `${key}: README has a row for ${s.flag}`);
      assert.equal(row[1], s.env, `${key}: variable in README`);
      assert.equal(row[2], defaultText(s) ?? '—', `${key}: default in README`);
    }
  });

  it('each generated flag sets its own setting (flag names differ from setting names)', async () => {
    let r = await runCli(['serve', '--default-lease', '5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--default-lease \/ PLATTE_DEFAULT_LEASE_SECONDS must be a whole number from 10 to 2592000 \(got "5" from --default-lease\)/);
    r = await runCli(['serve', '--trusted-proxy', '10.0.0.1', 'not-an-address']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--trusted-proxy \/ PLATTE_TRUSTED_PROXIES must be IP addresses or CIDRs.*\(got "not-an-address" from --trusted-proxy\)/);
    r = await runCli(['serve', '--redis', 'http://x'], { PLATTE_LOG_LEVEL: 'loud' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--redis \/ PLATTE_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL \(got "http:\/\/x" from --redis\)/);
    assert.match(r.stderr, /--log-level \/ PLATTE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud" from PLATTE_LOG_LEVEL\)/);
  });
});

describe('--server', () => {
  it('a server without http:// or https:// is a usage error naming the form', async () => {
    for (const server of ['127.0.0.1:8080', 'localhost:8080', 'platte.example']) {
      const r = await runCli(['app', 'list', '--server', server]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `platte: --server / PLATTE_URL must be a URL like http://127.0.0.1:8080 (got "${server}")\n`);
    }
  });

  it('https:// against a plain HTTP server suggests http://', async () => {
    const server = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await runCli(['app', 'list', '--server', `https://127.0.0.1:${port}`]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `platte: could not talk TLS to https://127.0.0.1:${port}: is the server plain HTTP? try http://127.0.0.1:${port}\n`);
    } finally {
      server.close();
    }
  });

  it('nothing listening: "cannot reach Platte", connection refused', async () => {
    const port = await freePort();
    const r = await runCli(['app', 'list', '--server', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^platte: cannot reach Platte at http://127\\.0\\.0\\.1:${port}: connection refused`));
  });
});
