// The Omaha endpoint end to end (supertest against the real app), on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';
import { vector } from '../helpers/vectors.ts';


for (const kind of STORE_KINDS) {
  describe(`Omaha endpoint (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t);
    });
    after(() => t.close());

    const post = (body: string, path = '/v1/update/') => t.http.post(path).set('Content-Type', 'text/xml').send(body);
    const instance = async (id: string) => (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${id}`).set('Authorization', t.auth).expect(200)).body;

    it('offers the channel version to an older node with a manifest update_engine accepts', async () => {
      const res = await post(ueRequest({ machineid: 'a'.repeat(32), events: [{ type: 3, result: 2, previousversion: '' }] })).expect(200);
      assert.match(res.headers['content-type'] ?? '', /xml/);
      const ans = await readAnswer(res.text);
      assert.equal(ans.protocol, '3.0');
      assert.ok(ans.daystart !== undefined);
      const app = ans.apps[0]!;
      assert.equal(app.appid, FLATCAR);
      assert.equal(app.status, 'ok');
      assert.equal(app.ping, 'ok');
      assert.equal(app.updatecheck, 'ok');
      assert.equal(app.manifestVersion, '3602.2.0');
      assert.equal(app.codebase, 'https://update.example.test/amd64-usr/3602.2.0/');
      assert.equal(app.packages[0]!.name, 'flatcar_production_update.gz');
      assert.equal(app.packages[0]!.size, '382137917');
      assert.equal(app.packages[0]!.hash, 'I6DGNAOrJRUxPbCuLw+AITfiVMo=');
      const postinstall = app.actions.find((a) => a.event === 'postinstall');
      assert.equal(postinstall?.sha256, 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=');
      assert.equal(app.events, 1);
      const got = await instance('a'.repeat(32));
      assert.equal(got.instance.status, 'granted');
      assert.equal(got.instance.targetVersion, '3602.2.0');
    });

    it('answers noupdate to a node on the channel version, and on /v1/update without slash', async () => {
      const res = await post(ueRequest({ version: '3602.2.0', machineid: 'b'.repeat(32) }), '/v1/update').expect(200);
      const app = (await readAnswer(res.text)).apps[0]!;
      assert.equal(app.updatecheck, 'noupdate');
      assert.equal((await instance('b'.repeat(32))).instance.status, 'up-to-date');
    });

    it('compares versions numerically per component', async () => {
      await t.http.post(`/api/v1/apps/${FLATCAR}/packages`).set('Authorization', t.auth).send({ version: '3602.10.0', url: 'https://x.test/p/', name: 'u.gz', size: 5, sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=' }).expect(201);
      await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', t.auth).send({ name: 'beta' }).expect(201);
      await t.http.put(`/api/v1/apps/${FLATCAR}/channels/beta`).set('Authorization', t.auth).send({ version: '3602.10.0' }).expect(200);
      const res = await post(ueRequest({ version: '3602.2.0', track: 'beta', machineid: 'c'.repeat(32) })).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.manifestVersion, '3602.10.0');
      const above = await post(ueRequest({ version: '3602.11.0', track: 'beta', machineid: 'c'.repeat(32) })).expect(200);
      assert.equal((await readAnswer(above.text)).apps[0]!.updatecheck, 'noupdate');
    });

    it('registers a node on an unknown track and answers noupdate', async () => {
      const res = await post(ueRequest({ track: 'nightly-typo', machineid: 'd'.repeat(32) })).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.updatecheck, 'noupdate');
      const got = await instance('d'.repeat(32));
      assert.equal(got.instance.group, '');
      assert.equal(got.instance.track, 'nightly-typo');
      const summary = (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body;
      assert.equal(summary.unknownTracks['nightly-typo'], 1);
    });

    it('never offers a package built for another architecture', async () => {
      const res = await post(ueRequest({ board: 'arm64-usr', machineid: 'e'.repeat(32) })).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.updatecheck, 'noupdate');
      assert.equal((await instance('e'.repeat(32))).instance.arch, 'arm64');
    });

    it('maps other tracks to channels through groups', async () => {
      await t.http.post(`/api/v1/apps/${FLATCAR}/groups`).set('Authorization', t.auth).send({ id: 'prod-eu', track: 'prod-eu', channel: 'stable' }).expect(201);
      const res = await post(ueRequest({ track: 'prod-eu', machineid: 'f'.repeat(32) })).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.manifestVersion, '3602.2.0');
      assert.equal((await instance('f'.repeat(32))).instance.group, 'prod-eu');
    });

    it('answers each app of a multi-app request on its own; unknown apps do not stop the rest', async () => {
      const two = ueRequest({ machineid: '1'.repeat(32) }).replace(
        '<app ',
        `<app appid="{00000000-0000-0000-0000-000000000000}" version="1.0.0" track="stable" machineid="${'1'.repeat(32)}"><updatecheck/></app>\n<app `,
      );
      const ans = await readAnswer((await post(two).expect(200)).text);
      assert.equal(ans.apps.length, 2);
      assert.equal(ans.apps[0]!.appid, '{00000000-0000-0000-0000-000000000000}');
      assert.equal(ans.apps[0]!.status, 'error-unknownApplication');
      assert.equal(ans.apps[1]!.status, 'ok');
      assert.equal(ans.apps[1]!.updatecheck, 'ok');
      const google = await readAnswer((await post(vector('go-omaha-request.xml')).expect(200)).text);
      assert.deepEqual(google.apps.map((a) => a.status), ['error-unknownApplication', 'error-unknownApplication']);
    });

    it('echoes the appid exactly as sent (braces, upper case)', async () => {
      const raw = `{${FLATCAR.toUpperCase()}}`;
      const app = (await readAnswer((await post(ueRequest({ appid: raw, machineid: '2'.repeat(32) })).expect(200)).text)).apps[0]!;
      assert.equal(app.appid, raw);
      assert.equal(app.status, 'ok');
    });

    it('accepts the real request samples', async () => {
      const ue = await readAnswer((await post(vector('flatcar-ue-rs-request.xml')).expect(200)).text);
      assert.equal(ue.apps[0]!.status, 'ok');
      assert.equal(ue.apps[0]!.events, 1);
      const chromeos = await readAnswer((await post(vector('chromeos-update-engine-request.xml')).expect(200)).text);
      assert.equal(chromeos.apps[0]!.status, 'error-unknownApplication');
    });

    it('follows the update_engine event sequence to complete, recording every event', async () => {
      const id = '3'.repeat(32);
      const send = (o: Parameters<typeof ueRequest>[0]) => post(ueRequest({ machineid: id, ...o })).expect(200);
      await send({ events: [{ type: 3, result: 2, previousversion: '' }] });
      assert.equal((await instance(id)).instance.status, 'granted');
      await send({ ping: false, updatecheck: false, events: [{ type: 13, result: 1 }] });
      assert.equal((await instance(id)).instance.status, 'downloading');
      await send({ ping: false, updatecheck: false, events: [{ type: 14, result: 1 }] });
      assert.equal((await instance(id)).instance.status, 'downloaded');
      await send({ ping: false, updatecheck: false, events: [{ type: 3, result: 1 }] });
      assert.equal((await instance(id)).instance.status, 'installed');
      await send({ updatecheck: false });
      assert.equal((await instance(id)).instance.status, 'installed', 'a ping while waiting for reboot changes nothing');
      await send({ version: '3602.2.0', events: [{ type: 3, result: 2, previousversion: '3510.2.0' }] });
      let got = await instance(id);
      assert.equal(got.instance.status, 'complete');
      assert.equal(got.instance.version, '3602.2.0');
      t.advance(45 * 60_000);
      await send({ version: '3602.2.0', events: [{ type: 3, result: 2, previousversion: '' }] });
      got = await instance(id);
      assert.equal(got.instance.status, 'complete', 'stays complete on later routine checks');
      const kinds = got.history.map((h: { kind: string; eventType?: number; eventResult?: number }) => `${h.kind}:${h.eventType ?? ''}/${h.eventResult ?? ''}`);
      for (const k of ['event:13/1', 'event:14/1', 'event:3/1', 'grant:/']) assert.ok(kinds.includes(k), `history has ${k}: ${kinds.join(', ')}`);
    });

    it('records errors with the flag stripped and the code name; rollback (3/0 code 44) is an error', async () => {
      const id = '4'.repeat(32);
      await post(ueRequest({ machineid: id })).expect(200);
      await post(ueRequest({ machineid: id, ping: false, updatecheck: false, events: [{ type: 3, result: 0, errorcode: 268435466 }] })).expect(200);
      let got = (await instance(id)).instance;
      assert.equal(got.status, 'error');
      assert.equal(got.errorCode, 10);
      assert.match(got.errorName, /hash/i);
      await post(ueRequest({ machineid: id, ping: false, updatecheck: false, events: [{ type: 3, result: 0, errorcode: 44 }] })).expect(200);
      got = (await instance(id)).instance;
      assert.equal(got.status, 'error');
      assert.equal(got.errorCode, 44);
    });

    it('a rollback reported inside an update check (3/0 code 44) is an error, not a new grant', async () => {
      const id = '6'.repeat(32);
      const res = await post(ueRequest({ machineid: id, events: [{ type: 3, result: 0, errorcode: 44 }] })).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.updatecheck, 'noupdate');
      const got = (await instance(id)).instance;
      assert.equal(got.status, 'error');
      assert.equal(got.errorCode, 44);
      const next = await post(ueRequest({ machineid: id, events: [{ type: 3, result: 2, previousversion: '' }] })).expect(200);
      assert.equal((await readAnswer(next.text)).apps[0]!.updatecheck, 'ok', 'the next poll may try again');
    });

    it('records deferred (3/9) and events of nodes that were never granted anything', async () => {
      const id = '5'.repeat(32);
      await post(ueRequest({ version: '3602.2.0', machineid: id, updatecheck: false, events: [{ type: 13, result: 1 }] })).expect(200);
      const got = await instance(id);
      assert.equal(got.instance.status, 'downloading');
      assert.equal(got.history[0].eventType, 13);
      await post(ueRequest({ machineid: id, updatecheck: false, events: [{ type: 3, result: 9 }] })).expect(200);
      assert.equal((await instance(id)).instance.status, 'deferred');
    });

    it('keeps counters so the summary is O(1) to read', async () => {
      const s = (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body;
      const total = Object.values(s.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(total, s.instances);
      assert.ok(s.byChannel.stable, 'stable channel has counts');
    });

    describe('bad input', () => {
      const snapshot = async () => (await t.http.get(`/api/v1/apps/${FLATCAR}/summary`).set('Authorization', t.auth).expect(200)).body.counters;

      it('malformed XML, DOCTYPE/entities, deep nesting and huge attributes get 400 and change nothing', async () => {
        const before = await snapshot();
        const bad = [
          '<request protocol="3.0"><app',
          'not xml at all',
          '',
          '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><request protocol="3.0"><app appid="x">&b;</app></request>',
          `<request protocol="3.0">${'<a>'.repeat(200)}${'</a>'.repeat(200)}</request>`,
          `<request protocol="3.0"><app appid="${FLATCAR}" version="${'9'.repeat(5000)}" machineid="${'6'.repeat(32)}"><updatecheck/></app></request>`,
        ];
        for (const body of bad) {
          const res = await post(body);
          assert.equal(res.status, 400, `400 for ${body.slice(0, 40)}`);
          assert.ok(res.text.length > 0 && res.text.length < 300, 'short error body');
        }
        assert.deepEqual(await snapshot(), before);
      });

      it('a body over 64 KiB gets 413', async () => {
        const big = ueRequest().replace('</request>', `<!-- ${'x'.repeat(70 * 1024)} --></request>`);
        await post(big).expect(413);
      });

      it('a protocol other than 3.x gets error-unsupportedProtocol and changes nothing', async () => {
        const before = await snapshot();
        const ans = await readAnswer((await post(ueRequest({ protocol: '2.0', machineid: '7'.repeat(32) })).expect(200)).text);
        assert.equal(ans.apps[0]!.updatecheck, 'error-unsupportedProtocol');
        await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${'7'.repeat(32)}`).set('Authorization', t.auth).expect(404);
        assert.deepEqual(await snapshot(), before);
      });

      it('a missing appid or version gives that app an error status', async () => {
        const body = `<request protocol="3.0"><app version="1.0.0"><updatecheck/></app><app appid="${FLATCAR}" machineid="${'8'.repeat(32)}"><updatecheck/></app></request>`;
        const ans = await readAnswer((await post(body).expect(200)).text);
        assert.equal(ans.apps[0]!.status, 'error-invalidAppId');
        assert.equal(ans.apps[1]!.updatecheck, 'error-internal');
        await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${'8'.repeat(32)}`).set('Authorization', t.auth).expect(404);
      });

      it('GET on the endpoint is 405, and the process keeps serving', async () => {
        await t.http.get('/v1/update/').expect(405);
        await t.http.get('/healthz').expect(200);
      });
    });
  });
}
