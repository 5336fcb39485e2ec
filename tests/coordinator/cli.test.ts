// `platte locks …` against a real server (createPlatte + listen on a free port).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerLocksCommand, WAITING_SHOWN } from '../../coordinator/cli.ts';
import { CliError } from '../../kernel/cli/client.ts';
import { client, openTestPlatte, TOKENS, type TestPlatte } from './helpers.ts';

describe('platte locks', () => {
  let t: TestPlatte;
  let server: Server;
  let url: string;
  before(async () => {
    t = await openTestPlatte();
    t.clock.now = Date.now();
    server = t.platte.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  /** Runs `platte locks <args>` and returns what it printed. */
  async function locks(args: string[], token = TOKENS.release): Promise<string> {
    const program = new Command('platte').exitOverride();
    let printed = '';
    registerLocksCommand(program, (text) => {
      printed += text;
    });
    await program.parseAsync(['locks', ...args, '--server', url, '--token', token], { from: 'user' });
    return printed;
  }

  const pre = (id: string, group = 'default') => t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group));

  it('status without --group before any group exists says so (no "default" to fail on)', async () => {
    assert.equal(await locks(['status'], TOKENS.readOnly), 'no reboot groups yet\n');
    assert.deepEqual(JSON.parse(await locks(['status', '--json'], TOKENS.readOnly)), []);
  });

  it('status --group shows max, available, holders like locksmithctl; --json gives the API view', async () => {
    await pre('machine-a').expect(200);
    const text = await locks(['status', '--group', 'default'], TOKENS.readOnly);
    assert.match(text, /^Group: default$/m);
    assert.match(text, /^Available: 0$/m);
    assert.match(text, /^Max: 1$/m);
    assert.match(text, /^Paused: no$/m);
    assert.match(text, /^Windows: always open/m);
    assert.match(text, /machine-a/);
    const json = JSON.parse(await locks(['status', '--group', 'default', '--json'], TOKENS.readOnly));
    assert.equal(json.holders[0].id, 'machine-a');
  });

  it('set-max prints old and new and lets a waiting node in', async () => {
    await pre('machine-b').expect(409);
    const text = await locks(['set-max', '2']);
    assert.equal(text, 'Old: 1\nNew: 2\n');
    await pre('machine-b').expect(200);
    await assert.rejects(locks(['set-max', 'two']), (err: Error) => err instanceof CliError && /whole number/.test(err.message));
  });

  it('unlock <id> force-releases; an unknown holder is a clear error', async () => {
    assert.equal(await locks(['unlock', 'machine-a', '--reason', 'gone']), 'Unlocked machine-a in group default\n');
    await assert.rejects(locks(['unlock', 'machine-a']), (err: Error) => err instanceof CliError && /holds no slot/.test(err.message));
  });

  it('pause / resume with --group, and status --all', async () => {
    await pre('w1', 'workers').expect(200);
    assert.equal(await locks(['pause', '--group', 'workers', '--reason', 'INC-9']), 'Paused group workers\n');
    assert.match(await locks(['status', '--group', 'workers'], TOKENS.readOnly), /^Paused: yes \(INC-9\)$/m);
    await pre('w2', 'workers').expect(423);
    assert.equal(await locks(['resume', '--group', 'workers']), 'Resumed group workers\n');
    const all = await locks(['status', '--all'], TOKENS.readOnly);
    assert.match(all, /default/);
    assert.match(all, /workers/);
  });

  it('status without --group lists every group in one table; --json gives them all', async () => {
    const text = await locks(['status'], TOKENS.readOnly);
    assert.doesNotMatch(text, /^Group:/m, 'a table, not one group in detail');
    const header = text.split('\n').find((l) => /group/.test(l))!;
    for (const col of ['group', 'max', 'holders', 'waiting', 'paused', 'window']) assert.match(header, new RegExp(`\\b${col}\\b`));
    assert.match(text, /│ default\s+│ 2\s+│ 1\s+│/);
    assert.match(text, /│ workers\s+│ 1\s+│ 1\s+│/);
    const json = JSON.parse(await locks(['status', '--json'], TOKENS.readOnly));
    assert.deepEqual(json.map((g: { group: string }) => g.group).sort(), ['default', 'workers']);
  });

  it('status --group caps a long waiting list with a count; --all shows every waiting node', async () => {
    await pre('crowd-holder', 'crowd').expect(200);
    for (let i = 0; i < WAITING_SHOWN + 4; i++) await pre(`crowd-${String(i).padStart(2, '0')}`, 'crowd').expect(409);
    const capped = await locks(['status', '--group', 'crowd'], TOKENS.readOnly);
    assert.match(capped, new RegExp(`^Waiting \\(last 15 min\\): ${WAITING_SHOWN + 4}$`, 'm'));
    assert.equal(capped.match(/crowd-\d\d/g)?.length, WAITING_SHOWN);
    assert.match(capped, /^… and 4 more \(--all shows every one\)$/m);
    const all = await locks(['status', '--group', 'crowd', '--all'], TOKENS.readOnly);
    assert.equal(all.match(/crowd-\d\d/g)?.length, WAITING_SHOWN + 4);
    assert.doesNotMatch(all, /more \(--all/);
    assert.match(await locks(['status'], TOKENS.readOnly), new RegExp(`│ crowd\\s+│ 1\\s+│ 1\\s+│ 0\\s+│ ${WAITING_SHOWN + 4}\\s+│`));
  });

  it('set-window (locksmith form), --add, clear-windows, set-lease', async () => {
    assert.match(await locks(['set-window', 'Thu 04:00', '1h', '--zone', 'Europe/Berlin', '--group', 'workers']), /Windows: Thu 04:00 for 1h \(Europe\/Berlin\)/);
    const both = await locks(['set-window', '22:00', '2h', '--days', 'Sat-Sun', '--add', '--group', 'workers']);
    assert.match(both, /Thu 04:00 for 1h \(Europe\/Berlin\); Sun,Sat 22:00 for 2h \(UTC\)/);
    assert.match(await locks(['clear-windows', '--group', 'workers']), /always open/);
    assert.equal(await locks(['set-lease', '90m', '--policy', 'release', '--group', 'workers']), 'Lease: 1h30m, on expiry: release\n');
    await assert.rejects(locks(['set-window', '25:00', '1h']), (err: Error) => err instanceof CliError && /bad start/.test(err.message));
  });

  it('a read-only token cannot act', async () => {
    await assert.rejects(locks(['set-max', '5'], TOKENS.readOnly), (err: Error) => err instanceof CliError && /403/.test(err.message));
  });
});
