// The pure parts of the etcd surface: key paths (escaped twice, odd group names, other keys), the
// semaphore document read and shown, what a compare-and-swap means, who may do it, form parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideCas } from '../../coordinator/etcd/cas.ts';
import { basicCredentials, permissionProblem, unlockingOperator, type Caller } from '../../coordinator/etcd/callers.ts';
import { byteOrder, encodeSemaphore, parseSemaphore, semaphoreOf, type Semaphore } from '../../coordinator/etcd/document.ts';
import { EtcdError } from '../../coordinator/etcd/errors.ts';
import { parseKeyPath, queryEscape, queryUnescape, semaphoreKey } from '../../coordinator/etcd/keys.ts';
import { parseUrlEncoded } from '../../coordinator/etcd/request.ts';
import { keyPath } from './locksmith-client.ts';

const BASE = '/v2/keys/coreos.com/updateengine/rebootlock';
const sem = (semaphore: number, max: number, holders: string[] = []): Semaphore => ({ semaphore, max, holders });

describe('etcd keys', () => {
  it('the plain key is the default group; a group key is query-escaped, then escaped again in the path', () => {
    assert.deepStrictEqual(parseKeyPath(`${BASE}/semaphore`, 'default'), { kind: 'semaphore', key: '/coreos.com/updateengine/rebootlock/semaphore', group: 'default' });
    assert.deepStrictEqual(parseKeyPath(`${BASE}/semaphore`, 'fleet'), { kind: 'semaphore', key: '/coreos.com/updateengine/rebootlock/semaphore', group: 'fleet' });
    // From the capture: --group 'web eu/1+é%'.
    assert.deepStrictEqual(parseKeyPath(`${BASE}/groups/web+eu%252F1%252B%25C3%25A9%2525/semaphore`, 'default'), {
      kind: 'semaphore',
      key: '/coreos.com/updateengine/rebootlock/groups/web+eu%2F1%2B%C3%A9%25/semaphore',
      group: 'web eu/1+é%',
    });
    assert.equal(keyPath('web eu/1+é%'), `${BASE}/groups/web+eu%252F1%252B%25C3%25A9%2525/semaphore`);
    assert.equal(semaphoreKey('web-eu'), '/coreos.com/updateengine/rebootlock/groups/web-eu/semaphore');
  });

  it('odd names round-trip: quotes, braces, emoji, plus, percent, __proto__ refused', () => {
    for (const g of ['a"b', '{grp:x}', 'ü 🚀', '+', '%', '~._-', 'x'.repeat(128), 'a/b']) {
      const parsed = parseKeyPath(keyPath(g), 'default');
      assert.equal(parsed.kind, 'semaphore', g);
      assert.equal(parsed.kind === 'semaphore' && parsed.group, g);
    }
    for (const [g, problem] of [['__proto__', /reserved/], ['x'.repeat(129), /longer than 128/], ['a\tb', /control/]] as const) {
      const parsed = parseKeyPath(keyPath(g), 'default');
      assert.equal(parsed.kind, 'bad', g);
      assert.match(parsed.kind === 'bad' ? parsed.problem : '', problem);
    }
  });

  it('other keys, dot segments, bad escapes; etcd cleans empty segments', () => {
    assert.equal(parseKeyPath('/v2/keys', 'd').kind, 'other');
    assert.equal(parseKeyPath('/v2/keys/', 'd').kind, 'other');
    assert.equal(parseKeyPath('/v2/keys/foo', 'd').kind, 'other');
    assert.equal(parseKeyPath(`${BASE}`, 'd').kind, 'other');
    assert.equal(parseKeyPath(`${BASE}/groups/a/b/semaphore`, 'd').kind, 'other');
    assert.equal(parseKeyPath(`${BASE}/groups/a%2Fb/semaphore`, 'd').kind, 'other', 'an escaped slash is a slash after the one decode');
    assert.equal(parseKeyPath(`${BASE}/groups/a/semaphorex`, 'd').kind, 'other');
    assert.equal(parseKeyPath(`${BASE}/../rebootlock/semaphore`, 'd').kind, 'other');
    assert.equal(parseKeyPath(`${BASE}/semaphore%zz`, 'd').kind, 'bad');
    assert.equal(parseKeyPath(`${BASE}/groups/%25ff/semaphore`, 'd').kind, 'bad', 'a group that is not UTF-8');
    assert.equal(parseKeyPath(`${BASE}/groups/%2525/semaphore`, 'd').kind, 'semaphore');
    assert.deepStrictEqual(parseKeyPath('/v2/keys//coreos.com//updateengine/rebootlock/semaphore/', 'd'), {
      kind: 'semaphore', key: '/coreos.com/updateengine/rebootlock/semaphore', group: 'd',
    });
  });

  it("queryEscape is Go's url.QueryEscape; queryUnescape reverses it strictly", () => {
    assert.equal(queryEscape('web eu/1+é%~!*'), 'web+eu%2F1%2B%C3%A9%25~%21%2A');
    assert.equal(queryUnescape('web+eu%2F1%2B%C3%A9%25'), 'web eu/1+é%');
    assert.equal(queryUnescape('%zz'), null);
    assert.equal(queryUnescape('%C3'), null, 'half a UTF-8 sequence');
  });
});

