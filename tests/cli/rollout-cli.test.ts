// The rollout, pull and webhook commands as users run them: the real `platte` binary against a real
// Platte (embedded store, fake clock). Twenty amd64 nodes follow `stable` (on 3510.2.0) through the
// group `prod`; one arm64 node follows `beta` through `edge`. The cases run in order, as a release
// manager would: dry run, promote with steps, pause/resume/advance, pull, abort with rollback.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, FLATCAR, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const NODES = Array.from({ length: 20 }, (_, i) => `a${String(i).padStart(31, '0')}`);
const ARM_NODE = `b${'0'.repeat(31)}`;

describe('platte rollout, package pull and webhook commands', () => {
  let t: TestPlatte;
  let server: Server;
  let env: Record<string, string>;
  const run = (...args: string[]) => runCli(args, env);
  const cli = async (...args: string[]) => {
    const r = await run(...args);
    assert.equal(r.code, 0, `platte ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  /** A run that must fail with `code`, saying `message` on stderr in one line (plus commander's help hint). */
  const refused = async (code: number, message: RegExp, ...args: string[]): Promise<CliResult> => {
    const r = await run(...args);
    assert.equal(r.code, code, `platte ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    return r;
  };
  const channelVersion = async (name: string) => {
    const channels = JSON.parse((await cli('channel', 'list', '--json')).stdout) as { name: string; version: string | null }[];
    return channels.find((c) => c.name === name)?.version;
  };
  const api = (method: 'post' | 'put', path: string, body: object) => t.http[method](`/api/v1/apps/${FLATCAR}/${path}`).set('Authorization', t.auth).send(body);
  const checkIn = (machineid: string, board: string, track: string) =>
    t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest({ machineid, board, track, version: '3510.2.0' })).expect(200);

  before(async () => {
    t = await startPlatte('embedded');
    server = t.platte.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    env = { PLATTE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, PLATTE_TOKEN: ADMIN_TOKEN };
    await seedRelease(t, { versions: ['3374.2.0', '3510.2.0', '3602.2.0'], channelVersion: '3510.2.0' });
    await api('post', 'channels', { name: 'beta' }).expect(201);
    await api('put', 'groups/prod', { track: 'stable', channel: 'stable' }).expect(201);
    await api('put', 'groups/edge', { track: 'beta', channel: 'beta' }).expect(201);
    for (const id of NODES) await checkIn(id, 'amd64-usr', 'stable');
    await checkIn(ARM_NODE, 'arm64-usr', 'beta');
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('promote refuses rollout flags written wrongly: exit 2, the flag named, nothing sent', async () => {
    await refused(2, /^error: --soak: missing: --steps needs --soak/, 'promote', 'stable', '3602.2.0', '--steps', '1,10,100');
    await refused(2, /^error: --halt-on: "lots" is neither a number of failed nodes/, 'promote', 'stable', '3602.2.0', '--steps', '100', '--halt-on', 'lots');
    await refused(2, /^error: --linear: give either --steps or --linear/, 'promote', 'stable', '3602.2.0', '--steps', '100', '--linear', '5%/1d');
    await refused(2, /^error: --soak: "600" has no unit/, 'promote', 'stable', '3602.2.0', '--steps', '1,100', '--soak', '600', '--create');
    assert.equal(await channelVersion('stable'), '3510.2.0');
  });

  it('what the server judges (the last step must be 100) is refused with its 400 message', async () => {
    await refused(1, /HTTP 400.*100/, 'promote', 'stable', '3602.2.0', '--steps', '10,50', '--soak', '1h');
    assert.equal(await channelVersion('stable'), '3510.2.0');
  });

  it('promote --dry-run prints the groups and the nodes each step reaches, and changes nothing', async () => {
    const args = ['promote', 'stable', '3602.2.0', '--steps', '10,50,100', '--soak', '1h', '--dry-run'];
    const { stdout } = await cli(...args);
    assert.match(stdout, /^dry run, nothing changed: stable 3510\.2\.0 → 3602\.2\.0$/m);
    assert.match(stdout, /^groups following stable: prod \(track stable\)$/m);
    assert.match(stdout, /│ step │ percent │ nodes offered │ by arch +│ by version they run │/);
    assert.match(stdout, /│ 3 +│ 100 % +│ 20 +│ amd64: 20 │ 3510\.2\.0: 20 +│/);
    assert.match(stdout, /^would be accepted$/m);
    const json = JSON.parse((await cli(...args, '--json')).stdout);
    assert.equal(json.dryRun, true);
    assert.deepEqual(
      json.steps.map((s: { percent: number }) => s.percent),
      [10, 50, 100],
    );
    assert.equal(json.steps[2].nodes, 20);
    assert.equal(await channelVersion('stable'), '3510.2.0');
  });

  it('a version without a build for an arch the channel runs is refused unless --allow-missing-arch', async () => {
    const dry = await run('promote', 'beta', '3510.2.0', '--dry-run');
    assert.equal(dry.code, 1, 'a dry run that would be refused exits 1');
    assert.match(dry.stdout, /^no build of 3510\.2\.0 for: arm64 \(1 node\)$/m);
    assert.match(dry.stdout, /^would be refused: .*arm64/m);
    await refused(1, /HTTP 409.*arm64 \(1 node\).*\(--allow-missing-arch to promote it anyway\)$/m, 'promote', 'beta', '3510.2.0');
    assert.equal(await channelVersion('beta'), null);
    assert.equal((await cli('promote', 'beta', '3510.2.0', '--allow-missing-arch')).stdout.split('\n')[0], 'beta: (none) → 3510.2.0');
  });

  it('promote --steps --soak --halt-on starts a rollout; rollout status shows where it stands', async () => {
    const promoted = await cli('promote', 'stable', '3602.2.0', '--steps', '1,10,50,100', '--soak', '2h', '--halt-on', '3,5%');
    assert.equal(promoted.stdout, 'stable: 3510.2.0 → 3602.2.0\nstable: rollout of 3602.2.0 running at 1 % (step 1 of 4); follow it with: platte rollout status stable\n');
    const { stdout } = await cli('rollout', 'status', 'stable');
    assert.match(stdout, /^channel: +stable$/m);
    assert.match(stdout, /^state: +running/m);
    assert.match(stdout, /^version: +3602\.2\.0 ← 3510\.2\.0$/m);
    assert.match(stdout, /^offered to: +1 % of the nodes \(step 1 of 4\)$/m);
    assert.match(stdout, /^halt on: +3 failed nodes or 5 % of the granted nodes failed$/m);
    assert.match(stdout, /^failures: +0 \(0 counted by the halt rule\)$/m);
    assert.match(stdout, /│ 1 +│ open +│ 1 % +│ 2h +│ - +│ 2026-11-25T\d\d:\d\d:\d\dZ │/);
    assert.match(stdout, /│ 4 +│ pending +│ 100 % +│ 0s +│ - +│ - +│/);
    assert.match(stdout, /│ \S+Z │ start +│ - → running │ 1 +│/);
    assert.doesNotMatch(stdout, /17\d{11}|7200000/, 'no epoch or duration milliseconds');
    const json = JSON.parse((await cli('rollout', 'status', 'stable', '--json')).stdout);
    assert.equal(json.version, '3602.2.0');
    assert.deepEqual(json.plan.haltOn, { failures: 3, failurePercent: 5 });
  });

  it('rollout pause, resume and advance say where the rollout is; a refused action exits 1 with the reason', async () => {
    assert.equal((await cli('rollout', 'pause', 'stable', '--why', 'looking at node-3')).stdout, 'stable: rollout of 3602.2.0 paused at 1 % (step 1 of 4)\n');
    await refused(1, /HTTP 409/, 'rollout', 'pause', 'stable');
    assert.equal((await cli('rollout', 'resume', 'stable')).stdout, 'stable: rollout of 3602.2.0 running at 1 % (step 1 of 4)\n');
    assert.equal((await cli('rollout', 'advance', 'stable', '--why', 'canaries fine')).stdout, 'stable: rollout of 3602.2.0 running at 10 % (step 2 of 4)\n');
    const { stdout } = await cli('rollout', 'status', 'stable');
    assert.match(stdout, /│ advance +│ running → running │ 2 +│ [^│]+│ canaries fine +│/);
    assert.match(stdout, /│ pause +│ running → paused +│ 1 +│ [^│]+│ looking at node-3 +│/);
    const history = stdout.slice(stdout.indexOf('History'));
    assert.ok(history.indexOf('advance') < history.indexOf('pause'), 'newest first');
    await refused(1, /HTTP 404/, 'rollout', 'status', 'nightly');
  });

  it('package pull needs --reason, halts the rollout of the version and is listed by package pulled', async () => {
    await refused(2, /required option '--reason <text>' not specified/, 'package', 'pull', '3602.2.0');
    const pulled = await cli('package', 'pull', '3602.2.0', '--reason', 'kernel panic on boot');
    assert.equal(pulled.stdout, 'pulled 3602.2.0: kernel panic on boot\nhalted its rollout on: stable (only abort remains there)\n');
    await refused(1, /HTTP 409/, 'package', 'pull', '3602.2.0', '--reason', 'again');
    assert.match((await cli('package', 'pulled')).stdout, /│ 3602\.2\.0 │ kernel panic on boot │ [^│]+│ 2026-11-25T\d\d:\d\d:\d\dZ │/);
    assert.deepEqual(
      JSON.parse((await cli('package', 'pulled', '--json')).stdout).map((p: { version: string }) => p.version),
      ['3602.2.0'],
    );
    const { stdout } = await cli('rollout', 'status', 'stable');
    assert.match(stdout, /^state: +halted/m);
    assert.match(stdout, /^halted: +\S/m);
    assert.match(stdout, /^pulled: +yes/m);
    await refused(1, /HTTP 409/, 'rollout', 'resume', 'stable');
    const again = await refused(1, /HTTP 409.*pulled/, 'promote', 'stable', '3602.2.0');
    assert.doesNotMatch(again.stderr, /--allow-/, 'no flag overrides a pull');
  });

  it('rollout abort --rollback points the channel back at the previous version', async () => {
    const { stdout } = await cli('rollout', 'abort', 'stable', '--rollback', '--why', 'pulled');
    assert.equal(stdout, 'stable: rollout of 3602.2.0 aborted at 0 % (step 2 of 4)\nstable: back to 3510.2.0\n');
    assert.equal(await channelVersion('stable'), '3510.2.0');
    await refused(1, /HTTP 404\): not_found: channel stable has no rollout of its version 3510\.2\.0/, 'rollout', 'abort', 'stable');
  });

  it('a downgrade is refused with the flag that allows it; --allow-downgrade promotes it', async () => {
    await refused(1, /HTTP 409.*older.*\(--allow-downgrade to promote it anyway\)$/m, 'promote', 'stable', '3374.2.0');
    assert.equal((await cli('promote', 'stable', '3374.2.0', '--allow-downgrade')).stdout, 'stable: 3510.2.0 → 3374.2.0\n');
  });

  it('webhook add prints the secret once; list, test, deliveries and remove', async () => {
    await refused(2, /unknown event "rollout\.exploded"; events: rollout\.started, /, 'webhook', 'add', 'http://127.0.0.1:9/x', '--events', 'rollout.exploded');
    const receiver = `${env.PLATTE_URL}/no-such-receiver`;
    const added = await cli('webhook', 'add', receiver, '--events', 'rollout.halted,package.pulled', '--description', 'ops channel');
    const [, id] = /^webhook (wh_\S+) → (?:\S+) \(rollout\.halted, package\.pulled\)$/m.exec(added.stdout) ?? [];
    assert.ok(id, added.stdout);
    assert.match(added.stdout, /^signing secret, shown only now .*:\n\S+\n$/m);
    const table = (await cli('webhook', 'list')).stdout;
    assert.match(table, new RegExp(`│ ${id} │ ${receiver.replace(/[.]/g, '\\.')} │ rollout\\.halted, package\\.pulled +│ ops channel +│`));
    assert.doesNotMatch(table + (await cli('webhook', 'list', '--json')).stdout, /whsec_/, 'the secret is never shown again');
    assert.equal((await cli('webhook', 'deliveries', id!)).stdout, `no deliveries for webhook ${id} yet\n`);
    assert.match((await cli('webhook', 'test', id!)).stdout, new RegExp(`^queued test delivery \\S+; follow it with: platte webhook deliveries ${id}\\n$`));
    assert.match((await cli('webhook', 'deliveries', id!, '--limit', '5')).stdout, /│ \S+ +│ webhook\.test │ (pending|failed|delivered) +│/);
    await refused(2, /--limit/, 'webhook', 'deliveries', id!, '--limit', '0');
    assert.equal((await cli('webhook', 'remove', id!)).stdout, `removed webhook ${id}\n`);
    assert.equal((await cli('webhook', 'list')).stdout, 'no webhooks\n');
    await refused(1, /HTTP 404/, 'webhook', 'remove', id!);
  });

  it('group policy changes only the flags given, and the server names a field it refuses', async () => {
    const first = JSON.parse((await cli('group', 'policy', 'prod', '--max-in-progress', '5', '--window', 'Mon-Fri 09:00 8h Europe/Berlin')).stdout);
    assert.equal(first.maxInProgress, 5);
    assert.deepEqual(first.windows, [{ days: 'Mon-Fri', start: '09:00', length: '8h', zone: 'Europe/Berlin' }]);
    const second = JSON.parse((await cli('group', 'policy', 'prod', '--max-per-period', '50/1h', '--safe-mode', 'on')).stdout);
    assert.deepEqual(second.maxUpdatesPerPeriod, { count: 50, periodMs: 3_600_000 });
    assert.equal(second.maxInProgress, 5, 'kept');
    assert.equal(second.windows.length, 1, 'kept');
    assert.equal(second.safeMode, true);
    await refused(1, /policy\.windows\.0.*time zone/, 'group', 'policy', 'prod', '--window', '09:00 1h Mars/Olympus');
    await refused(2, /^error: --max-per-period: /, 'group', 'policy', 'prod', '--max-per-period', 'lots');
    const cleared = JSON.parse((await cli('group', 'policy', 'prod', '--no-windows', '--max-in-progress', 'off', '--max-per-period', 'off', '--safe-mode', 'off')).stdout);
    assert.deepEqual([cleared.windows, cleared.maxInProgress, cleared.maxUpdatesPerPeriod, cleared.safeMode], [[], null, null, false]);
  });
});
