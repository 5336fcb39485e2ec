// Sign-in sessions through the HTTP API, on both stores: POST/GET/DELETE /api/v1/session, the
// cookie's flags, the session as an alternative to the bearer header on every route, the CSRF
// header on changes, roles, sign-out, expiry and revocation; and sessions kept on the backend,
// so another process (Redis) or the next start (SQLite) knows them.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { createAuth } from '../../kernel/auth/auth.ts';
import { buildApp } from '../../platte/http-app.ts';
import { CSRF_HEADER, SESSION_TTL_MS } from '../../server/session/index.ts';
import { ADMIN_TOKEN, FLATCAR, STORE_KINDS, startPlatte, type TestPlatte } from '../helpers/platte.ts';

type Http = ReturnType<typeof supertest>;

interface Signed {
  cookie: string;
  csrf: string;
  body: { role: string; name: string; csrf: string; expiresAt: number };
  setCookie: string;
}

async function signIn(http: Http, token: string): Promise<Signed> {
  const res = await http.post('/api/v1/session').send({ token }).expect(201);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('platte_session='));
  assert.ok(setCookie, 'a session cookie is set');
  return { cookie: setCookie.split(';')[0]!, csrf: res.body.csrf, body: res.body, setCookie };
}

async function tokenOf(t: TestPlatte, role: string): Promise<{ id: string; secret: string }> {
  const res = await t.http.post('/api/v1/tokens').set('Authorization', t.auth).send({ name: `${role} person`, role }).expect(201);
  return { id: res.body.token.id, secret: res.body.token.secret };
}

/** Polls `probe` until it holds, for at most `ms`. */
async function eventually(probe: () => Promise<boolean>, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

for (const kind of STORE_KINDS) {
  describe(`sessions (${kind} store)`, () => {
    let t: TestPlatte;
    before(async () => {
      t = await startPlatte(kind);
    });
    after(() => t.close());

    it('signs in with a token: an HttpOnly, SameSite=Strict cookie for the whole site, not Secure over plain HTTP; answers role, name and the CSRF value', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      assert.equal(s.body.role, 'admin');
      assert.equal(s.body.name, 'admin (PLATTE_ADMIN_TOKEN)');
      assert.match(s.body.csrf, /^[A-Za-z0-9_-]{43}$/);
      const flags = s.setCookie.toLowerCase();
      assert.match(flags, /; httponly/);
      assert.match(flags, /; samesite=strict/);
      assert.match(flags, /; path=\//);
      assert.doesNotMatch(flags, /; secure/);
      assert.ok(!s.setCookie.includes(ADMIN_TOKEN), 'the cookie is not the token');
    });

    it('a session opens every API route a token opens; without one the API answers 401', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
      await t.http.get('/api/v1/reboot-groups').set('Cookie', s.cookie).expect(200);
      const res = await t.http.get('/api/v1/apps').expect(401);
      assert.equal(res.body.error.code, 'unauthorized');
      await t.http.get('/api/v1/apps').set('Cookie', 'platte_session=made-up').expect(401);
    });

    it('GET /session says who is signed in, with the CSRF value; by bearer token, csrf is null', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      const me = await t.http.get('/api/v1/session').set('Cookie', s.cookie).expect(200);
      assert.deepEqual(me.body, { role: 'admin', name: 'admin (PLATTE_ADMIN_TOKEN)', csrf: s.csrf, expiresAt: s.body.expiresAt });
      const byToken = await t.http.get('/api/v1/session').set('Authorization', t.auth).expect(200);
      assert.equal(byToken.body.csrf, null);
      await t.http.get('/api/v1/session').expect(401);
    });

    it('refuses an unknown token (401, no cookie) and a malformed body (400)', async () => {
      const res = await t.http.post('/api/v1/session').send({ token: 'not-a-token-0123456789' }).expect(401);
      assert.equal(res.body.error.code, 'unauthorized');
      assert.equal(res.headers['set-cookie'], undefined);
      await t.http.post('/api/v1/session').send({ secret: ADMIN_TOKEN }).expect(400);
      await t.http.post('/api/v1/session').send({ token: '' }).expect(400);
    });

    it('a change made with a session needs the CSRF header: 403 without it or with a wrong one, done with the right one', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      const create = () => t.http.post('/api/v1/reboot-groups/csrf-test/pause').set('Cookie', s.cookie);
      const none = await create().expect(403);
      assert.match(none.body.error.message, /x-platte-csrf/i);
      await create().set(CSRF_HEADER, `${s.csrf.slice(0, -1)}x`).expect(403);
      await create().set(CSRF_HEADER, 'short').expect(403);
      await create().set(CSRF_HEADER, s.csrf).expect(200);
      // The header belongs to its session, not to any session.
      const other = await signIn(t.http, ADMIN_TOKEN);
      await create().set(CSRF_HEADER, other.csrf).expect(403);
    });

    it('roles hold for sessions: a read-only session reads, and the server refuses its changes (403)', async () => {
      const tok = await tokenOf(t, 'read-only');
      const s = await signIn(t.http, tok.secret);
      assert.equal(s.body.role, 'read-only');
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
      const res = await t.http.post('/api/v1/reboot-groups/ro-test/pause').set('Cookie', s.cookie).set(CSRF_HEADER, s.csrf).expect(403);
      assert.equal(res.body.error.code, 'forbidden');
      await t.http.post('/api/v1/apps').set('Cookie', s.cookie).set(CSRF_HEADER, s.csrf).send({ id: FLATCAR, name: 'Flatcar' }).expect(403);
    });

    it('the Authorization header wins over the cookie', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      // A bearer request needs no CSRF header, cookie or not.
      await t.http.post('/api/v1/reboot-groups/bearer-test/pause').set('Cookie', s.cookie).set('Authorization', t.auth).expect(200);
    });

    it('signing out ends the session and clears the cookie', async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      const out = await t.http.delete('/api/v1/session').set('Cookie', s.cookie).set(CSRF_HEADER, s.csrf).expect(204);
      const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).find((c) => c.startsWith('platte_session='));
      assert.ok(cleared && /expires=Thu, 01 Jan 1970/i.test(cleared), `cookie cleared: ${cleared}`);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(401);
      // Signing out without a session is fine too.
      await t.http.delete('/api/v1/session').expect(204);
    });

    it('signing in again replaces the session the browser had', async () => {
      const first = await signIn(t.http, ADMIN_TOKEN);
      const res = await t.http.post('/api/v1/session').set('Cookie', first.cookie).send({ token: ADMIN_TOKEN }).expect(201);
      assert.notEqual(res.body.csrf, first.csrf);
      await t.http.get('/api/v1/apps').set('Cookie', first.cookie).expect(401);
    });

    it('revoking the token ends its sessions on the next request', async () => {
      const tok = await tokenOf(t, 'release');
      const s = await signIn(t.http, tok.secret);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
      await t.http.delete(`/api/v1/tokens/${tok.id}`).set('Authorization', t.auth).expect(204);
      const res = await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(401);
      assert.match(res.body.error.message, /revoked/);
      await t.http.get('/api/v1/session').set('Cookie', s.cookie).expect(401);
    });

    it(`a session ends ${SESSION_TTL_MS / 3_600_000} hours after sign-in`, async () => {
      const s = await signIn(t.http, ADMIN_TOKEN);
      t.advance(SESSION_TTL_MS - 1000);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
      t.advance(1000);
      await t.http.get('/api/v1/apps').set('Cookie', s.cookie).expect(401);
    });
  });
}