describe('the semaphore document', () => {
  const state = { group: 'g', max: 3, paused: false, windowOpen: true, holders: ['mach-b', '5f1e', 'Z', 'ä', '𝔸', '\uffff'], revision: 9 };

  it('holders in Go string order (UTF-8 bytes), free slots, 0 when paused or outside the window', () => {
    const s = semaphoreOf({ ...state, max: 8 });
    assert.deepStrictEqual(s.holders, ['5f1e', 'Z', 'mach-b', 'ä', '\uffff', '𝔸']);
    assert.equal(s.semaphore, 2);
    assert.equal(semaphoreOf({ ...state, paused: true, max: 8 }).semaphore, 0);
    assert.equal(semaphoreOf({ ...state, windowOpen: false, max: 8 }).semaphore, 0);
    assert.equal(semaphoreOf(state).semaphore, 0, 'more holders than max (max lowered): 0, never below');
    assert.ok(byteOrder('\uffff', '𝔸') < 0);
    assert.equal(encodeSemaphore(sem(1, 1)), '{"semaphore":1,"max":1,"holders":[]}');
  });

  it('reads what locksmith writes; refuses what is not a semaphore with errorCode 209', () => {
    assert.deepStrictEqual(parseSemaphore('{"semaphore":1,"max":1,"holders":null}'), sem(1, 1));
    assert.deepStrictEqual(parseSemaphore('{"holders":["b","a"],"max":3,"semaphore":1}'), sem(1, 3, ['b', 'a']));
    for (const bad of [
      '', 'nope', '[]', 'null', '1', '{"semaphore":1,"max":1}', '{"semaphore":1,"max":1,"holders":null,"x":1}',
      '{"semaphore":"1","max":1,"holders":null}', '{"semaphore":1.5,"max":1,"holders":null}', '{"semaphore":1,"max":1e9,"holders":null}',
      '{"semaphore":1,"max":1,"holders":"a"}', '{"semaphore":1,"max":1,"holders":[1]}', '{"semaphore":1,"max":1,"holders":["a","a"]}',
      '{"semaphore":1,"max":1,"holders":[""]}', '{"semaphore":1,"max":1,"holders":["a\\u0000"]}', '{"semaphore":1,"max":1,"holders":["\\ud800"]}',
      `{"semaphore":1,"max":1,"holders":["${'x'.repeat(257)}"]}`,
    ]) {
      assert.throws(() => parseSemaphore(bad), (e: unknown) => e instanceof EtcdError && e.errorCode === 209 && e.status === 400, bad);
    }
  });
});

