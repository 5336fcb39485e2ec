// A client reads answers as update_engine does: it takes the real-world samples and rejects, with
// update_engine's codes (30 empty, 31 not XML, 34 invalid), what update_engine rejects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPingAnswer, readCheckAnswer, readResponseHeader } from '../../protocol/omaha/client-response.ts';
import { parsePollInterval, scanInt } from '../../protocol/omaha/response-rules.ts';
import { vector } from '../helpers/vectors.ts';

const sample = vector;

const URLS = '<urls><url codebase="https://u.example/3510.2.0/"/></urls>';
const PKG = '<packages><package name="flatcar_production_update.gz" size="1234" required="true"/></packages>';
const ACT = '<actions><action event="postinstall" sha256="c2hhMjU2"/></actions>';

function doc(updatecheck: string, appAttrs = 'status="ok"'): string {
  return `<?xml version="1.0" encoding="UTF-8"?><response protocol="3.0"><app appid="x" ${appAttrs}>${updatecheck}</app></response>`;
}

function ok(inner: string, attrs = ''): string {
  return doc(`<updatecheck status="ok"${attrs}>${inner}</updatecheck>`);
}

describe('accepting answers', () => {
  it("reads Nebraska's sysext answer: first package is the payload, URLs joined, sha256 from postinstall", () => {
    const a = readCheckAnswer(sample('nebraska-response-with-sysext.xml'));
    assert.equal(a.kind, 'update');
    if (a.kind !== 'update') return;
    assert.deepEqual(a.manifest, {
      version: '3732.0.0',
      urls: ['https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/flatcar_production_update.gz'],
      name: 'flatcar_production_update.gz',
      size: 382137917,
      sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=',
    });
  });

  it("reads Google's and Chrome OS's answers (postinstall action not first, no ping echo)", () => {
    const g = readCheckAnswer(sample('google-prod-response.xml'));
    assert.equal(g.kind, 'update');
    if (g.kind === 'update') assert.equal(g.manifest.sha256, 'DIAVxoI+8NpsudUawOA5U92VHlaxQBS3ejN4EPM6T2A=');
    const c = readCheckAnswer(sample('chromeos-update-engine-response.xml'));
    assert.equal(c.kind, 'update');
    if (c.kind === 'update') assert.deepEqual(c.manifest.urls, ['http://kam:8080/static/update.gz']);
  });

  it('adds the missing "/" between codebase and file name, keeps every URL in order', () => {
    const a = readCheckAnswer(ok(`<urls><url codebase="http://a/x"/><url codebase="http://b/y/"/></urls><manifest version="1">${PKG}${ACT}</manifest>`));
    assert.equal(a.kind, 'update');
    if (a.kind === 'update') assert.deepEqual(a.manifest.urls, ['http://a/x/flatcar_production_update.gz', 'http://b/y/flatcar_production_update.gz']);
  });

  it('noupdate, with and without PollInterval', () => {
    assert.deepEqual(readCheckAnswer(doc('<updatecheck status="noupdate"/>')), { kind: 'noupdate', pollInterval: 0 });
    assert.deepEqual(readCheckAnswer(doc('<updatecheck status="noupdate" PollInterval="3600"/>')), { kind: 'noupdate', pollInterval: 3600 });
    assert.deepEqual(readCheckAnswer(doc('<updatecheck status="noupdate" PollInterval="soon"/>')), { kind: 'noupdate', pollInterval: 0 });
  });

  it('takes PollInterval from an update answer too', () => {
    const a = readCheckAnswer(ok(`${URLS}<manifest version="1">${PKG}${ACT}</manifest>`, ' PollInterval="7200"'));
    assert.equal(a.pollInterval, 7200);
  });

  it('a ping answer only has to be XML', () => {
    assert.equal(checkPingAnswer('<response protocol="3.0"/>'), null);
    assert.equal(checkPingAnswer(''), 30);
    assert.equal(checkPingAnswer('nope'), 31);
  });

  it('closing tags after a self-closed root are not XML (31), never a crash', () => {
    // xml2js throws this one instead of reporting it: the simulator used to die on such an answer.
    const body = '<response protocol="3.0"/><app><updatecheck status="noupdate"/></app></response>';
    assert.deepEqual(readCheckAnswer(body), {
      kind: 'invalid',
      code: 31,
      reason: 'not XML: Unmatched closing tag: response',
      pollInterval: 0,
    });
    assert.equal(checkPingAnswer(body), 31);
  });
});

