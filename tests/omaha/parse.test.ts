import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseOmahaRequest } from '../../protocol/omaha/parse.ts';
import type { OmahaAppRequest, OmahaRequest } from '../../protocol/omaha/types.ts';
import { OmahaInputError } from '../../protocol/omaha/xml-guard.ts';
import { VECTORS_DIR, vector } from '../helpers/vectors.ts';

const VECTORS = VECTORS_DIR;

/** An app with every lifted field empty, for building expectations. */
function emptyApp(over: Partial<OmahaAppRequest>): OmahaAppRequest {
  return {
    appIdRaw: '',
    attrs: {},
    version: '',
    track: '',
    bootId: '',
    machineId: '',
    machineAlias: '',
    oem: '',
    oemVersion: '',
    alephVersion: '',
    board: '',
    lang: '',
    ping: false,
    updateCheck: false,
    events: [],
    ...over,
  };
}

const EXPECTED: Record<string, OmahaRequest> = {
  'flatcar-ue-rs-request.xml': {
    protocol: '3.0',
    updaterVersion: 'update_engine-0.4.10',
    installSource: 'scheduler',
    os: { platform: 'CoreOS', version: 'Chateau', sp: '2512.2.0_x86_64', arch: '' },
    apps: [
      emptyApp({
        appIdRaw: 'e96281a6-d1af-4bde-9a0a-97b76e56dc57',
        attrs: {
          appid: 'e96281a6-d1af-4bde-9a0a-97b76e56dc57',
          version: '1.2.3',
          track: 'alpha',
          bootid: '{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}',
          oem: 'ami',
          oemversion: '0.1.1-r1',
          alephversion: '1688.5.3',
          machineid: 'abce671d61774703ac7be60715220bfe',
          lang: 'en-US',
          board: 'amd64-usr',
          hardware_class: '',
          delta_okay: 'false',
        },
        version: '1.2.3',
        track: 'alpha',
        bootId: '{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}',
        machineId: 'abce671d61774703ac7be60715220bfe',
        oem: 'ami',
        oemVersion: '0.1.1-r1',
        alephVersion: '1688.5.3',
        board: 'amd64-usr',
        lang: 'en-US',
        ping: true,
        updateCheck: true,
        events: [{ eventType: 3, eventResult: 1 }],
      }),
    ],
  },
  'chromeos-update-engine-request.xml': {
    protocol: '3.0',
    updaterVersion: 'ChromeOSUpdateEngine-0.1.0.0',
    installSource: 'ondemandupdate',
    os: { platform: 'Chrome OS', version: 'Indy', sp: 'ForcedUpdate_x86_64', arch: '' },
    apps: [
      emptyApp({
        appIdRaw: '{87efface-864d-49a5-9bb3-4b050a7c227a}',
        attrs: {
          appid: '{87efface-864d-49a5-9bb3-4b050a7c227a}',
          bootid: '{7D52A1CC-7066-40F0-91C7-7CB6A871BFDE}',
          machinealias: 'mymachine',
          machineid: '{8BDE4C4D-9083-4D61-B41C-3253212C0C37}',
          oem: 'ec3000',
          version: 'ForcedUpdate',
          track: 'dev-channel',
          from_track: 'developer-build',
          lang: 'en-US',
          board: 'amd64-generic',
          hardware_class: '',
          delta_okay: 'false',
        },
        version: 'ForcedUpdate',
        track: 'dev-channel',
        bootId: '{7D52A1CC-7066-40F0-91C7-7CB6A871BFDE}',
        machineId: '{8BDE4C4D-9083-4D61-B41C-3253212C0C37}',
        machineAlias: 'mymachine',
        oem: 'ec3000',
        board: 'amd64-generic',
        lang: 'en-US',
        ping: true,
        updateCheck: true,
        targetVersionPrefix: '',
        events: [{ eventType: 3, eventResult: 2, previousVersion: '' }],
      }),
    ],
  },
  'go-omaha-request.xml': {
    protocol: '3.0',
    updaterVersion: '1.3.23.0',
    installSource: 'scheduler',
    os: { platform: 'win', version: '6.1', sp: '', arch: 'x64' },
    apps: [
      emptyApp({
        appIdRaw: '{430FD4D0-B729-4F61-AA34-91526481799D}',
        attrs: {
          appid: '{430FD4D0-B729-4F61-AA34-91526481799D}',
          version: '1.3.23.0',
          nextversion: '',
          lang: 'en',
          brand: 'GGLS',
          client: 'someclientid',
          installage: '39',
        },
        version: '1.3.23.0',
        lang: 'en',
        ping: true,
        updateCheck: true,
      }),
      emptyApp({
        appIdRaw: '{D0AB2EBC-931B-4013-9FEB-C9C4C2225C8C}',
        attrs: {
          appid: '{D0AB2EBC-931B-4013-9FEB-C9C4C2225C8C}',
          version: '2.2.2.0',
          nextversion: '',
          lang: 'en',
          brand: 'GGLS',
          client: '',
          installage: '6',
        },
        version: '2.2.2.0',
        lang: 'en',
        ping: true,
        updateCheck: true,
      }),
    ],
  },
};