describe('a compare-and-swap, decided', () => {
  it("locksmith's own writes: lock, unlock, set-max up and down", () => {
    assert.deepStrictEqual(decideCas(sem(1, 1), sem(0, 1, ['a'])), { kind: 'acquire', id: 'a' });
    assert.deepStrictEqual(decideCas(sem(1, 3, ['a', 'b']), sem(2, 3, ['b'])), { kind: 'release', id: 'a' });
    assert.deepStrictEqual(decideCas(sem(0, 1, ['a']), sem(2, 3, ['a'])), { kind: 'set-max', max: 3 });
    assert.deepStrictEqual(decideCas(sem(0, 3, ['a', 'b', 'c']), sem(-2, 1, ['a', 'b', 'c'])), { kind: 'set-max', max: 1 }, 'below the holders: locksmith writes -2');
    assert.deepStrictEqual(decideCas(sem(0, 3), sem(-2, 1)), { kind: 'set-max', max: 1 }, 'paused (shown 0): locksmith writes -2');
    assert.deepStrictEqual(decideCas(sem(1, 1), sem(1, 1)), { kind: 'none' });
    assert.deepStrictEqual(decideCas(sem(1, 2, ['a']), sem(7, 2, ['a'])), { kind: 'none' }, 'the semaphore is Platte’s to compute');
  });

  it('anything else is a failed compare', () => {
    const refused = (cur: Semaphore, next: Semaphore, why: RegExp) => {
      const d = decideCas(cur, next);
      assert.equal(d.kind, 'refuse');
      assert.match(d.kind === 'refuse' ? d.why : '', why);
    };
    refused(sem(2, 2), sem(0, 2, ['a', 'b']), /adds 2 and removes 0/);
    refused(sem(0, 1, ['a']), sem(0, 1, ['b']), /adds 1 and removes 1/);
    refused(sem(1, 1), sem(-1, 1, ['a']), /never below 0/);
    refused(sem(1, 1), sem(0, 0), /at least 1 slot/);
    refused(sem(1, 1), sem(1, 2, ['a']), /max or the holders, not both/);
    refused(sem(1, 3), sem(-5, 1), /below 0 and not the shown/);
  });
});

describe('who may do what', () => {
  const anon: Caller = { kind: 'anonymous' };
  const node: Caller = { kind: 'token', user: 'm1', name: 'nodes', role: 'read-only' };
  const ops: Caller = { kind: 'token', user: 'alice', name: 'ops-team', role: 'release' };

  it('nodes take and give back their own slot; anonymous any (as FleetLock); operators everything', () => {
    for (const c of [anon, node, ops]) {
      assert.equal(permissionProblem({ kind: 'acquire', id: 'm1' }, c, 3), null);
      assert.equal(permissionProblem({ kind: 'release', id: 'm1' }, c, 3), null);
    }
    assert.equal(permissionProblem({ kind: 'release', id: 'm2' }, anon, 3), null);
    const other = permissionProblem({ kind: 'release', id: 'm2' }, node, 3);
    assert.equal(other?.status, 403);
    assert.equal(other?.errorCode, 110);
    assert.equal(other?.index, 3);
    assert.equal(permissionProblem({ kind: 'acquire', id: 'm2' }, node, 3)?.status, 403);
    assert.equal(permissionProblem({ kind: 'set-max', max: 2 }, anon, 3)?.status, 401);
    assert.equal(permissionProblem({ kind: 'set-max', max: 2 }, node, 3)?.status, 403);
    assert.equal(permissionProblem({ kind: 'set-max', max: 2 }, { ...ops, role: 'admin' }, 3), null);
    assert.equal(permissionProblem({ kind: 'set-max', max: 2 }, ops, 3), null);
  });

  it("an operator's unlock of another id is a force-unlock in the token's name", () => {
    assert.equal(unlockingOperator('m2', ops), 'ops-team');
    assert.equal(unlockingOperator('alice', ops), null);
    assert.equal(unlockingOperator('m1', node), null);
    assert.equal(unlockingOperator('m1', anon), null);
  });

  it('basic credentials', () => {
    assert.equal(basicCredentials(''), null);
    assert.deepStrictEqual(basicCredentials(`Basic ${Buffer.from('m1:plt_x:y').toString('base64')}`), { user: 'm1', password: 'plt_x:y' });
    assert.equal(basicCredentials('Bearer x'), 'malformed');
    assert.equal(basicCredentials(`Basic ${Buffer.from('nocolon').toString('base64')}`), 'malformed');
  });
});

describe('forms and queries as Go reads them', () => {
  it('+ is a space, the first value wins, bad escapes and ; refused', () => {
    const p = parseUrlEncoded('value=%7B%22a%22%3A1%7D&x=a+b&x=2&flag&=e');
    assert.deepStrictEqual([...(p ?? new Map()).entries()], [['value', ['{"a":1}']], ['x', ['a b', '2']], ['flag', ['']], ['', ['e']]]);
    assert.equal(parseUrlEncoded('a=%zz'), null);
    assert.equal(parseUrlEncoded('a=1;b=2'), null);
    assert.deepStrictEqual([...(parseUrlEncoded('') ?? new Map()).entries()], []);
  });
});
