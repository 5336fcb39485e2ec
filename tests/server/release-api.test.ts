// The release-manager JSON API end to end, on both stores: contract, auth, validation, activity.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FILTER_PAGE_READS } from '../../server/api/routes/instances.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const SHA256_B64 = 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=';
const SHA256_HEX = Buffer.from(SHA256_B64, 'base64').toString('hex');
const pkg = (version: string, extra: Record<string, unknown> = {}) => ({
  version,
  url: 'https://update.example.test/amd64-usr/' + version,
  name: 'flatcar_production_update.gz',
  size: 1234,
  sha256: SHA256_B64,
  ...extra,
});

for (const kind of STORE_KINDS) {
  describe(`release API (${kind} store)`, () => {
    let t: TestPlatte;
    let release: string;
    let readOnly: string;
    before(async () => {
      t = await startPlatte(kind);
      const mk = async (role: string) => (await t.http.post('/api/v1/tokens').set('Authorization', t.auth).send({ name: role, role }).expect(201)).body.token.secret as string;
      release = `Bearer ${await mk('release')}`;
      readOnly = `Bearer ${await mk('read-only')}`;
    });
    after(() => t.close());

    it('creates an app (201), refuses a duplicate (409)', async () => {
      const res = await t.http.post('/api/v1/apps').set('Authorization', release).send({ id: `{${FLATCAR.toUpperCase()}}`, name: 'Flatcar' }).expect(201);
      assert.equal(res.body.app.id, FLATCAR);
      const dup = await t.http.post('/api/v1/apps').set('Authorization', release).send({ id: FLATCAR, name: 'again' }).expect(409);
      assert.equal(dup.body.error.code, 'conflict');
    });

    it('adds packages (201); the same version again is 409; hex digests are accepted', async () => {
      const r = await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).send(pkg('3510.2.0')).expect(201);
      assert.equal(r.body.package.url, 'https://update.example.test/amd64-usr/3510.2.0/', 'base URL gets its trailing slash');
      await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).send(pkg('3510.2.0')).expect(409);
      const hex = await t.http
        .post(`/api/v1/apps/${FLATCAR}/packages`)
        .set('Authorization', release)
        .send(pkg('3602.2.0', { sha256: SHA256_HEX, extraFiles: [{ name: 'oem-azure.gz', size: 10, sha256: SHA256_HEX }] }))
        .expect(201);
      assert.equal(hex.body.package.sha256, SHA256_B64);
      assert.equal(hex.body.package.extraFiles[0].sha256Hex, SHA256_HEX);
      await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).send(pkg('3602.2.0', { arch: 'arm64' })).expect(201);
    });

    it('promoting a channel that was never created is a 404 naming the channels; nothing is created', async () => {
      const none = await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', release).send({ version: '3510.2.0' }).expect(404);
      assert.match(none.body.error.message, /^no channel "stable"; the app has no channels yet/);
      for (const name of ['stable', 'beta', 'alpha']) {
        const r = await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', release).send({ name }).expect(201);
        assert.deepStrictEqual(r.body.channel, { appId: FLATCAR, name, version: null, updatedAt: r.body.channel.updatedAt, updatedBy: 'release', floors: [], allowDowngrade: false, rollout: null });
      }
      const typo = await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stabel`).set('Authorization', release).send({ version: '3510.2.0' }).expect(404);
      assert.equal(typo.body.error.code, 'not_found');
      assert.match(typo.body.error.message, /^no channel "stabel"; channels: alpha, beta, stable /);
      const list = await t.http.get(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', readOnly).expect(200);
      assert.deepStrictEqual(list.body.channels.map((c: { name: string }) => c.name), ['alpha', 'beta', 'stable']);
    });

    it('creating a channel: 409 when it exists, 400 for an ill-formed or reserved name or an unknown field, 403 read-only', async () => {
      const dup = await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', release).send({ name: 'stable' }).expect(409);
      assert.equal(dup.body.error.code, 'conflict');
      assert.match(dup.body.error.message, /channel "stable" exists/);
      for (const body of [{ name: 'a b' }, { name: '__proto__' }, { name: 'x', version: '3510.2.0' }, {}]) {
        const r = await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', release).send(body);
        assert.equal(r.status, 400, JSON.stringify(body));
      }
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', readOnly).send({ name: 'edge' }).expect(403);
      const act = await t.http.get(`/api/v1/apps/${FLATCAR}/activity`).set('Authorization', readOnly).expect(200);
      const created = act.body.activity.filter((a: { kind: string }) => a.kind === 'channel-created');
      assert.deepStrictEqual(created.map((a: { data: { channel: string }; actor: string }) => [a.data.channel, a.actor]), [['alpha', 'release'], ['beta', 'release'], ['stable', 'release']]);
    });

    it('promotes a channel, answering the previous version; records who and when', async () => {
      const first = await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', release).send({ version: '3510.2.0' }).expect(200);
      assert.equal(first.body.previous, null);
      t.advance(60_000);
      const second = await t.http.put(`/api/v1/apps/{${FLATCAR.toUpperCase()}}/channels/stable`).set('Authorization', release).send({ version: '3602.2.0' }).expect(200);
      assert.equal(second.body.previous, '3510.2.0');
      const ch = await t.http.get(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', readOnly).expect(200);
      assert.equal(ch.body.channel.version, '3602.2.0');
      assert.equal(ch.body.channel.updatedBy, 'release');
      const act = await t.http.get(`/api/v1/apps/${FLATCAR}/activity`).set('Authorization', readOnly).expect(200);
      const promos = act.body.activity.filter((a: { kind: string }) => a.kind === 'channel-promoted');
      assert.equal(promos.length, 2);
      assert.equal(promos[0].data.version, '3602.2.0', 'newest first');
      assert.equal(promos[0].actor, 'release');
      assert.ok(promos[0].at > promos[1].at);
    });

    it('refuses to promote a version that has no package (409)', async () => {
      const r = await t.http.put(`/api/v1/apps/${FLATCAR}/channels/stable`).set('Authorization', release).send({ version: '9999.0.0' }).expect(409);
      assert.match(r.body.error.message, /no package/);
    });

    it('401 without or with a wrong token, 403 for the wrong role', async () => {
      const a = await t.http.get('/api/v1/apps').expect(401);
      assert.equal(a.body.error.code, 'unauthorized');
      await t.http.get('/api/v1/apps').set('Authorization', 'Bearer nope').expect(401);
      const f = await t.http.post('/api/v1/apps').set('Authorization', readOnly).send({ id: 'abc', name: 'x' }).expect(403);
      assert.equal(f.body.error.code, 'forbidden');
      await t.http.post('/api/v1/tokens').set('Authorization', release).send({ name: 'x', role: 'admin' }).expect(403);
      await t.http.get('/api/v1/apps').set('Authorization', readOnly).expect(200);
    });

    it('400 with an error body for bad JSON, unknown fields, bad versions, sizes, hashes; nothing stored', async () => {
      const before = (await t.http.get(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release)).body.packages.length;
      const cases: [unknown, RegExp][] = [
        [pkg('1.2.3', { color: 'red' }), /unknown field/],
        [pkg('not-a-version'), /version/],
        [pkg('1.2.3', { size: -5 }), /size/],
        [pkg('1.2.3', { size: 1.5 }), /size/],
        [pkg('1.2.3', { sha256: 'abc' }), /sha256/],
        [pkg('1.2.3', { sha1: SHA256_B64 }), /sha1/],
        [pkg('1.2.3', { url: 'ftp://x/' }), /url/],
        [pkg('1.2.3', { name: '../etc/passwd' }), /name/],
        [pkg('1.2.3', { arch: 'sparc' }), /arch/],
      ];
      for (const [body, re] of cases) {
        const r = await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).send(body as object).expect(400);
        assert.equal(r.body.error.code, 'validation_failed');
        assert.match(r.body.error.message, re);
      }
      const badJson = await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).set('Content-Type', 'application/json').send('{"version": ').expect(400);
      assert.equal(badJson.body.error.code, 'invalid_json');
      await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release).set('Content-Type', 'text/plain').send('x').expect(415);
      const after = (await t.http.get(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', release)).body.packages.length;
      assert.equal(after, before);
    });

    it('404 for unknown apps, channels and instances', async () => {
      await t.http.get('/api/v1/apps/00000000-0000-0000-0000-000000000000').set('Authorization', readOnly).expect(404);
      await t.http.get(`/api/v1/apps/${FLATCAR}/channels/nope`).set('Authorization', readOnly).expect(404);
      await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${'0'.repeat(32)}`).set('Authorization', readOnly).expect(404);
      await t.http.get(`/api/v1/apps/not%20an%20id/channels/x`).set('Authorization', readOnly).expect(400);
    });

    it('groups map tracks to channels; a track can belong to one group only', async () => {
      await t.http.post(`/api/v1/apps/${FLATCAR}/groups`).set('Authorization', release).send({ id: 'canary', track: 'canary', channel: 'stable' }).expect(201);
      await t.http.post(`/api/v1/apps/${FLATCAR}/groups`).set('Authorization', release).send({ id: 'canary', track: 'x', channel: 'stable' }).expect(409);
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/other`).set('Authorization', release).send({ track: 'canary', channel: 'stable' }).expect(409);
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/canary`).set('Authorization', release).send({ track: 'canary', channel: 'beta' }).expect(200);
      const g = await t.http.get(`/api/v1/apps/${FLATCAR}/groups/canary`).set('Authorization', readOnly).expect(200);
      assert.equal(g.body.group.channel, 'beta');
      await t.http.delete(`/api/v1/apps/${FLATCAR}/groups/canary`).set('Authorization', release).expect(204);
      await t.http.get(`/api/v1/apps/${FLATCAR}/groups/canary`).set('Authorization', readOnly).expect(404);
    });

    it('lists instances with paging and bad cursors get 400', async () => {
      await t.http.get(`/api/v1/apps/${FLATCAR}/instances?limit=5`).set('Authorization', readOnly).expect(200);
      await t.http.get(`/api/v1/apps/${FLATCAR}/instances?cursor=%%%garbage`).set('Authorization', readOnly).expect(400);
      await t.http.get(`/api/v1/apps/${FLATCAR}/instances?limit=0`).set('Authorization', readOnly).expect(400);
    });

    it('filters instances by version, status and group while paging, each match once', async () => {
      await t.http.put(`/api/v1/apps/${FLATCAR}/groups/prod`).set('Authorization', release).send({ track: 'stable', channel: 'stable' }).expect(201);
      // 12 nodes, n0 seen first: even ones on 3510.2.0 (offered 3602.2.0), odd ones up to date, n11 on an unknown track.
      const ids = Array.from({ length: 12 }, (_, i) => i.toString(16).repeat(32));
      for (const [i, machineid] of ids.entries()) {
        await t.http
          .post('/v1/update/')
          .set('Content-Type', 'text/xml')
          .send(ueRequest({ machineid, version: i % 2 ? '3602.2.0' : '3510.2.0', track: i === 11 ? 'edge' : 'stable' }))
          .expect(200);
        t.advance(1000);
      }
      const newestFirst = (pick: (i: number) => boolean) => ids.filter((_, i) => pick(i)).reverse();
      /** Follows `next` to the end; every page has at most `limit` instances. */
      const all = async (query: string, limit: number) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: { body: { instances: { machineId: string }[]; next: string | null } } = await t.http
            .get(`/api/v1/apps/${FLATCAR}/instances?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
            .set('Authorization', readOnly)
            .expect(200);
          assert.ok(res.body.instances.length <= limit);
          seen.push(...res.body.instances.map((i: { machineId: string }) => i.machineId));
          cursor = res.body.next;
          assert.ok(++pages < 50);
        } while (cursor);
        return seen;
      };
      assert.deepEqual(await all('version=3510.2.0', 2), newestFirst((i) => i % 2 === 0));
      assert.deepEqual(await all('status=up-to-date', 4), newestFirst((i) => i % 2 === 1 && i !== 11));
      assert.deepEqual(await all('group=prod&status=granted&version=3510.2.0', 1), newestFirst((i) => i % 2 === 0));
      assert.deepEqual(await all('status=idle', 100), [ids[11]]);

      // Filters read pages, not an index: one request reads at most FILTER_PAGE_READS pages.
      const none = await t.http.get(`/api/v1/apps/${FLATCAR}/instances?version=1.0.0&limit=1`).set('Authorization', readOnly).expect(200);
      assert.deepEqual(none.body.instances, []);
      assert.ok(none.body.next, 'stopped after its pages with a cursor to go on from');
      assert.ok(FILTER_PAGE_READS < ids.length);
      assert.deepEqual(await all('version=1.0.0', 1), []);

      for (const [query, re] of [
        ['status=exploded', /status must be one of idle, up-to-date/],
        ['status=error&status=idle', /status must be given once/],
        [`group=${'g'.repeat(200)}`, /group must be given once, at most 128/],
      ] as const) {
        const r = await t.http.get(`/api/v1/apps/${FLATCAR}/instances?${query}`).set('Authorization', readOnly).expect(400);
        assert.equal(r.body.error.code, 'bad_request');
        assert.match(r.body.error.message, re);
      }
    });

    it('describes itself in OpenAPI', async () => {
      const doc = (await t.http.get('/api/v1/openapi.json').expect(200)).body;
      assert.equal(doc.openapi, '3.1.0');
      const p = doc.paths['/api/v1/apps/{app}/packages'].post;
      assert.ok(p.requestBody.content['application/json'].schema.properties.sha256);
      assert.equal(p['x-platte-role'], 'release');
    });
  });
}
