// One set of rules for what update_engine accepts, on both sides: what the server builds a client
// reads as meant, and the server refuses to send an answer for the reason a client would reject it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOmahaResponse, OmahaBuildError } from '../../protocol/omaha/build.ts';
import { readCheckAnswer } from '../../protocol/omaha/client-response.ts';
import { ErrorCode } from '../../protocol/omaha/error-codes.ts';
import { offerProblem, withTrailingSlash, type OfferParts } from '../../protocol/omaha/response-rules.ts';
import type { OmahaAppResponse, UpdateManifest } from '../../protocol/omaha/types.ts';
import { nebraskaRelease } from '../helpers/nebraska-release.ts';

function answer(updateCheck: OmahaAppResponse['updateCheck']): string {
  return buildOmahaResponse({ daystartElapsedSeconds: 0, apps: [{ appIdRaw: 'a', status: 'ok', ping: true, events: 0, updateCheck }] });
}

const GOOD: OfferParts = {
  hasManifest: true,
  codebases: ['https://u.example/1/'],
  payload: { name: 'p.gz', size: '10' },
  actions: [{ event: 'postinstall', sha256: 'x' }],
};

describe('offerProblem', () => {
  it('takes an offer with manifest, URLs, a named payload of positive size and a postinstall sha256', () => {
    assert.equal(offerProblem(GOOD), null);
    assert.equal(offerProblem({ ...GOOD, payload: { name: 'p', size: '0x10' } }), null, 'size read as sscanf %i');
  });

  const broken: Array<[string, Partial<OfferParts>, string]> = [
    ['no manifest', { hasManifest: false }, 'no manifest'],
    ['no URL', { codebases: [] }, 'no URL'],
    ['an empty codebase among others', { codebases: ['http://a/', ''] }, 'a URL with an empty codebase'],
    ['no package', { payload: undefined }, 'no package'],
    ['an unnamed payload', { payload: { name: '', size: '1' } }, 'the payload package has no name'],
    ['a payload of size 0', { payload: { name: 'p', size: '0' } }, 'invalid payload size "0"'],
    ['a payload size that is no number', { payload: { name: 'p', size: 'big' } }, 'invalid payload size "big"'],
    ['no actions', { actions: [] }, 'no actions'],
    ['no postinstall action', { actions: [{ event: 'update', sha256: 'x' }] }, 'no postinstall action'],
    ['an empty sha256', { actions: [{ event: 'postinstall', sha256: '' }] }, 'the postinstall action has an empty sha256'],
  ];
  for (const [what, change, reason] of broken) {
    it(`refuses ${what}`, () => assert.equal(offerProblem({ ...GOOD, ...change }), reason));
  }

  it('adds the "/" update_engine adds between codebase and package name', () => {
    assert.equal(withTrailingSlash('http://a/x'), 'http://a/x/');
    assert.equal(withTrailingSlash('http://a/x/'), 'http://a/x/');
  });
});

describe('the server builds what a client accepts', () => {
  it('an update: the client finds the payload URL, size and digest the server meant', () => {
    const m = nebraskaRelease();
    m.urls = ['https://a.example/x', 'https://b.example/y/'];
    const read = readCheckAnswer(answer({ status: 'ok', manifest: m, pollInterval: 3600 }));
    assert.deepEqual(read, {
      kind: 'update',
      pollInterval: 3600,
      manifest: {
        version: '3732.0.0',
        urls: ['https://a.example/x/flatcar_production_update.gz', 'https://b.example/y/flatcar_production_update.gz'],
        name: 'flatcar_production_update.gz',
        size: 382137917,
        sha256: m.sha256,
      },
    });
  });

  it('noupdate, with its PollInterval', () => {
    assert.deepEqual(readCheckAnswer(answer({ status: 'noupdate', pollInterval: 2700 })), { kind: 'noupdate', pollInterval: 2700 });
  });
});

describe('the server refuses to send what a client rejects, for the same reason', () => {
  const URLS = '<urls><url codebase="https://u.example/1/"/></urls>';
  const PKG = '<packages><package name="p.gz" size="5"/></packages>';
  const ACT = '<actions><action event="postinstall" sha256="c2hh"/></actions>';
  const ok = (inner: string) => `<response protocol="3.0"><app appid="a" status="ok"><updatecheck status="ok">${inner}</updatecheck></app></response>`;

  const cases: Array<[string, (m: UpdateManifest) => UpdateManifest | undefined, string, string]> = [
    ['no manifest', () => undefined, ok(URLS), 'no manifest'],
    ['no URL', (m) => ({ ...m, urls: [] }), ok(`<manifest version="1">${PKG}${ACT}</manifest>`), 'no URL'],
    ['no package', (m) => ({ ...m, packages: [] }), ok(`${URLS}<manifest version="1"><packages/>${ACT}</manifest>`), 'no package'],
    [
      'an unnamed payload',
      (m) => ({ ...m, packages: [{ name: '', size: 5, required: true }] }),
      ok(`${URLS}<manifest version="1"><packages><package size="5"/></packages>${ACT}</manifest>`),
      'the payload package has no name',
    ],
    [
      'a payload of size 0',
      (m) => ({ ...m, packages: [{ name: 'p.gz', size: 0, required: true }] }),
      ok(`${URLS}<manifest version="1"><packages><package name="p.gz" size="0"/></packages>${ACT}</manifest>`),
      'invalid payload size "0"',
    ],
    [
      'an empty sha256',
      (m) => ({ ...m, sha256: '' }),
      ok(`${URLS}<manifest version="1">${PKG}<actions><action event="postinstall" sha256=""/></actions></manifest>`),
      'the postinstall action has an empty sha256',
    ],
  ];
  for (const [what, breakIt, sameAnswer, reason] of cases) {
    it(what, () => {
      const manifest = breakIt(nebraskaRelease());
      assert.throws(
        () => answer({ status: 'ok', manifest }),
        (err: unknown) => err instanceof OmahaBuildError && err.message.endsWith(`: ${reason}`),
      );
      assert.deepEqual(readCheckAnswer(sameAnswer), { kind: 'invalid', code: ErrorCode.OmahaResponseInvalid, reason, pollInterval: 0 });
    });
  }
});
