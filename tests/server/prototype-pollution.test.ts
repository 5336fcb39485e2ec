// Names that are Object.prototype's own property names (`__proto__`, `constructor`, `toString`...)
// through every surface that takes a name, on both stores: reserved names are refused where users
// name things, node data carrying them is counted like any other value, nothing ever reaches
// Object.prototype, and strict-schema writes keep working.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const RESERVED = ['__proto__', 'constructor', 'prototype'];
const HOSTILE = [...RESERVED, 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
const SHA256 = 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=';
const PROTOTYPE = new Map(Object.getOwnPropertyNames(Object.prototype).map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)]));

/** Puts Object.prototype back as it was (so one failure does not cascade); returns what had changed. */
function restorePrototype(): string[] {
  const changed: string[] = [];
  for (const n of Object.getOwnPropertyNames(Object.prototype)) {
    const was = PROTOTYPE.get(n);
    if (was && Object.getOwnPropertyDescriptor(Object.prototype, n)?.value === was.value) continue;
    changed.push(n);
    if (was) Object.defineProperty(Object.prototype, n, was);
    else delete (Object.prototype as Record<string, unknown>)[n];
  }
  return changed;
}

function assertUnpolluted(names: string[]): void {
  for (const n of names) if (!PROTOTYPE.has(n)) assert.equal(({} as Record<string, unknown>)[n], undefined, `({})[${JSON.stringify(n)}]`);
  assert.deepStrictEqual(restorePrototype(), [], 'Object.prototype is unchanged');
}

const pkg = (version: string, over: Record<string, unknown> = {}) => ({
  version,
  url: `https://update.example.test/amd64-usr/${version}`,
  name: 'flatcar_production_update.gz',
  size: 1234,
  sha256: SHA256,
  ...over,
});

