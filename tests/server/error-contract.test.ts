// The one error contract (kernel/http/errors.ts) as each surface renders it: a bug injected into a
// store method is a 500 in the surface's shape, logged at error level with its stack; a store that
// does not answer is a 503 logged as a warning; a bad cursor is a 400. Classification goes by type.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import Koa from 'koa';
import { pino } from 'pino';
import supertest from 'supertest';
import { ReplyError } from 'ioredis';
import { fleetlockMiddleware } from '../../coordinator/http/fleetlock.ts';
import type { RebootService } from '../../coordinator/service.ts';
import { ApiError, classify } from '../../kernel/http/errors.ts';
import { BadCursorError, decodeCursor } from '../../kernel/storage/cursor.ts';
import { StoreContentionError, StoreUnavailableError } from '../../kernel/storage/unavailable.ts';
import { testConfig } from '../../platte/config.ts';
import { createPlatte, type Platte } from '../../platte/platte.ts';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { ADMIN_TOKEN, FLATCAR, STORE_KINDS, seedRelease, startPlatte } from '../helpers/platte.ts';

const AUTH = `Bearer ${ADMIN_TOKEN}`;
const INTERNAL = 'internal server error';

interface LogLine {
  level: number;
  msg: string;
  err?: { type: string; message: string; stack: string };
}

/** A pino logger whose lines the test reads back. */
function capturedLog() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}

describe('classify: one decision for every surface', () => {
  const cases: [string, unknown, { kind: string; status: number; code: string; retryAfter?: number }][] = [
    ['an ApiError', new ApiError('not_found', 'no app'), { kind: 'request', status: 404, code: 'not_found' }],
    ['an unexposed ApiError', new ApiError('internal', 'secret detail'), { kind: 'bug', status: 500, code: 'internal' }],
    ['a bad cursor', new BadCursorError(), { kind: 'request', status: 400, code: 'bad_request' }],
    ['a store that does not answer', new StoreUnavailableError('Redis is not answering'), { kind: 'outage', status: 503, code: 'unavailable', retryAfter: 5 }],
    ['a step that kept being refused', new StoreContentionError('config kept changing'), { kind: 'outage', status: 503, code: 'unavailable', retryAfter: 5 }],
    ['a TypeError', new TypeError("cannot read properties of undefined (reading 'x')"), { kind: 'bug', status: 500, code: 'internal' }],
    ['Redis refusing a command', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), { kind: 'bug', status: 500, code: 'internal' }],
    ['a thrown string', 'oops', { kind: 'bug', status: 500, code: 'internal' }],
    ['a body too large (raw-body)', Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }), { kind: 'request', status: 413, code: 'payload_too_large' }],
    ['a 404 from koa', Object.assign(new Error('Not Found'), { status: 404, expose: true }), { kind: 'request', status: 404, code: 'not_found' }],
    ['a 5xx from koa', Object.assign(new Error('boom'), { status: 502, expose: false }), { kind: 'bug', status: 500, code: 'internal' }],
  ];
  for (const [what, err, want] of cases) {
    it(`${what} → ${want.kind} ${want.status} ${want.code}`, () => {
      const f = classify(err);
      assert.deepEqual({ kind: f.kind, status: f.status, code: f.code, ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter } : {}) }, want);
      assert.equal(f.err, err, 'the original error is kept for the log');
      if (f.kind !== 'request') assert.doesNotMatch(f.message, /secret|WRONGTYPE|properties|Redis|config/, 'no internals reach the client');
    });
  }

  it('goes by type, never by message: an Error whose text looks like a bad cursor is a bug', () => {
    assert.equal(classify(new Error('bad cursor: looks like one')).kind, 'bug');
    assert.equal(classify(new Error('the store is not answering')).kind, 'bug');
  });

  it('the cursor codec (both stores use it) throws BadCursorError', () => {
    assert.throws(() => decodeCursor('!!!'), BadCursorError);
    assert.throws(() => decodeCursor('eyJ4IjoxfQ'), BadCursorError);
    assert.throws(() => decodeCursor('garbage'), BadCursorError);
  });
});

