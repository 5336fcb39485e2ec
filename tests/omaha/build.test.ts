import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml2js from 'xml2js';
import { buildOmahaResponse, escapeAttr, OmahaBuildError } from '../../protocol/omaha/build.ts';
import type { OmahaAppResponse, OmahaResponse, UpdateManifest } from '../../protocol/omaha/types.ts';
import { nebraskaRelease } from '../helpers/nebraska-release.ts';
import { vector } from '../helpers/vectors.ts';

const FLATCAR_APPID = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

function okApp(over: Partial<OmahaAppResponse> = {}, manifest = nebraskaRelease()): OmahaAppResponse {
  return { appIdRaw: FLATCAR_APPID, status: 'ok', ping: true, events: 1, updateCheck: { status: 'ok', manifest }, ...over };
}

function response(...apps: OmahaAppResponse[]): OmahaResponse {
  return { daystartElapsedSeconds: 0, apps };
}

// A neutral tree: { name, attrs, children } with whitespace text dropped, order kept.
interface Tree {
  name: string;
  attrs: Record<string, string>;
  children: Tree[];
}

async function tree(xml: string): Promise<Tree> {
  const doc = await xml2js.parseStringPromise(xml, {
    strict: true,
    explicitChildren: true,
    preserveChildrenOrder: true,
    explicitRoot: true,
    charsAsChildren: false,
  });
  const convert = (name: string, node: Record<string, unknown>): Tree => ({
    name,
    attrs: { ...((node['$'] as Record<string, string> | undefined) ?? {}) },
    children: ((node['$$'] as Array<Record<string, unknown>> | undefined) ?? []).map((c) =>
      convert(String(c['#name']), c),
    ),
  });
  const [rootName] = Object.keys(doc);
  return convert(rootName!, doc[rootName!]);
}

function find(t: Tree, path: string): Tree[] {
  let level = [t];
  for (const step of path.split('/').slice(1)) level = level.flatMap((n) => n.children.filter((c) => c.name === step));
  return level;
}

function one(t: Tree, path: string): Tree {
  const found = find(t, path);
  assert.equal(found.length, 1, `exactly one ${path}`);
  return found[0]!;
}

/** The checks update_engine's OmahaRequestAction::ParseResponse makes (omaha.md). */
function assertUpdateEngineAccepts(t: Tree): 'ok' | 'noupdate' {
  assert.equal(t.name, 'response');
  const updatecheck = find(t, 'response/app/updatecheck')[0];
  assert.ok(updatecheck, 'updatecheck exists');
  const status = updatecheck.attrs['status'];
  assert.ok(status === 'ok' || status === 'noupdate', `updatecheck status ${status}`);
  if (status === 'noupdate') return status;
  assert.ok(find(t, 'response/app/updatecheck/manifest').length >= 1, 'manifest');
  const urls = find(t, 'response/app/updatecheck/urls/url');
  assert.ok(urls.length >= 1, 'at least one url');
  for (const url of urls) assert.ok(url.attrs['codebase'], 'non-empty codebase');
  const pkg = find(t, 'response/app/updatecheck/manifest/packages/package')[0];
  assert.ok(pkg?.attrs['name'], 'first package has a name');
  assert.ok(Number(pkg.attrs['size']) > 0, 'first package size > 0');
  const postinstall = find(t, 'response/app/updatecheck/manifest/actions/action').find(
    (a) => a.attrs['event'] === 'postinstall',
  );
  assert.ok(postinstall?.attrs['sha256'], 'postinstall action with sha256');
  return status;
}

/** ue-rs joins codebase and name as URLs and reads hash_sha256 as hex. */
function assertUeRsAccepts(t: Tree): void {
  for (const url of find(t, 'response/app/updatecheck/urls/url')) {
    assert.match(url.attrs['codebase']!, /\/$/, 'codebase ends with /');
    assert.doesNotThrow(() => new URL(url.attrs['codebase']!));
  }
  for (const pkg of find(t, 'response/app/updatecheck/manifest/packages/package')) {
    if (pkg.attrs['hash_sha256'] !== undefined) assert.match(pkg.attrs['hash_sha256'], /^[0-9a-f]{64}$/);
  }
}

/** go-omaha's client: protocol 3.0, the appid it sent, app status ok. */
function assertGoOmahaAccepts(t: Tree, sentAppId: string): void {
  assert.equal(t.attrs['protocol'], '3.0');
  const app = one(t, 'response/app');
  assert.equal(app.attrs['appid'], sentAppId);
  assert.equal(app.attrs['status'], 'ok');
}