for (const kind of STORE_KINDS) {
  describe(`names like __proto__ and constructor (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t);
    });
    after(() => t.close());
    afterEach(() => assert.deepStrictEqual(restorePrototype(), [], 'Object.prototype is unchanged'));

    const api = (method: 'get' | 'post' | 'put', path: string, body?: object) => {
      const req = t.http[method](path).set('Authorization', t.auth);
      return body === undefined ? req : req.send(body);
    };
    const omaha = (o: Parameters<typeof ueRequest>[0]) => t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest(o));
    const fleetlock = (op: 'pre-reboot' | 'steady-state', id: string, group: string) =>
      t.http.post(`/v1/${op}`).set('fleet-lock-protocol', 'true').send({ client_params: { id, group } });
    const apps = `/api/v1/apps/${FLATCAR}`;

    /** Strict-schema writes: each would answer "400 unknown field" with a polluted Object.prototype. */
    const strictWritesWork = async (tag: string) => {
      await api('post', '/api/v1/tokens', { name: `probe-${tag}`, role: 'read-only' }).expect(201);
      const id = randomUUID();
      await api('post', '/api/v1/apps', { id, name: `probe ${tag}` }).expect(201);
      await api('post', `/api/v1/apps/${id}/packages`, pkg('1.0.0')).expect(201);
      await api('post', `/api/v1/apps/${id}/channels`, { name: 'stable' }).expect(201);
      await api('put', `/api/v1/apps/${id}/channels/stable`, { version: '1.0.0' }).expect(200);
      await api('post', `/api/v1/apps/${id}/groups`, { id: 'prod', track: 'prod', channel: 'stable' }).expect(201);
      await api('post', `/api/v1/apps/${id}/instances/prune`, { olderThanDays: 1 }).expect(200);
    };

    it('refuses reserved names for channels, groups, apps and reboot groups', async () => {
      const refused = async (res: { status: number; body: { error?: { code: string; message: string } } }, field: string) => {
        assert.equal(res.status, 400);
        assert.equal(res.body.error?.code, 'validation_failed');
        assert.match(res.body.error?.message ?? '', new RegExp(`${field}.*reserved`));
      };
      for (const name of RESERVED) {
        await refused(await api('put', `${apps}/channels/${name}`, { version: '3602.2.0' }), 'channel');
        await refused(await api('post', `${apps}/channels`, { name }), 'name');
        await refused(await api('post', `${apps}/groups`, { id: name, track: 'x', channel: 'stable' }), 'id');
        await refused(await api('post', `${apps}/groups`, { id: 'g1', track: 'x', channel: name }), 'channel');
        await refused(await api('post', `${apps}/groups`, { id: 'g1', name, track: 'x', channel: 'stable' }), 'name');
        await refused(await api('put', `${apps}/groups/${name}`, { track: 'x', channel: 'stable' }), 'group');
        await refused(await api('post', '/api/v1/apps', { id: randomUUID(), name }), 'name');
        const op = await api('put', `/api/v1/reboot-groups/${name}`, { max: 2 });
        assert.equal(op.status, 400, `reboot group ${name}`);
        assert.equal(op.body.error?.code, 'bad_request');
        const fl = await fleetlock('pre-reboot', 'node-1', name);
        assert.equal(fl.status, 400, `FleetLock group ${name}`);
        assert.equal(fl.body.kind, 'bad_request');
        assert.match(fl.body.value, /client_params\.group/);
      }
      assert.deepStrictEqual((await api('get', `${apps}/channels`).expect(200)).body.channels.map((c: { name: string }) => c.name), ['stable']);
      assert.deepStrictEqual((await api('get', `${apps}/groups`).expect(200)).body.groups, []);
      await strictWritesWork('refused');
    });

    it('counts nodes whose track, version or board is such a name; writes keep working', async () => {
      const machine = (i: number, j: number) => `${kind === 'redis' ? 'b' : 'a'}${i}${j}`.padEnd(32, '0');
      for (const [i, track] of HOSTILE.entries()) {
        for (const j of [0, 1]) {
          const res = await omaha({ machineid: machine(i, j), track, version: '3510.2.0', board: j === 0 ? track : 'amd64-usr' }).expect(200);
          assert.equal((await readAnswer(res.text)).apps[0]?.status, 'ok');
        }
        await omaha({ machineid: machine(i, 9), track: 'stable', version: track }).expect(200);
      }
      const s = (await api('get', `${apps}/summary`).expect(200)).body;
      assert.deepStrictEqual(s.unknownTracks, Object.fromEntries(HOSTILE.map((n) => [n, 2])));
      assert.deepStrictEqual(Object.keys(s.byGroup).sort(), [...HOSTILE.map((n) => `?${n}`), 'stable'].sort());
      assert.deepStrictEqual(s.byVersion, { '3510.2.0': 2 * HOSTILE.length, other: HOSTILE.length });
      assert.equal(Object.values(s.byStatus as Record<string, number>).reduce((a, b) => a + b, 0), 3 * HOSTILE.length);
      assert.equal(s.instances, 3 * HOSTILE.length);
      const inst = (await api('get', `${apps}/instances/${machine(1, 0)}`).expect(200)).body.instance;
      assert.equal(inst.arch, 'unknown:constructor', 'a board named like a prototype property is just an unknown arch');
      assertUnpolluted(HOSTILE);
      await strictWritesWork('counted');
    });

    it('property: any name through every endpoint leaves Object.prototype alone', async () => {
      const name = fc.oneof(
        fc.constantFrom(...HOSTILE),
        fc.stringMatching(/^[a-zA-Z0-9._-]{1,16}$/),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(name, async (n) => {
          run++;
          const e = encodeURIComponent(n);
          const answers = [
            await api('post', '/api/v1/apps', { id: randomUUID(), name: n }),
            await api('put', `${apps}/channels/${e}`, { version: '3602.2.0' }),
            await api('post', `${apps}/groups`, { id: n, name: n, track: n, channel: n }),
            await api('put', `${apps}/groups/${e}`, { track: `${n}-t${run}`, channel: 'stable' }),
            await api('post', '/api/v1/tokens', { name: n, role: 'read-only' }),
            await api('post', `${apps}/packages`, pkg(`9.${run}.0`, { name: n, arch: n })),
            await api('put', `/api/v1/reboot-groups/${e}`, { max: 2 }),
            await fleetlock('pre-reboot', n, n),
            await fleetlock('steady-state', n, n),
            await omaha({ machineid: n, track: n, version: n, alias: n, board: n }),
            await omaha({ machineid: `p${run}`, track: n, version: '3510.2.0' }),
            await api('get', `${apps}/summary`),
            await api('get', `${apps}/instances`),
            await api('get', `${apps}/instances/${e}`),
            await api('get', `${apps}/channels/${e}`),
            await api('get', `${apps}/groups/${e}`),
            await api('get', `/api/v1/reboot-groups/${e}`),
            await api('get', '/api/v1/reboot-groups'),
            await api('post', `${apps}/channels`, { name: n }),
          ];
          for (const [i, res] of answers.entries()) assert.ok(res.status < 500, `request ${i} answered ${res.status} for ${JSON.stringify(n)}: ${res.text.slice(0, 200)}`);
          assertUnpolluted([n]);
          const s = answers[11]!.body as { instances: number; byStatus: object; unknownTracks: object };
          const sum = (o: object) => Object.values(o).reduce((a: number, v: unknown) => a + (typeof v === 'number' ? v : NaN), 0);
          assert.equal(sum(s.byStatus), s.instances, 'every node counted once, by status');
          assert.ok(Number.isInteger(sum(s.unknownTracks)), 'unknown tracks are counts');
          await api('post', '/api/v1/tokens', { name: `probe-${run}`, role: 'read-only' }).expect(201);
        }),
        { numRuns: 40, seed: 8, examples: HOSTILE.map((n) => [n] as [string]) },
      );
      await strictWritesWork('property');
    });
  });
}
