// Bad input on the etcd surface: malformed values, JSON that is not a semaphore, documents that do
// more than one thing, wrong methods, other keys, bad parameters and escapes, huge bodies. Each gets
// etcd's error document with the right code and status, never a 5xx, and nothing is written: the
// group's change counter, history and holders stay as they were, and no other group appears.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { queryEscape } from '../../coordinator/etcd/keys.ts';
import { onBothStores, TOKENS, type TestPlatte } from '../coordinator/helpers.ts';
import { basic, serve, type Served } from './helpers.ts';
import { keyPath } from './locksmith-client.ts';

const KEY = keyPath();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (value: string) => `value=${queryEscape(value)}`;

/** Everything a write could change. */
async function footprint(t: TestPlatte): Promise<string> {
  const groups = await t.platte.coordinator.service.list();
  const views = await Promise.all(groups.map((g) => t.platte.coordinator.service.view(g.group, 1000)));
  const states = await Promise.all(groups.map((g) => t.platte.coordinator.service.slotState(g.group)));
  return JSON.stringify({ views: views.map((v) => [v?.group, v?.max, v?.holders, v?.history]), revisions: states.map((s) => s?.revision) });
}

interface Case {
  what: string;
  method: string;
  target: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  errorCode: number;
}

onBothStores('bad', (kind, withPlatte) => {
  describe(`bad input on the etcd surface (${kind} store)`, () => {
    const prepared = async (s: Served) => {
      const lsm = s.client({ user: 'ops', password: TOKENS.release });
      await lsm.setMax(2);
      await lsm.lock('m1');
      return (await lsm.get()).index;
    };

    it('every case: its etcd error, never a 5xx, nothing written', withPlatte(async (t) => {
      const s = await serve(t);
      try {
        const index = await prepared(s);
        const cas = (value: string, extra = '') => ({ method: 'PUT', target: `${KEY}?prevIndex=${index}${extra}`, body: form(value), headers: FORM });
        const cases: Case[] = [
          { what: 'value not JSON', ...cas('{semaphore'), status: 400, errorCode: 209 },
          { what: 'JSON, not an object', ...cas('[1,2]'), status: 400, errorCode: 209 },
          { what: 'a field missing', ...cas('{"semaphore":0,"max":2}'), status: 400, errorCode: 209 },
          { what: 'an extra field', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"],"ttl":5}'), status: 400, errorCode: 209 },
          { what: 'max not a number', ...cas('{"semaphore":0,"max":"2","holders":["m1","m2"]}'), status: 400, errorCode: 209 },
          { what: 'a holder listed twice', ...cas('{"semaphore":0,"max":2,"holders":["m1","m1"]}'), status: 400, errorCode: 209 },
          { what: 'a holder that is no id', ...cas('{"semaphore":0,"max":2,"holders":["m1",""]}'), status: 400, errorCode: 209 },
          { what: 'two holders at once', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2","m3"]}'), status: 412, errorCode: 101 },
          { what: 'one in, one out', ...cas('{"semaphore":1,"max":2,"holders":["m2"]}'), status: 412, errorCode: 101 },
          { what: 'a negative semaphore', ...cas('{"semaphore":-1,"max":2,"holders":["m1","m2"]}'), status: 412, errorCode: 101 },
          { what: 'max below 1', ...cas('{"semaphore":0,"max":0,"holders":["m1"]}'), status: 412, errorCode: 101 },
          { what: 'max and holders at once', ...cas('{"semaphore":1,"max":3,"holders":["m1","m2"]}'), status: 412, errorCode: 101 },
          { what: 'a stale index', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}'), target: `${KEY}?prevIndex=${index - 1}`, status: 412, errorCode: 101 },
          { what: 'no prevIndex', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}'), target: KEY, status: 412, errorCode: 101 },
          { what: 'prevIndex=0', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}'), target: `${KEY}?prevIndex=0`, status: 412, errorCode: 101 },
          { what: 'prevExist=true alone', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}'), target: `${KEY}?prevExist=true`, status: 412, errorCode: 101 },
          { what: 'prevIndex not a number', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}'), target: `${KEY}?prevIndex=abc`, status: 400, errorCode: 203 },
          { what: 'prevExist neither true nor false', ...cas('{"semaphore":1,"max":1,"holders":null}'), target: `${KEY}?prevExist=maybe`, status: 400, errorCode: 209 },
          { what: 'the create with prevIndex', ...cas('{"semaphore":1,"max":1,"holders":null}'), target: `${KEY}?prevExist=false&prevIndex=${index}`, status: 400, errorCode: 209 },
          { what: 'ttl', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}', '&ttl=5'), status: 400, errorCode: 209 },
          { what: 'prevValue', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}', '&prevValue=x'), status: 400, errorCode: 209 },
          { what: 'dir', ...cas('{"semaphore":0,"max":2,"holders":["m1","m2"]}', '&dir=true'), status: 400, errorCode: 209 },
          { what: 'no value', method: 'PUT', target: `${KEY}?prevIndex=${index}`, body: 'other=1', headers: FORM, status: 400, errorCode: 200 },
          { what: 'a value in JSON, not a form', method: 'PUT', target: `${KEY}?prevIndex=${index}`, body: '{"semaphore":0}', headers: { 'content-type': 'application/json' }, status: 400, errorCode: 200 },
          { what: 'a form that is not UTF-8', method: 'PUT', target: `${KEY}?prevIndex=${index}`, body: 'value=%ff', headers: FORM, status: 400, errorCode: 210 },
          { what: 'a form with a bad escape', method: 'PUT', target: `${KEY}?prevIndex=${index}`, body: 'value=%zz', headers: FORM, status: 400, errorCode: 210 },
          { what: 'a huge body', method: 'PUT', target: `${KEY}?prevIndex=${index}`, body: `value=${'x'.repeat(300 * 1024)}`, headers: FORM, status: 413, errorCode: 210 },
          { what: 'a query with ;', method: 'GET', target: `${KEY}?a=1;b=2`, status: 400, errorCode: 209 },
          { what: 'a watch', method: 'GET', target: `${KEY}?wait=true`, status: 400, errorCode: 209 },
          { what: 'DELETE the semaphore', method: 'DELETE', target: KEY, status: 403, errorCode: 107 },
          { what: 'POST under it', method: 'POST', target: KEY, body: form('{}'), headers: FORM, status: 403, errorCode: 107 },
          { what: 'PATCH', method: 'PATCH', target: KEY, status: 405, errorCode: 209 },
          { what: 'OPTIONS', method: 'OPTIONS', target: KEY, status: 405, errorCode: 209 },
          { what: 'another key, read', method: 'GET', target: '/v2/keys/foo', status: 404, errorCode: 100 },
          { what: 'the key space itself', method: 'GET', target: '/v2/keys', status: 404, errorCode: 100 },
          { what: 'another key, written', method: 'PUT', target: '/v2/keys/foo', body: form('1'), headers: FORM, status: 403, errorCode: 107 },
          { what: 'another key under the lock directory', method: 'PUT', target: '/v2/keys/coreos.com/updateengine/rebootlock/groups/x/other?prevExist=false', body: form('{"semaphore":1,"max":1,"holders":null}'), headers: FORM, status: 403, errorCode: 107 },
          { what: 'a bad escape in the path', method: 'GET', target: `${KEY}%zz`, status: 400, errorCode: 209 },
          { what: 'a group name too long', method: 'GET', target: keyPath('g'.repeat(129)), status: 400, errorCode: 209 },
          { what: 'a group that does not exist, read', method: 'GET', target: keyPath('nobody'), status: 404, errorCode: 100 },
          { what: 'a group that does not exist, swapped', ...cas('{"semaphore":0,"max":1,"holders":["m1"]}'), target: `${keyPath('nobody')}?prevIndex=1`, status: 404, errorCode: 100 },
          { what: 'credentials that are not basic auth', method: 'GET', target: KEY, headers: { authorization: 'Basic !!!' }, status: 401, errorCode: 110 },
          { what: 'a token nobody has', method: 'GET', target: KEY, headers: { authorization: basic('m1', 'nope-nope-nope-nope') }, status: 401, errorCode: 110 },
        ];
        const before = await footprint(t);
        for (const c of cases) {
          const r = await s.raw(c.method, c.target, c.body ?? '', c.headers ?? {});
          assert.equal(r.status, c.status, `${c.what}: ${JSON.stringify(r.body)}`);
          assert.equal(r.headers['content-type'], 'application/json', c.what);
          if (c.method === 'HEAD') continue;
          assert.deepStrictEqual(Object.keys(r.body).sort(), ['cause', 'errorCode', 'index', 'message'], c.what);
          assert.equal(r.body.errorCode, c.errorCode, `${c.what}: ${JSON.stringify(r.body)}`);
          assert.equal(await footprint(t), before, `${c.what}: nothing written`);
        }
        const patch = await s.raw('PATCH', KEY);
        assert.equal(patch.headers.allow, 'GET, HEAD, PUT');
        // HEAD is GET without a body.
        const head = await s.raw('HEAD', KEY);
        assert.equal(head.status, 200);
        assert.equal(head.headers['x-etcd-index'], String(index));
      } finally {
        await s.close();
      }
    }));

    it('random values, parameters and paths: never a 5xx; a refused write writes nothing', withPlatte(async (t) => {
      const s = await serve(t);
      try {
        await prepared(s);
        const token = basic('ops', TOKENS.release);
        const value = fc.oneof(
          fc.string(),
          fc.json(),
          fc.record({ semaphore: fc.integer({ min: -3, max: 3 }), max: fc.integer({ min: -1, max: 4 }), holders: fc.option(fc.array(fc.constantFrom('m1', 'm2', 'm3', ''), { maxLength: 4 })) }).map((d) => JSON.stringify(d)),
        );
        const query = fc.oneof(fc.constant(''), fc.constantFrom('prevIndex=', 'prevExist=', 'ttl=', 'wait='), fc.string({ maxLength: 12 }));
        const path = fc.oneof(fc.constant(KEY), fc.constant(keyPath('g2')), fc.string({ maxLength: 20 }).map((x) => `/v2/keys/${encodeURI(x)}`));
        await fc.assert(
          fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE', 'POST'), path, query, fc.integer({ min: 0, max: 8 }), value, async (method, p, q, n, v) => {
            const target = `${p}?${q}${q.endsWith('=') ? n : ''}`;
            const before = await footprint(t);
            const r = await s.raw(method, target, method === 'GET' ? '' : form(v), { ...FORM, authorization: token });
            assert.ok(r.status < 500, `${method} ${target} ${v}: ${r.status} ${JSON.stringify(r.body)}`);
            if (r.status >= 400) assert.equal(await footprint(t), before, `${method} ${target} ${v}: refused, nothing written`);
          }),
          { numRuns: 150, seed: 12 },
        );
      } finally {
        await s.close();
      }
    }));
  });
});