describe('parseOmahaRequest: wire samples', () => {
  const files = readdirSync(VECTORS).filter((f) => f.includes('request') && f.endsWith('.xml'));

  it('has an expectation for every request sample', () => {
    assert.ok(files.length >= 3);
    assert.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    it(file, async () => {
      assert.deepStrictEqual(await parseOmahaRequest(vector(file)), EXPECTED[file]);
    });
  }
});

/** A Flatcar-style request around the given <app> children and attributes. */
function request(appAttrs: string, children: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">\n' +
    '<os version="Chateau" platform="CoreOS" sp="3510.2.0_x86_64"></os>\n' +
    `<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" ${appAttrs}>${children}</app>\n` +
    '</request>\n'
  );
}

async function firstApp(xml: string): Promise<OmahaAppRequest> {
  const req = await parseOmahaRequest(xml);
  assert.equal(req.apps.length, 1);
  return req.apps[0]!;
}

describe('parseOmahaRequest: update_engine shapes', () => {
  it('keeps every attribute exactly as sent, braces and case included', async () => {
    const app = await firstApp(
      request(
        'version="3510.2.0" track="Stable " bootid="{AB}" machineid="ABCE671D61774703AC7BE60715220BFE" machinealias="node-1" oem="azure" oemversion="2.9" alephversion="2345.3.0" lang="en-US" board="arm64-usr"',
        '<ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion="3374.2.0"></event>',
      ),
    );
    assert.equal(app.appIdRaw, '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}');
    assert.equal(app.track, 'Stable ');
    assert.equal(app.machineId, 'ABCE671D61774703AC7BE60715220BFE');
    assert.equal(app.machineAlias, 'node-1');
    assert.equal(app.board, 'arm64-usr');
    assert.equal(app.alephVersion, '2345.3.0');
    assert.equal(app.targetVersionPrefix, undefined);
    assert.deepStrictEqual(app.events, [{ eventType: 3, eventResult: 2, previousVersion: '3374.2.0' }]);
  });

  it('reads a failure event with the 1<<28 flag and a 0.0.0.0 previous version', async () => {
    const app = await firstApp(
      request(
        'version="1"',
        '<event eventtype="3" eventresult="0" errorcode="268435490"></event><event eventtype="3" eventresult="2" previousversion="0.0.0.0"/>',
      ),
    );
    assert.deepStrictEqual(app.events, [
      { eventType: 3, eventResult: 0, errorCode: 268435490 },
      { eventType: 3, eventResult: 2, previousVersion: '0.0.0.0' },
    ]);
    assert.equal(app.ping, false);
    assert.equal(app.updateCheck, false);
  });

  it('accepts a negative errorcode (1<<31 flag printed with %d)', async () => {
    const app = await firstApp(request('', '<event eventtype="3" eventresult="0" errorcode="-2147483614"/>'));
    assert.equal(app.events[0]!.errorCode, -2147483614);
  });

  it('reads a ping-only request (node waiting to reboot)', async () => {
    const app = await firstApp(request('version="1"', '<ping active="1"></ping>'));
    assert.equal(app.ping, true);
    assert.equal(app.updateCheck, false);
    assert.deepStrictEqual(app.events, []);
  });

  it('treats missing and empty eventtype/eventresult/errorcode as absent (type/result 0)', async () => {
    const app = await firstApp(request('', '<event/><event eventtype="" eventresult=" 14 " errorcode=""/>'));
    assert.deepStrictEqual(app.events, [
      { eventType: 0, eventResult: 0 },
      { eventType: 0, eventResult: 14 },
    ]);
  });

  for (const [attr, value] of [
    ['eventtype', 'x'],
    ['eventtype', '3.5'],
    ['eventresult', '1e3'],
    ['eventresult', '0x1'],
    ['errorcode', 'abc'],
    ['errorcode', '99999999999'],
  ] as const) {
    it(`rejects ${attr}="${value}"`, async () => {
      const attrs: Record<string, string> = { eventtype: '3', eventresult: '0', [attr]: value };
      const event = `<event ${Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(' ')}/>`;
      await assert.rejects(parseOmahaRequest(request('', event)), (err: unknown) => {
        assert.ok(err instanceof OmahaInputError);
        assert.equal(err.message, `event ${attr} is not an integer`);
        return true;
      });
    });
  }

  it('tolerates a missing <os>, unknown elements and unknown attributes', async () => {
    const req = await parseOmahaRequest(
      '<request protocol="3.0" future="x"><app appid="a" extra="1"><whatever k="v"/><ping/></app><telemetry/></request>',
    );
    assert.deepStrictEqual(req.os, { platform: '', version: '', sp: '', arch: '' });
    assert.equal(req.updaterVersion, '');
    assert.equal(req.installSource, '');
    assert.deepStrictEqual(req.apps[0]!.attrs, { appid: 'a', extra: '1' });
    assert.equal(req.apps[0]!.ping, true);
  });

  it('reads an <app> without any attribute', async () => {
    const req = await parseOmahaRequest('<request><app><updatecheck/></app></request>');
    assert.deepStrictEqual(req.apps, [emptyApp({ updateCheck: true })]);
  });

  it('reads a request without apps', async () => {
    const req = await parseOmahaRequest('<request protocol="3.0"/>');
    assert.deepStrictEqual(req.apps, []);
  });

  it('reads many apps in order', async () => {
    const apps = Array.from({ length: 20 }, (_, i) => `<app appid="app-${i}"><ping/></app>`).join('');
    const req = await parseOmahaRequest(`<request>${apps}</request>`);
    assert.deepStrictEqual(
      req.apps.map((a) => a.appIdRaw),
      Array.from({ length: 20 }, (_, i) => `app-${i}`),
    );
  });

  it('decodes the five XML entities and numeric references', async () => {
    const app = await firstApp(request('machinealias="a&amp;b&lt;c&gt;&quot;&apos;&#65;&#x1F600;"', ''));
    assert.equal(app.machineAlias, 'a&b<c>"\'A😀');
  });

  it('keeps non-ASCII text, raw or as references to XML characters, exactly', async () => {
    const app = await firstApp(request('machinealias="nœud-é-😀-&#x1F680;-&#233;-&#xD7FF;&#xE000;&#x10FFFF;" track="&#9;ß"', ''));
    assert.equal(app.machineAlias, 'nœud-é-😀-🚀-é-\uD7FF\uE000\u{10FFFF}');
    assert.equal(app.track, '\tß');
  });

  it('prefers updaterversion and falls back to version', async () => {
    const a = await parseOmahaRequest('<request version="v" updaterversion="u"/>');
    const b = await parseOmahaRequest('<request version="v"/>');
    assert.equal(a.updaterVersion, 'u');
    assert.equal(b.updaterVersion, 'v');
  });

  it('keeps an attribute called __proto__ as plain data', async () => {
    const req = await parseOmahaRequest('<request><app appid="a" constructor="c"/></request>');
    const attrs = req.apps[0]!.attrs;
    assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
    assert.equal(attrs['constructor'], 'c');
  });
});