describe('a bug is a logged 500 and an outage a 503, on every surface', () => {
  const { log, lines } = capturedLog();
  let platte: Platte;
  let http: ReturnType<typeof supertest>;
  const clock = { now: Date.UTC(2026, 10, 25, 12, 0, 0) };
  const restores: (() => void)[] = [];

  before(async () => {
    platte = await createPlatte(testConfig({ dataDir: ':memory:', adminToken: ADMIN_TOKEN }), { log, now: () => clock.now });
    http = supertest(platte.app.callback());
    await seedRelease({ platte, http, auth: AUTH, advance() {}, close: async () => {} });
  });
  after(() => platte.close());
  afterEach(() => {
    for (const undo of restores.splice(0).reverse()) undo();
  });

  /** Replaces `obj[name]` for one test. */
  function patch<T extends object, K extends keyof T>(obj: T, name: K, fake: T[K]): void {
    const orig = obj[name];
    obj[name] = fake;
    restores.push(() => {
      obj[name] = orig;
    });
  }
  const throwing = (err: unknown) => async () => {
    throw err;
  };
  /** Lines logged while `fn` ran. */
  async function logged<R>(fn: () => Promise<R>): Promise<{ res: R; logs: LogLine[] }> {
    const from = lines.length;
    const res = await fn();
    return { res, logs: lines.slice(from) };
  }
  function assertBugLogged(logs: LogLine[], message: string) {
    const line = logs.find((l) => l.level === 50);
    assert.ok(line, `an error-level line: ${JSON.stringify(logs)}`);
    assert.equal(line.err?.type, 'TypeError');
    assert.match(line.err?.stack ?? '', new RegExp(`^TypeError: ${message}\\n\\s+at `), 'logged with its stack');
  }
  function assertOutageLogged(logs: LogLine[], type = 'StoreUnavailableError') {
    assert.equal(logs.filter((l) => l.level >= 50).length, 0, `no error-level line: ${JSON.stringify(logs)}`);
    assert.equal(logs.find((l) => l.level === 40)?.err?.type, type);
  }

  const check = (machineid: string) => http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest({ machineid }));
  const preReboot = (id: string) => http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send({ client_params: { id, group: 'default' } });

  describe('JSON API (release)', () => {
    it('a bug → 500 internal, no internals, logged with its stack', async () => {
      patch(platte.store, 'listApps', throwing(new TypeError('bug in listApps')));
      const { res, logs } = await logged(() => http.get('/api/v1/apps').set('Authorization', AUTH));
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { error: { code: 'internal', message: INTERNAL } });
      assertBugLogged(logs, 'bug in listApps');
    });

    it('a store that does not answer → 503 unavailable with Retry-After, a warning', async () => {
      patch(platte.store, 'listApps', throwing(new StoreUnavailableError('Redis is not answering')));
      const { res, logs } = await logged(() => http.get('/api/v1/apps').set('Authorization', AUTH));
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'unavailable');
      assert.equal(res.headers['retry-after'], '5');
      assertOutageLogged(logs);
    });

    it('a bad cursor → 400 bad_request, nothing logged as a failure', async () => {
      const { res, logs } = await logged(() => http.get(`/api/v1/apps/${FLATCAR}/instances?cursor=garbage`).set('Authorization', AUTH));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'bad_request');
      assert.match(res.body.error.message, /^bad cursor/);
      assert.equal(logs.filter((l) => l.level >= 40).length, 0);
    });
  });

  describe('JSON API (operator, reboot groups)', () => {
    it('a bug → 500 internal, not 503 unavailable, logged with its stack', async () => {
      patch(platte.coordinator.store, 'listGroups', throwing(new TypeError('bug in listGroups')));
      const { res, logs } = await logged(() => http.get('/api/v1/reboot-groups').set('Authorization', AUTH));
      assert.equal(res.status, 500, JSON.stringify(res.body));
      assert.deepEqual(res.body, { error: { code: 'internal', message: INTERNAL } });
      assertBugLogged(logs, 'bug in listGroups');
    });

    it('a store that does not answer → 503 unavailable with Retry-After, a warning', async () => {
      patch(platte.coordinator.store, 'listGroups', throwing(new StoreUnavailableError('Redis is not answering')));
      const { res, logs } = await logged(() => http.get('/api/v1/reboot-groups').set('Authorization', AUTH));
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'unavailable');
      assert.equal(res.headers['retry-after'], '5');
      assertOutageLogged(logs);
    });
  });

  describe('FleetLock', () => {
    it('a bug → 500 {kind: internal}, not store_unavailable, logged with its stack', async () => {
      patch(platte.coordinator.store, 'acquire', throwing(new TypeError('bug in acquire')));
      const { res, logs } = await logged(() => preReboot('n1'));
      assert.equal(res.status, 500, JSON.stringify(res.body));
      assert.deepEqual(res.body, { kind: 'internal', value: INTERNAL });
      assert.equal(res.headers['retry-after'], undefined);
      assertBugLogged(logs, 'bug in acquire');
    });

    it('a store that does not answer → 503 store_unavailable with Retry-After, a warning', async () => {
      patch(platte.coordinator.store, 'acquire', throwing(new StoreUnavailableError('Redis is not answering')));
      const { res, logs } = await logged(() => preReboot('n1'));
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { kind: 'store_unavailable', value: 'the lock store is not answering; try again' });
      assert.equal(res.headers['retry-after'], '5');
      assertOutageLogged(logs);
    });

    it('an operation past its deadline → 503 store_unavailable', async () => {
      const hung = { preReboot: () => new Promise(() => {}) } as unknown as RebootService;
      const app = new Koa();
      const { log: own, lines: ownLines } = capturedLog();
      app.use(fleetlockMiddleware(hung, own, { deadlineMs: 20 }));
      const res = await supertest(app.callback()).post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send({ client_params: { id: 'n1', group: 'default' } });
      assert.equal(res.status, 503);
      assert.equal(res.body.kind, 'store_unavailable');
      assertOutageLogged(ownLines);
    });
  });

  describe('Omaha', () => {
    it('a bug → 500 text, not 503, logged with its stack', async () => {
      patch(platte.store, 'applyCheckIn', throwing(new TypeError('bug in applyCheckIn')));
      const { res, logs } = await logged(() => check('e1'.repeat(16)));
      assert.equal(res.status, 500, res.text);
      assert.match(res.type, /text\/plain/);
      assert.equal(res.text, `${INTERNAL}\n`);
      assertBugLogged(logs, 'bug in applyCheckIn');
    });

    it('a store that does not answer → 503 text, a warning', async () => {
      patch(platte.store, 'applyCheckIn', throwing(new StoreUnavailableError('Redis is not answering')));
      const { res, logs } = await logged(() => check('e2'.repeat(16)));
      assert.equal(res.status, 503);
      assert.match(res.type, /text\/plain/);
      assertOutageLogged(logs);
    });

    it('a config that keeps changing during a check-in → 503, a typed StoreContentionError', async () => {
      // Every check-in is refused as stale and every reload shows a newer epoch; each try takes a
      // second of the injected clock, so the retry bound (2 s) ends it after a few tries.
      const load = platte.store.loadAppConfig.bind(platte.store);
      let bump = 1000;
      patch(platte.store, 'loadAppConfig', async (appId: string) => {
        const cfg = await load(appId);
        return cfg && { ...cfg, epoch: cfg.epoch + bump++ };
      });
      patch(platte.store, 'applyCheckIn', async () => {
        clock.now += 1000;
        return { applied: false, reason: 'stale-config' } as const;
      });
      const { res, logs } = await logged(() => check('e3'.repeat(16)));
      assert.equal(res.status, 503, res.text);
      assertOutageLogged(logs, 'StoreContentionError');
    });

    it('still answers after all that', async () => {
      clock.now += 60_000; // past the release cache's lifetime: it held the faked epochs
      const res = await check('e4'.repeat(16)).expect(200);
      assert.equal((await readAnswer(res.text)).apps[0]!.updatecheck, 'ok');
    });
  });
});

for (const kind of STORE_KINDS) {
  it(`a bad cursor is a 400 on the ${kind} store`, async () => {
    const t = await startPlatte(kind);
    try {
      await seedRelease(t);
      for (const cursor of ['garbage', '!!!', 'eyJ4IjoxfQ']) {
        const res = await t.http.get(`/api/v1/apps/${FLATCAR}/instances?cursor=${encodeURIComponent(cursor)}`).set('Authorization', t.auth);
        assert.equal(res.status, 400, cursor);
        assert.equal(res.body.error.code, 'bad_request');
        assert.match(res.body.error.message, /^bad cursor/);
      }
    } finally {
      await t.close();
    }
  });
}
