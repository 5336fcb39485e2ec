// The release commands as users run them: the real `platte` binary against a real Platte (embedded
// store, fake clock), checking what people read (tables, aligned views, hints) and what scripts
// read (--json on every listing).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, FLATCAR, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Seven nodes: n0 is seen first, n6 last. n1 fails with a flagged error code, n2 and n3 are canaries. */
const NODES = Array.from({ length: 7 }, (_, i) => `${i}`.repeat(32));
const TEST_OMAHA_URL_FLAG = 1 << 28;

describe('platte release commands', () => {
  let t: TestPlatte;
  let server: Server;
  let env: Record<string, string>;
  const cli = async (...args: string[]) => {
    const r = await runCli(args, env);
    assert.equal(r.code, 0, `platte ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const omaha = (body: string) => t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(body).expect(200);

  before(async () => {
    t = await startPlatte('embedded');
    server = t.platte.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    env = { PLATTE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, PLATTE_TOKEN: ADMIN_TOKEN };
    await seedRelease(t);
    for (const [id, track] of [['prod', 'stable'], ['canary', 'canary']]) {
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/${id}`).set('Authorization', t.auth).send({ track, channel: 'stable' }).expect(201);
    }
    for (const [i, machineid] of NODES.entries()) {
      const canary = i === 2 || i === 3;
      await omaha(ueRequest({ machineid, alias: `node-${i}`, track: canary ? 'canary' : 'stable', version: canary ? '3602.2.0' : '3510.2.0' }));
      t.advance(60_000);
    }
    await omaha(ueRequest({ machineid: NODES[1], alias: 'node-1', updatecheck: false, ping: false, events: [{ type: 3, result: 0, errorcode: TEST_OMAHA_URL_FLAG | 10 }] }));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('app list prints a table; --json gives the API list', async () => {
    const table = await cli('app', 'list');
    const json = await cli('app', 'list', '--json');
    assert.match(table.stdout, /│ id\s+│ name\s+│ created\s+│/);
    assert.match(table.stdout, new RegExp(`│ ${FLATCAR} │ Flatcar │ ${iso(START)} │`));
    assert.deepEqual(JSON.parse(json.stdout).map((a: { id: string }) => a.id), [FLATCAR]);
  });

  it('every listing takes --json', async () => {
    const json = async (...args: string[]) => JSON.parse((await cli(...args, '--json')).stdout);
    const packages = await json('package', 'list');
    const channels = await json('channel', 'list');
    const groups = await json('group', 'list');
    const activity = await json('activity');
    const summary = await json('summary');
    const tokens = await json('token', 'list');
    assert.deepEqual(packages.map((p: { version: string }) => p.version).sort(), ['3510.2.0', '3602.2.0']);
    assert.deepEqual(channels.map((c: { name: string; version: string }) => [c.name, c.version]), [['stable', '3602.2.0']]);
    assert.deepEqual(groups.map((g: { id: string }) => g.id).sort(), ['canary', 'prod']);
    assert.ok(activity.some((a: { kind: string }) => a.kind === 'channel-promoted'));
    assert.equal(summary.instances, NODES.length);
    assert.deepEqual(tokens, [], 'the admin token of the configuration is not a stored token');
  });

  it('instance <id> is a readable view: aligned fields, ISO times, names for events and error codes', async () => {
    const { stdout } = await cli('instance', NODES[1]!);
    assert.match(stdout, /^version: +3510\.2\.0$/m);
    assert.match(stdout, /^status: +error, since /m);
    assert.match(stdout, /^group: +prod$/m);
    assert.match(stdout, /^target: +3602\.2\.0$/m);
    assert.match(stdout, /^last error: +10 payload-hash-mismatch-error$/m);
    assert.match(stdout, new RegExp(`^last seen: +${iso(START + 7 * 60_000)} \\(\\d+[smhd] ago\\)$`, 'm'));
    assert.match(stdout, /^alias: +node-1$/m);
    const keys = stdout.split('\n\n')[0]!.split('\n').map((l) => l.search(/(?<=: +)\S/));
    assert.equal(new Set(keys).size, 1, `values aligned:\n${stdout}`);
    assert.match(stdout, /History \(newest first\)/);
    assert.match(stdout, new RegExp(`│ ${iso(START + 7 * 60_000)} │ 3/0 update complete: error +│ 10 payload-hash-mismatch-error │`));
    assert.match(stdout, new RegExp(`│ ${iso(START + 60_000)} │ update offered: 3602\\.2\\.0 `));
    assert.doesNotMatch(stdout, /"eventType"|17\d{11}/, 'no raw JSON or epoch milliseconds');
    const raw = JSON.parse((await cli('instance', NODES[1]!, '--json')).stdout);
    assert.equal(raw.instance.machineId, NODES[1]);
    assert.equal(raw.history[0].eventType, 3);
  });

  it('instances filters by --status, --group and --version on the server', async () => {
    const ids = (r: { stdout: string }) => JSON.parse(r.stdout).map((i: { machineId: string }) => i.machineId);
    assert.deepEqual(ids(await cli('instances', '--status', 'error', '--json')), [NODES[1]]);
    assert.deepEqual(ids(await cli('instances', '--group', 'canary', '--json')), [NODES[3], NODES[2]]);
    assert.deepEqual(ids(await cli('instances', '--version', '3510.2.0', '--json')), [NODES[1], NODES[6], NODES[5], NODES[4], NODES[0]]);
    const both = await cli('instances', '--group', 'prod', '--status', 'granted', '--limit', '2', '--all', '--json');
    assert.deepEqual(ids(both), [NODES[6], NODES[5], NODES[4], NODES[0]]);
    assert.equal((await cli('instances', '--version', '9.9.9')).stdout, 'no instances match\n');
    const bad = await runCli(['instances', '--status', 'exploded'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /exploded/);
  });

  it('instances pages with --limit and --cursor, hints at the next page, and --all follows to the end', async () => {
    const first = await cli('instances', '--limit', '3');
    assert.equal(first.stdout.match(/node-\d/g)?.length, 3);
    const cursor = /more instances: run again with --cursor (\S+) \(or --all\)/.exec(first.stdout)?.[1];
    assert.ok(cursor, first.stdout);
    const second = await cli('instances', '--limit', '3', '--cursor', cursor, '--json');
    assert.deepEqual(JSON.parse(second.stdout).map((i: { alias: string }) => i.alias), ['node-4', 'node-3', 'node-2']);
    assert.match(second.stderr, /more instances: run again with --cursor/, 'with --json the hint goes to stderr');
    const all = await cli('instances', '--limit', '2', '--all', '--json');
    assert.equal(JSON.parse(all.stdout).length, NODES.length);
    assert.doesNotMatch(all.stdout + all.stderr, /more instances/);
  });

  it('token list shows id, name, role and creation time; token revoke <id> revokes', async () => {
    const created = await cli('token', 'create', 'ci-bot', '--role', 'read-only');
    const [, id, secret] = /^token (\w+) \(read-only\), shown once:\n(\S+)$/m.exec(created.stdout) ?? [];
    assert.ok(id && secret, created.stdout);
    const table = (await cli('token', 'list')).stdout;
    assert.match(table, /│ id\s+│ name\s+│ role\s+│ created\s+│/);
    assert.match(table, new RegExp(`│ ${id} │ ci-bot\\s*│ read-only │ ${iso(START + 7 * 60_000)} │`));
    assert.equal((await runCli(['summary'], { ...env, PLATTE_TOKEN: secret })).code, 0);
    assert.equal((await cli('token', 'revoke', id)).stdout, `revoked token ${id}\n`);
    assert.doesNotMatch((await cli('token', 'list')).stdout, /ci-bot/);
    const refused = await runCli(['summary'], { ...env, PLATTE_TOKEN: secret });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /401/);
    const unknown = await runCli(['token', 'revoke', id], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /404.*no token/);
  });

  it('instances prune --older-than forgets nodes not seen for that long and says how many', async () => {
    t.advance(2 * 86_400_000);
    await omaha(ueRequest({ machineid: NODES[0], alias: 'node-0' }));
    const bad = await runCli(['instances', 'prune', '--older-than', 'soon'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /older-than/);
    const two = await runCli(['instances', 'prune', '--older-than', '1d', '--max', '2', '--server', env.PLATTE_URL!, '--token', ADMIN_TOKEN], { PLATTE_URL: 'http://127.0.0.1:1', PLATTE_TOKEN: '' });
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, 'forgot 2 instances not seen for 1d (as many as --max: there may be more, run again)\n');
    assert.equal((await cli('instances', 'prune', '--older-than', '1d')).stdout, 'forgot 4 instances not seen for 1d\n');
    const left = JSON.parse((await cli('instances', '--json')).stdout);
    assert.deepEqual(left.map((i: { machineId: string }) => i.machineId), [NODES[0]]);
  });

  it('promote never creates a channel: a typo fails naming the channels; channel create and promote --create do', async () => {
    const typo = await runCli(['promote', 'stabel', '3602.2.0'], env);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /no channel "stabel"; channels: stable /);
    assert.equal((await cli('channel', 'create', 'beta')).stdout, 'channel beta created\n');
    assert.match((await runCli(['channel', 'create', 'beta'], env)).stderr, /HTTP 409.*channel "beta" exists/);
    assert.equal((await cli('promote', 'beta', '3510.2.0')).stdout, 'beta: (none) → 3510.2.0\n');
    assert.equal((await cli('promote', 'alpha', '3510.2.0', '--create')).stdout, 'channel alpha created\nalpha: (none) → 3510.2.0\n');
    assert.equal((await cli('promote', 'alpha', '3602.2.0', '--create')).stdout, 'alpha: 3510.2.0 → 3602.2.0\n', 'an existing channel is just promoted');
    const channels = JSON.parse((await cli('channel', 'list', '--json')).stdout);
    assert.deepEqual(channels.map((c: { name: string }) => c.name), ['alpha', 'beta', 'stable']);
  });
});