describe('the Secure flag', () => {
  let t: TestPlatte;
  before(async () => {
    t = await startPlatte('embedded', { trustedProxies: ['loopback'] });
  });
  after(() => t.close());

  it('is set when a trusted proxy says the request came over TLS', async () => {
    const res = await t.http.post('/api/v1/session').set('X-Forwarded-Proto', 'https').send({ token: ADMIN_TOKEN }).expect(201);
    assert.match(String(res.headers['set-cookie']).toLowerCase(), /; secure/);
    const plain = await t.http.post('/api/v1/session').set('X-Forwarded-Proto', 'http').send({ token: ADMIN_TOKEN }).expect(201);
    assert.doesNotMatch(String(plain.headers['set-cookie']).toLowerCase(), /; secure/);
  });

  it('is not set on the word of a peer that is not a trusted proxy', async () => {
    const u = await startPlatte('embedded');
    try {
      const res = await u.http.post('/api/v1/session').set('X-Forwarded-Proto', 'https').send({ token: ADMIN_TOKEN }).expect(201);
      assert.doesNotMatch(String(res.headers['set-cookie']).toLowerCase(), /; secure/);
    } finally {
      await u.close();
    }
  });
});

/** A second Koa app over the same Platte's parts, with its backend: a process sharing the store. */
function appOn(t: TestPlatte): Http {
  const p = t.platte;
  const auth = createAuth(p.store, ADMIN_TOKEN, { now: () => Date.now() });
  return supertest(buildApp({ config: p.config, store: p.store, auth, coordinator: p.coordinator, log: p.log, now: () => Date.now(), backend: p.backend }).callback());
}

describe('sessions kept on the backend', () => {
  it('embedded: a session outlives the app that opened it (a restart on the same file)', async () => {
    const t = await startPlatte('embedded');
    try {
      const first = appOn(t);
      const s = await signIn(first, ADMIN_TOKEN);
      const restarted = appOn(t);
      await restarted.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
    } finally {
      await t.close();
    }
  });

  it('redis: a session opened on one process works on another; revoking its token there ends it within seconds', async () => {
    const a = await startPlatte('redis', { redisPrefix: 'sessions' });
    const b = await startPlatte('redis', { redisPrefix: 'sessions' });
    try {
      const [httpA, httpB] = [appOn(a), appOn(b)];
      const tok = await tokenOf(a, 'release');
      const s = await signIn(httpA, tok.secret);
      await httpB.get('/api/v1/apps').set('Cookie', s.cookie).expect(200);
      await httpB.post('/api/v1/reboot-groups/shared/pause').set('Cookie', s.cookie).set(CSRF_HEADER, s.csrf).expect(200);
      await a.http.delete(`/api/v1/tokens/${tok.id}`).set('Authorization', a.auth).expect(204);
      assert.ok(await eventually(async () => (await httpB.get('/api/v1/apps').set('Cookie', s.cookie)).status === 401), 'B still honours the session');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
