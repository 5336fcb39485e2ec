// Well-formed Unicode and valid UTF-8 on the JSON API and the Omaha endpoint, on both stores: a lone
// surrogate (JSON "\ud800", XML &#xD800;) or bytes that are not UTF-8 are refused with a 400 and
// nothing is stored, so both stores always see the same text; valid non-ASCII text is kept as sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const OTHER_APP = '0b5d3c4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const utf8 = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

for (const kind of STORE_KINDS) {
  describe(`well-formed Unicode (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t);
    });
    after(() => t.close());

    /** Sends `body` exactly as given (a JSON text with \u escapes, or raw bytes). */
    const send = (method: 'post' | 'put', path: string, body: string | Buffer) =>
      t.http[method](path)
        .set('Authorization', t.auth)
        .set('Content-Type', 'application/json')
        .serialize((b: unknown) => b as string)
        .send(body as string);
    const get = (path: string) => t.http.get(path).set('Authorization', t.auth);
    const omaha = (body: string | Buffer) =>
      t.http
        .post('/v1/update/')
        .set('Content-Type', 'text/xml')
        .serialize((b: unknown) => b as string)
        .send(body as string);
    const tokenNames = async () => ((await get('/api/v1/tokens').expect(200)).body.tokens as Array<{ name: string }>).map((x) => x.name);
    const groupIds = async () => ((await get(`/api/v1/apps/${FLATCAR}/groups`).expect(200)).body.groups as Array<{ id: string }>).map((g) => g.id);

    function refused(res: { status: number; body: { error?: { code: string; message: string } } }, code: RegExp, message: RegExp) {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.error?.code ?? '', code);
      assert.match(res.body.error?.message ?? '', message);
    }

    describe('JSON API bodies', () => {
      it('refuses a lone surrogate in a value, naming the field; nothing is stored', async () => {
        const res = await send('post', '/api/v1/apps', `{"id":"${OTHER_APP}","name":"Flatcar\\ud800"}`);
        refused(res, /^validation_failed$/, /name: .*not well-formed Unicode/);
        assert.deepEqual(res.body.error.details, [{ path: 'name', message: 'not well-formed Unicode (a lone UTF-16 surrogate)' }]);
        await get(`/api/v1/apps/${OTHER_APP}`).expect(404);
      });

      it('refuses lone surrogates in a group track (free text), so \\ud800 and \\udbff never meet in a store', async () => {
        for (const [id, track] of [['lone-high', 'edge\\ud800'], ['lone-high-2', 'edge\\udbff'], ['lone-low', '\\udc00edge']]) {
          refused(await send('post', `/api/v1/apps/${FLATCAR}/groups`, `{"id":"${id}","track":"${track}","channel":"stable"}`), /^validation_failed$/, /track: .*not well-formed Unicode/);
        }
        assert.deepEqual(await groupIds(), []);
      });

      it('refuses a lone surrogate nested in an array of objects, with its path', async () => {
        const body = `{"version":"3700.0.0","url":"https://x.test/p/","name":"u.gz","size":5,"sha256":"stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=","extraFiles":[{"name":"ok.gz","size":1,"sha256":"${'a'.repeat(64)}"},{"name":"x\\udfff.gz","size":1,"sha256":"${'a'.repeat(64)}"}]}`;
        refused(await send('post', `/api/v1/apps/${FLATCAR}/packages`, body), /^validation_failed$/, /extraFiles\.1\.name: .*not well-formed Unicode/);
        const pkgs = (await get(`/api/v1/apps/${FLATCAR}/packages`).expect(200)).body.packages as Array<{ version: string }>;
        assert.ok(!pkgs.some((p) => p.version === '3700.0.0'));
      });

      it('refuses a lone surrogate in a key, and says it is the field name', async () => {
        refused(await send('post', '/api/v1/tokens', '{"name":"ci","role":"read-only","\\ud800x":1}'), /^validation_failed$/, /field name .*not well-formed Unicode/);
        assert.ok(!(await tokenNames()).includes('ci'));
      });

      it('refuses a body that is not valid UTF-8 (invalid byte, truncated sequence, encoded surrogate, overlong)', async () => {
        const bad: Array<[string, number[]]> = [
          ['bad-ff', [0xff]],
          ['bad-trunc', [0xe2, 0x82]],
          ['bad-surrogate', [0xed, 0xa0, 0x80]],
          ['bad-overlong', [0xc0, 0xaf]],
        ];
        for (const [name, bytes] of bad) {
          const res = await send('post', '/api/v1/tokens', utf8(`{"name":"${name}`, bytes, '","role":"read-only"}'));
          refused(res, /^(invalid_json|bad_request)$/, /not valid UTF-8/);
        }
        const names = await tokenNames();
        assert.ok(!names.some((n) => n.startsWith('bad-')), `stored: ${names.join(', ')}`);
      });

      it('keeps valid non-ASCII text (é, 😀, escaped pairs) exactly as sent', async () => {
        await send('post', '/api/v1/apps', utf8(`{"id":"${OTHER_APP}","name":"Café 😀 \\ud83d\\ude80"}`)).expect(201);
        assert.equal((await get(`/api/v1/apps/${OTHER_APP}`).expect(200)).body.app.name, 'Café 😀 🚀');
        await send('post', '/api/v1/tokens', '{"name":"opé-😀","role":"read-only"}').expect(201);
        assert.ok((await tokenNames()).includes('opé-😀'));
        await send('post', `/api/v1/apps/${FLATCAR}/groups`, '{"id":"eu","name":"Europe é","track":"prod-é-😀","channel":"stable"}').expect(201);
        assert.deepEqual(await groupIds(), ['eu']);
      });
    });

    describe('JSON API paths and queries', () => {
      const paths = [
        `/api/v1/apps/%ED%A0%80/channels`,
        `/api/v1/apps/%F0/channels`,
        `/api/v1/apps/${FLATCAR}/channels/%F0`,
        `/api/v1/apps/${FLATCAR}/groups/%ED%A0%80`,
        `/api/v1/apps/${FLATCAR}/instances/%ED%A0%80`,
        `/api/v1/apps/${FLATCAR}/instances/%F0%9F`,
      ];
      for (const path of paths) {
        it(`GET ${path} is a 400 bad_request, not a 404 or 500`, async () => {
          refused(await get(path), /^bad_request$/, /./);
        });
      }

      it('a malformed percent-encoding in a body route path is a 400 and changes nothing', async () => {
        refused(await send('put', `/api/v1/apps/${FLATCAR}/channels/%ED%A0%80`, '{"version":"3510.2.0"}'), /^bad_request$/, /./);
      });

      it('a query value that is not UTF-8 is a 400', async () => {
        refused(await get(`/api/v1/apps/${FLATCAR}/instances?cursor=%F0`), /^bad_request$/, /./);
        refused(await get(`/api/v1/apps/${FLATCAR}/instances?limit=%ED%A0%80`), /^bad_request$/, /./);
      });
    });

    describe('Omaha', () => {
      const instance = (id: string) => get(`/api/v1/apps/${FLATCAR}/instances/${id}`);
      const omahaRefused = (res: { status: number; type: string; text: string }, message: RegExp) => {
        assert.equal(res.status, 400, res.text);
        assert.match(res.type, /text\/plain/);
        assert.match(res.text, message);
      };

      it('refuses a body that is not valid UTF-8; the node is not stored', async () => {
        const cases: Array<[string, number[]]> = [
          ['1'.repeat(32), [0xff]],
          ['2'.repeat(32), [0xed, 0xa0, 0x80]],
          ['3'.repeat(32), [0xf0, 0x9f, 0x98]],
        ];
        for (const [machineid, bytes] of cases) {
          const [head, tail] = ueRequest({ machineid, alias: '@' }).split('@') as [string, string];
          omahaRefused(await omaha(utf8(head, bytes, tail)), /bad Omaha request: .*not valid UTF-8/);
          await instance(machineid).expect(404);
        }
      });

      it('refuses character references that are not XML characters; the node is not stored', async () => {
        const refs = ['&#xD800;', '&#55296;', '&#xdbff;', '&#xDC00;', '&#xD83D;&#xDE00;', '&#0;', '&#x1;', '&#xFFFE;', '&#x110000;'];
        for (const [i, ref] of refs.entries()) {
          const machineid = (i + 10).toString(16).padStart(32, '0');
          const body = ueRequest({ machineid, alias: '@' }).replace('machinealias="@"', `machinealias="${ref}"`);
          omahaRefused(await omaha(body), /bad Omaha request: character reference .* is not an XML character/);
          await instance(machineid).expect(404);
        }
        const inTrack = ueRequest({ machineid: 'f'.repeat(32) }).replace('track="stable"', 'track="stable&#xD800;"');
        omahaRefused(await omaha(inTrack), /not an XML character/);
        await instance('f'.repeat(32)).expect(404);
      });

      it('keeps valid non-ASCII attributes (raw UTF-8 and references to astral characters)', async () => {
        const machineid = 'e'.repeat(32);
        const body = ueRequest({ machineid, alias: 'nœud-é-😀' }).replace('nœud-é-😀', 'nœud-é-😀-&#x1F680;-&#233;');
        await omaha(utf8(body)).expect(200);
        assert.equal((await instance(machineid).expect(200)).body.instance.alias, 'nœud-é-😀-🚀-é');
      });
    });
  });
}