describe('the first look at an answer', () => {
  it('gives response@protocol and every app@status', () => {
    assert.deepEqual(readResponseHeader(doc('', 'status="error-unknownApplication"')), {
      protocol: '3.0',
      appStatuses: ['error-unknownApplication'],
    });
    assert.deepEqual(readResponseHeader('<response/>'), { protocol: '', appStatuses: [] });
  });

  it('is null for a body that is not an XML <response>', () => {
    for (const body of ['', 'hello, I am a web server', '<response protocol="3.0">', '<html><body/></html>']) {
      assert.equal(readResponseHeader(body), null, body);
    }
  });
});

describe('rejecting what update_engine rejects', () => {
  const cases: [string, string, number][] = [
    ['empty body', '', 30],
    ['text that is not XML', 'Service Unavailable', 31],
    ['truncated XML', '<response protocol="3.0"><app>', 31],
    ['blank body (not empty, not XML)', '   \n', 31],
    ['HTML page', '<html><body>hello</body></html>', 34],
    ['no updatecheck (unknown app)', doc('', 'status="error-unknownApplication"'), 34],
    ['updatecheck without status', doc('<updatecheck/>'), 34],
    ['updatecheck error-internal', doc('<updatecheck status="error-internal"/>'), 34],
    ['ok without manifest', ok(URLS), 34],
    ['ok without urls', ok(`<manifest version="1">${PKG}${ACT}</manifest>`), 34],
    ['empty codebase', ok(`<urls><url codebase=""/></urls><manifest version="1">${PKG}${ACT}</manifest>`), 34],
    ['one of two codebases empty', ok(`<urls><url codebase="http://a/"/><url/></urls><manifest version="1">${PKG}${ACT}</manifest>`), 34],
    ['no package', ok(`${URLS}<manifest version="1"><packages/>${ACT}</manifest>`), 34],
    ['package without name', ok(`${URLS}<manifest version="1"><packages><package size="5"/></packages>${ACT}</manifest>`), 34],
    ['size 0', ok(`${URLS}<manifest version="1"><packages><package name="p" size="0"/></packages>${ACT}</manifest>`), 34],
    ['negative size', ok(`${URLS}<manifest version="1"><packages><package name="p" size="-5"/></packages>${ACT}</manifest>`), 34],
    ['size not a number', ok(`${URLS}<manifest version="1"><packages><package name="p" size="big"/></packages>${ACT}</manifest>`), 34],
    ['missing size', ok(`${URLS}<manifest version="1"><packages><package name="p"/></packages>${ACT}</manifest>`), 34],
    ['no actions', ok(`${URLS}<manifest version="1">${PKG}</manifest>`), 34],
    ['no postinstall action', ok(`${URLS}<manifest version="1">${PKG}<actions><action event="update"/></actions></manifest>`), 34],
    ['empty sha256', ok(`${URLS}<manifest version="1">${PKG}<actions><action event="postinstall" sha256=""/></actions></manifest>`), 34],
    ['root element is not response', '<reply><app><updatecheck status="noupdate"/></app></reply>', 34],
  ];
  for (const [name, body, code] of cases) {
    it(`${name} → ${code}`, () => {
      const a = readCheckAnswer(body);
      assert.equal(a.kind, 'invalid', JSON.stringify(a));
      if (a.kind === 'invalid') {
        assert.equal(a.code, code);
        assert.equal(a.pollInterval, 0, 'a rejected answer sets no poll interval');
      }
    });
  }
});

describe('payload size as sscanf("%i") reads it', () => {
  it('decimal, hex, octal, blanks and trailing junk', () => {
    assert.equal(scanInt('1234'), 1234);
    assert.equal(scanInt('  42'), 42);
    assert.equal(scanInt('0x10'), 16);
    assert.equal(scanInt('010'), 8);
    assert.equal(scanInt('12abc'), 12);
    assert.equal(scanInt('-7'), -7);
    assert.equal(scanInt('abc'), 0);
    assert.equal(scanInt(''), 0);
  });
});

describe('PollInterval as update_engine reads it', () => {
  it('parses as an integer or not at all', () => {
    assert.equal(parsePollInterval('3600'), 3600);
    assert.equal(parsePollInterval(undefined), 0);
    assert.equal(parsePollInterval('1h'), 0);
    assert.equal(parsePollInterval('-5'), 0);
  });
});