describe('buildOmahaResponse: what the clients check', () => {
  it('an update passes update_engine, ue-rs and go-omaha checks', async () => {
    const t = await tree(buildOmahaResponse(response(okApp())));
    assert.equal(assertUpdateEngineAccepts(t), 'ok');
    assertUeRsAccepts(t);
    assertGoOmahaAccepts(t, FLATCAR_APPID);
  });

  it('noupdate passes update_engine and go-omaha checks and carries no manifest', async () => {
    const xml = buildOmahaResponse(response(okApp({ updateCheck: { status: 'noupdate', pollInterval: 2700 } })));
    const t = await tree(xml);
    assert.equal(assertUpdateEngineAccepts(t), 'noupdate');
    assertGoOmahaAccepts(t, FLATCAR_APPID);
    const uc = one(t, 'response/app/updatecheck');
    assert.deepStrictEqual(uc.attrs, { status: 'noupdate', PollInterval: '2700' });
    assert.deepStrictEqual(uc.children, []);
  });

  it('starts with the XML declaration and names the server', () => {
    const xml = buildOmahaResponse(response());
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="platte">'));
    assert.match(buildOmahaResponse(response(), { server: 'a"b' }), /server="a&quot;b"/);
  });

  it('adds the missing trailing / to every codebase and keeps the order', async () => {
    const m = nebraskaRelease();
    m.urls = ['https://a.example/x', 'https://b.example/y/', 'http://c.example:8080/z?v=1'];
    const t = await tree(buildOmahaResponse(response(okApp({}, m))));
    assert.deepStrictEqual(
      find(t, 'response/app/updatecheck/urls/url').map((u) => u.attrs['codebase']),
      ['https://a.example/x/', 'https://b.example/y/', 'http://c.example:8080/z?v=1/'],
    );
  });

  it('omits hash when the sha1 is unknown and lower-cases hash_sha256', async () => {
    const m = nebraskaRelease();
    delete m.packages[0]!.sha1;
    m.packages[1]!.sha256Hex = m.packages[1]!.sha256Hex!.toUpperCase();
    const t = await tree(buildOmahaResponse(response(okApp({}, m))));
    const pkgs = find(t, 'response/app/updatecheck/manifest/packages/package');
    assert.deepStrictEqual(pkgs[0]!.attrs, { name: 'flatcar_production_update.gz', size: '382137917', required: 'true' });
    assert.equal(pkgs[1]!.attrs['hash_sha256'], '3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043');
  });

  it('answers ping and each event, and nothing when none came', async () => {
    const t = await tree(
      buildOmahaResponse(
        response(
          okApp({ appIdRaw: 'a', ping: true, events: 3, updateCheck: undefined }),
          okApp({ appIdRaw: 'b', ping: false, events: 0, updateCheck: undefined }),
        ),
      ),
    );
    const [a, b] = find(t, 'response/app');
    assert.deepStrictEqual(
      a!.children.map((c) => [c.name, c.attrs]),
      [
        ['ping', { status: 'ok' }],
        ['event', { status: 'ok' }],
        ['event', { status: 'ok' }],
        ['event', { status: 'ok' }],
      ],
    );
    assert.deepStrictEqual(b!.children, []);
  });

  it('answers several apps in order, each with its own status', async () => {
    const t = await tree(
      buildOmahaResponse(
        response(
          okApp({ appIdRaw: '{430FD4D0-B729-4F61-AA34-91526481799D}', updateCheck: { status: 'noupdate' } }),
          okApp({ appIdRaw: '{unknown}', status: 'error-unknownApplication', ping: false, events: 0, updateCheck: undefined }),
        ),
      ),
    );
    assert.deepStrictEqual(
      find(t, 'response/app').map((a) => a.attrs),
      [
        { appid: '{430FD4D0-B729-4F61-AA34-91526481799D}', status: 'ok' },
        { appid: '{unknown}', status: 'error-unknownApplication' },
      ],
    );
  });
});

describe('buildOmahaResponse: same document as Nebraska for the same release', () => {
  it('has the same elements, attributes and values (server and daystart aside)', async () => {
    const nebraska = await tree(vector('nebraska-response-with-sysext.xml'));
    const ours = await tree(buildOmahaResponse(response(okApp())));
    assert.equal(nebraska.attrs['server'], 'nebraska');
    assert.equal(ours.attrs['server'], 'platte');
    for (const t of [nebraska, ours]) {
      delete t.attrs['server'];
      one(t, 'response/daystart').attrs['elapsed_seconds'] = 'N';
    }
    assert.deepStrictEqual(ours, nebraska);
  });
});