describe('parseOmahaRequest: rejects', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a <response> document', '<response protocol="3.0"/>', /<response>/],
    ['an HTML entity', '<request a="&nbsp;"/>', /unknown entity/],
    ['an unknown entity', '<request a="&foo;"/>', /unknown entity/],
    ['a character reference to a control character', '<request a="&#1;"/>', /not an XML character/],
    ['a reference to a lone high surrogate (hex)', '<request><app appid="a" machinealias="&#xD800;"/></request>', /&#xD800; is not an XML character/],
    ['a reference to a lone surrogate (decimal)', '<request><app appid="a" track="&#55296;"/></request>', /&#55296; is not an XML character/],
    ['a surrogate pair spelled as two references', '<request><app appid="a" oem="&#xD83D;&#xDE00;"/></request>', /not an XML character/],
    ['a reference to NUL', '<request><app appid="a" board="&#0;"/></request>', /&#0; is not an XML character/],
    ['a reference past U+10FFFF', '<request a="&#x110000;"/>', /not an XML character/],
    ['a reference with a huge number', `<request a="&#${'9'.repeat(40)};"/>`, /not an XML character/],
    ['a raw lone surrogate (a string that never came from UTF-8)', '<request><app appid="a\uDC00"/></request>', /lone UTF-16 surrogate/],
    ['an unclosed element', '<request><app></request>', /malformed XML|unclosed/],
    ['mismatched tags', '<request><app></ping></request>', /malformed XML/],
    ['an unquoted attribute', '<request a=1/>', /unquoted/],
    ['garbage', 'GET / HTTP/1.1', /text outside/],
    ['an empty body', '', /empty/],
  ];
  for (const [what, xml, message] of cases) {
    it(what, async () => {
      await assert.rejects(parseOmahaRequest(xml), (err: unknown) => {
        assert.ok(err instanceof OmahaInputError, `got ${String(err)}`);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});
