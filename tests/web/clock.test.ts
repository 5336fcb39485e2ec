// The server's clock on every answer (X-Platte-Clock, platte/clock-header.ts) and the page's reading
// of it (web/src/state/clock.ts): with a simulated server clock (the demo) the page's "ago" and
// "left" times follow the server, not the browser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { testConfig } from '../../platte/config.ts';
import { createPlatte, type Platte } from '../../platte/platte.ts';
import { clockHeaderValue } from '../../platte/clock-header.ts';
import { ago } from '../../web/src/components/format.ts';
import { noteServerClock, parseClockHeader, serverNow, serverTimeAt } from '../../web/src/state/clock.ts';
import { ADMIN_TOKEN, startPlatte, type TestPlatte } from '../helpers/platte.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('X-Platte-Clock on the answers', () => {
  let t: TestPlatte;
  before(async () => {
    t = await startPlatte('embedded');
  });
  after(() => t.close());

  it('a JSON API answer carries the server clock, rate 1 for a clock that says nothing of its rate', async () => {
    const res = await t.http.get('/api/v1/apps').set('Authorization', t.auth).expect(200);
    assert.match(res.headers['content-type'] ?? '', /json/);
    assert.equal(res.headers['x-platte-clock'], `now=${T0};rate=1`);
    t.advance(5 * 60_000);
    const later = await t.http.get('/api/v1/apps').set('Authorization', t.auth).expect(200);
    assert.equal(later.headers['x-platte-clock'], `now=${T0 + 5 * 60_000};rate=1`);
  });

  it('errors carry it too (401, JSON 404)', async () => {
    const unauthorized = await t.http.get('/api/v1/apps').expect(401);
    assert.match(unauthorized.headers['x-platte-clock'] ?? '', /^now=\d+;rate=1$/);
    const missing = await t.http.get('/api/v1/no-such-thing').set('Authorization', t.auth).expect(404);
    assert.match(missing.headers['x-platte-clock'] ?? '', /^now=\d+;rate=1$/);
  });
});

describe('X-Platte-Clock from a Platte on a clock running 100× real time', () => {
  let platte: Platte;
  let sim = T0;
  before(async () => {
    platte = await createPlatte(testConfig({ dataDir: ':memory:', adminToken: ADMIN_TOKEN }), { now: () => sim, clockRate: () => 100 });
  });
  after(() => platte.close());

  it('says the rate, and the page reads the server time from it', async () => {
    sim = T0 + 1234.6;
    const res = await supertest(platte.app.callback()).get('/api/v1/apps').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const header = res.headers['x-platte-clock'] as string;
    assert.equal(header, `now=${T0 + 1234};rate=100`);
    const local = 5_000_000;
    noteServerClock(header, local);
    // Two real seconds later the server is 200 simulated seconds on.
    assert.equal(serverNow(local + 2000), T0 + 1234 + 200_000);
    assert.equal(serverNow(local), T0 + 1234);
  });
});

describe("the page's clock (web/src/state/clock.ts)", () => {
  it('parses the header and refuses what is not one', () => {
    assert.deepEqual(parseClockHeader('now=1700000000000;rate=600'), { now: 1_700_000_000_000, rate: 600 });
    assert.deepEqual(parseClockHeader(' now=5 ; rate=0.5 '), { now: 5, rate: 0.5 });
    assert.deepEqual(parseClockHeader('now=5'), { now: 5, rate: 1 });
    assert.deepEqual(parseClockHeader(clockHeaderValue(T0 + 0.9, 1 / 3)), { now: T0, rate: 0.333 });
    for (const bad of [null, undefined, '', 'rate=2', 'now=abc;rate=1', 'now=5;rate=0', 'now=5;rate=-1', 'now=-5', 'garbage']) {
      assert.equal(parseClockHeader(bad), null, String(bad));
    }
  });

  it('without an anchor the server time is the local one; with one it runs at the rate', () => {
    assert.equal(serverTimeAt(null, 42), 42);
    assert.equal(serverTimeAt({ server: 1000, local: 10, rate: 60 }, 20), 1000 + 600);
  });

  it('a malformed header keeps the clock it had', () => {
    noteServerClock('now=100000;rate=2', 0);
    noteServerClock('nonsense', 50);
    assert.equal(serverNow(10), 100_020);
  });

  it('"ago" reads against the server clock', () => {
    const serverTime = T0 + 30 * 86_400_000;
    noteServerClock(`now=${serverTime};rate=1`);
    // Five minutes before the server's now, whatever the machine's own clock says.
    assert.match(ago(serverTime - 5 * 60_000), /5 min/);
    assert.match(ago(serverTime + 2 * 3600_000), /2 hr/);
  });
});