describe('buildOmahaResponse: escaping', () => {
  it('echoes an appid with XML specials exactly', async () => {
    const appid = `{a&b<c>"d'e]]>}`;
    const xml = buildOmahaResponse(response(okApp({ appIdRaw: appid, updateCheck: undefined })));
    assert.ok(!xml.includes(appid));
    assertGoOmahaAccepts(await tree(xml), appid);
  });

  it('keeps tab, LF and CR as character references', async () => {
    const xml = buildOmahaResponse(response(okApp({ appIdRaw: 'a\tb\nc\rd', updateCheck: undefined })));
    assert.match(xml, /appid="a&#9;b&#10;c&#13;d"/);
    assert.equal(one(await tree(xml), 'response/app').attrs['appid'], 'a\tb\nc\rd');
  });

  it('replaces characters XML cannot carry with U+FFFD', () => {
    assert.equal(escapeAttr('a\x00b\x1Fc\uFFFEd\uD800e'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
  });

  it('leaves ordinary and astral text alone', () => {
    for (const s of ['', 'e96281a6-d1af-4bde-9a0a-97b76e56dc57', 'Grüße 😀 日本', 'https://x/y?a=b;c']) {
      assert.equal(escapeAttr(s), s);
    }
  });

  it('escapes all five specials', () => {
    assert.equal(escapeAttr(`&<>"'`), '&amp;&lt;&gt;&quot;&apos;');
  });

  it('escapes URL and package name values', async () => {
    const m = nebraskaRelease();
    m.urls = ['https://h.example/p?a=1&b="2"'];
    m.packages[0]!.name = 'x<y>.gz';
    const t = await tree(buildOmahaResponse(response(okApp({}, m))));
    assert.equal(one(t, 'response/app/updatecheck/urls/url').attrs['codebase'], 'https://h.example/p?a=1&b="2"/');
    assert.equal(find(t, 'response/app/updatecheck/manifest/packages/package')[0]!.attrs['name'], 'x<y>.gz');
  });
});

describe('buildOmahaResponse: refuses responses a client would reject', () => {
  const cases: Array<[string, (m: UpdateManifest) => void, RegExp]> = [
    ['no URL', (m) => (m.urls = []), /no URL/],
    ['an empty URL', (m) => (m.urls = ['  ']), /empty URL/],
    ['no package', (m) => (m.packages = []), /no package/],
    ['a package without name', (m) => (m.packages[0]!.name = ''), /no name/],
    ['a zero-size payload', (m) => (m.packages[0]!.size = 0), /size/],
    ['a fractional size', (m) => (m.packages[1]!.size = 1.5), /size/],
    ['a hex payload sha256', (m) => (m.sha256 = 'ab'.repeat(32)), /sha256/],
    ['an empty payload sha256', (m) => (m.sha256 = ''), /sha256/],
    ['a hex sha1', (m) => (m.packages[0]!.sha1 = 'ab'.repeat(20)), /sha1/],
    ['a base64 hash_sha256', (m) => (m.packages[1]!.sha256Hex = m.sha256), /64 hex/],
    ['no version', (m) => (m.version = ''), /version/],
  ];
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const m = nebraskaRelease();
      mutate(m);
      assert.throws(() => buildOmahaResponse(response(okApp({}, m))), (err: unknown) => {
        assert.ok(err instanceof OmahaBuildError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('ok without manifest', () => {
    assert.throws(() => buildOmahaResponse(response(okApp({ updateCheck: { status: 'ok' } }))), OmahaBuildError);
  });

  it('bad numbers', () => {
    assert.throws(() => buildOmahaResponse({ daystartElapsedSeconds: -1, apps: [] }), OmahaBuildError);
    assert.throws(() => buildOmahaResponse({ daystartElapsedSeconds: NaN, apps: [] }), OmahaBuildError);
    assert.throws(() => buildOmahaResponse(response(okApp({ events: -1 }))), OmahaBuildError);
    assert.throws(
      () => buildOmahaResponse(response(okApp({ updateCheck: { status: 'noupdate', pollInterval: 0 } }))),
      OmahaBuildError,
    );
  });
});
