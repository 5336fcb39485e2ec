// Platte serves the built dashboard at `/`: the page for each of its routes, its own 404 (with the
// page) for any other path outside the API, hashed assets with long caching, the security headers
// on all of it; and every other surface (API, Omaha, FleetLock, health) answers as before.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import Koa from 'koa';
import { INSTANCE_STATUSES } from '../../server/domain/statuses.ts';
import { dashboardDir, dashboardPage } from '../../platte/web-page.ts';
import { FILTER_STATUSES } from '../../web/src/components/statuses.ts';
import { isPageRoute, matchRoute, pagePath, PAGE_ROUTES } from '../../web/src/routes.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { startPlatte, type TestPlatte } from '../helpers/platte.ts';
import { ensureDashboardBuilt } from './harness.ts';

describe('the page routes', () => {
  it('match their paths, with a trailing slash or not, and nothing else', () => {
    assert.deepEqual({ ...matchRoute(PAGE_ROUTES.rollout, '/rollouts/abc/stable') }, { app: 'abc', channel: 'stable' });
    assert.ok(isPageRoute('/'));
    assert.ok(isPageRoute('/instances/'));
    assert.ok(isPageRoute('/reboot-groups/web'));
    assert.ok(!isPageRoute('/rollouts/abc'));
    assert.ok(!isPageRoute('/reboot-groups/web/extra'));
    assert.ok(!isPageRoute('/nowhere'));
    assert.equal(pagePath(PAGE_ROUTES.instance, { app: 'a', machineid: 'm/1' }), '/instances/a/m%2F1');
  });

  it("the instance filter offers exactly the server's statuses", () => {
    assert.deepEqual([...FILTER_STATUSES].sort(), [...INSTANCE_STATUSES].sort());
  });
});

const CSP = /default-src 'self'.*script-src 'self'/;

describe('serving the dashboard', () => {
  let t: TestPlatte;
  let asset: string;
  before(async () => {
    ensureDashboardBuilt();
    asset = `/assets/${fs.readdirSync(path.join(dashboardDir(), 'assets')).find((f) => f.endsWith('.js'))}`;
    t = await startPlatte('embedded');
  });
  after(() => t.close());

  function assertPageHeaders(res: supertest.Response) {
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, CSP);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src-attr 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
  }

  it('answers the page at / and at each of its routes, with the security headers and no caching of the page', async () => {
    for (const p of ['/', '/rollouts/x/stable', '/reboot-groups', '/reboot-groups/web', '/instances', '/instances/x/y', '/activity', '/releases']) {
      const res = await t.http.get(p).expect(200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.text, /<div id="app">/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assertPageHeaders(res);
    }
    await t.http.head('/').expect(200);
  });

  it('has no inline script in the page', async () => {
    const res = await t.http.get('/').expect(200);
    for (const m of res.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
      assert.match(m[0], /\ssrc="\/assets\//, 'every script is a file');
      assert.equal(m[1]!.trim(), '');
    }
    assert.doesNotMatch(res.text, /\son[a-z]+=/i, 'no event handler attributes');
  });

  it("answers any other path outside the API with 404 and the page, which shows its own 'not found'", async () => {
    for (const p of ['/nowhere', '/rollouts/only-app', '/v1', '/index.htm', '/.env']) {
      const res = await t.http.get(p).expect(404);
      assert.match(res.text, /<div id="app">/, p);
      assertPageHeaders(res);
    }
  });

  it('serves hashed assets with long caching, and a missing asset is a plain 404', async () => {
    const res = await t.http.get(asset).expect(200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.match(String(res.headers['cache-control']), /immutable/);
    assertPageHeaders(res);
    const missing = await t.http.get('/assets/nothing-here.js').expect(404);
    assert.match(String(missing.headers['content-type']), /text\/plain/);
    await t.http.get('/favicon.svg').expect(200).expect('content-type', /svg/);
  });

  it('never serves a file outside the built page', async () => {
    for (const p of ['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json']) {
      const res = await t.http.get(p);
      assert.ok(!res.text.includes('"name": "platte"'), `${p} leaked package.json`);
    }
  });

  it('leaves the API, Omaha, FleetLock and health to themselves', async () => {
    const api = await t.http.get('/api/v1/nothing').expect(404);
    assert.equal(api.body.error.code, 'not_found');
    assert.equal(api.headers['content-security-policy'], undefined);
    await t.http.get('/api').expect(404).expect('content-type', /json/);
    await t.http.get('/api/v2/x').expect(404).expect('content-type', /json/);
    await t.http.get('/healthz').expect(200).expect('content-type', /json/);
    await t.http.post('/v1/update/').send(ueRequest()).expect(200).expect('content-type', /xml/);
    await t.http.get('/v1/update/').expect(405);
    const fl = await t.http.get('/any/prefix/v1/pre-reboot');
    assert.equal(fl.status, 405);
    assert.doesNotMatch(fl.text, /<div id="app">/);
    // A change to a page path is not the page's: the JSON 404.
    await t.http.post('/instances').expect(404).expect('content-type', /json/);
  });
});

describe('a Platte whose dashboard is not built', () => {
  it('says how to build it', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-nodash-'));
    const app = new Koa();
    app.use(dashboardPage(empty));
    const res = await supertest(app.callback()).get('/').expect(404);
    assert.match(res.text, /npm run build/);
    fs.rmSync(empty, { recursive: true });
  });
});
