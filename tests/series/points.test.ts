// The series' pure parts: counters cut into scopes, the stored text, and the API's query and
// counts (including every 400 naming its parameter).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../kernel/http/errors.ts';
import { APP_SCOPE, decodePoint, encodePoint, encodeSnapshot, scopesOf } from '../../server/series/points.ts';
import { countsFor, parseSeriesQuery, scopeOf, type SeriesQuery } from '../../server/series/query.ts';

const COUNTERS = {
  'c/stable/3510.2.0|up-to-date': 5,
  'c/stable/3602.2.0|complete': 3,
  'c/stable/3602.2.0|granted': 2,
  'c/beta/3602.2.0|installed': 4,
  'g/web/3510.2.0|up-to-date': 5,
  'g/web/3602.2.0|complete': 3,
  'g/db/3602.2.0|granted': 2,
  'g/?nightly/3602.2.0|installed': 4,
  'a/stable/amd64|complete': 10,
  't/stable/3602.2.0|complete': 3,
  'c/stable/3510.2.0|error': 0,
};

const q = (o: Partial<SeriesQuery> & Pick<SeriesQuery, 'dimension'>): SeriesQuery => ({ by: 'version', range: '1d', ...o });

describe('series points', () => {
  it('cuts counters into the app, channel and group scopes, leaving out arch, target and zero buckets', () => {
    const scopes = scopesOf(COUNTERS);
    assert.deepEqual([...scopes.keys()].sort(), ['*', 'c/beta', 'c/stable', 'g/?nightly', 'g/db', 'g/web']);
    assert.deepEqual(Object.fromEntries(scopes.get('c/stable')!), { '3510.2.0|up-to-date': 5, '3602.2.0|complete': 3, '3602.2.0|granted': 2 });
    assert.deepEqual(Object.fromEntries(scopes.get(APP_SCOPE)!), {
      '3510.2.0|up-to-date': 5,
      '3602.2.0|complete': 3,
      '3602.2.0|granted': 2,
      '3602.2.0|installed': 4,
      'c/stable': 10,
      'c/beta': 4,
      'g/web': 8,
      'g/db': 2,
      'g/?nightly': 4,
    });
  });

  it('stores a point as short text and reads it back', () => {
    const counts = new Map([
      ['3602.2.0|complete', 3],
      ['3510.2.0|up-to-date', 5],
      ['3510.2.0|some-new-status', 1],
      ['c/stable', 9],
    ]);
    const text = encodePoint(counts);
    assert.equal(text, '3510.2.0|some-new-status=1,3510.2.0|u=5,3602.2.0|c=3,c/stable=9');
    assert.deepEqual(decodePoint(text), new Map([...counts].sort()));
    assert.deepEqual(decodePoint(''), new Map());
    assert.equal(encodeSnapshot({}).size, 0);
  });

  it('folds a point into the counts each query asks for', () => {
    const point = (scope: string) => decodePoint(encodeSnapshot(COUNTERS).get(scope)!);
    assert.deepEqual({ ...countsFor(q({ dimension: 'version' }), point('*')) }, { '3510.2.0': 5, '3602.2.0': 9 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'status' }), point('*')) }, { 'up-to-date': 5, complete: 3, granted: 2, installed: 4 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'channel' }), point('*')) }, { stable: 10, beta: 4 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'group' }), point('*')) }, { web: 8, db: 2, '?nightly': 4 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'channel', name: 'stable' }), point('c/stable')) }, { '3510.2.0': 5, '3602.2.0': 5 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'group', name: 'web', by: 'status' }), point('g/web')) }, { 'up-to-date': 5, complete: 3 });
    assert.equal(Object.getPrototypeOf(countsFor(q({ dimension: 'version' }), point('*'))), null, 'keyed by data: no prototype');
  });
});

describe('series query', () => {
  it('reads the parameters, with defaults', () => {
    assert.deepEqual(parseSeriesQuery({ dimension: 'version' }), { dimension: 'version', by: 'version', range: '1d' });
    const one = parseSeriesQuery({ dimension: 'channel', name: 'stable', by: 'status', range: '30d' });
    assert.deepEqual(one, { dimension: 'channel', name: 'stable', by: 'status', range: '30d' });
    assert.equal(scopeOf(one), 'c/stable');
    assert.equal(scopeOf(parseSeriesQuery({ dimension: 'group', name: '?nightly' })), 'g/?nightly');
    assert.equal(scopeOf(parseSeriesQuery({ dimension: 'group' })), '*');
  });

  const refusals: [Record<string, string | string[]>, RegExp][] = [
    [{}, /parameter dimension is required/],
    [{ dimension: 'arch' }, /parameter dimension must be one of/],
    [{ dimension: ['version', 'status'] }, /parameter dimension must be given once/],
    [{ dimension: 'version', range: '3d' }, /parameter range must be one of 1h, 1d, 2d, 7d, 30d, 60d/],
    [{ dimension: 'version', range: '' }, /parameter range must be given once, not empty/],
    [{ dimension: 'version', name: 'stable' }, /parameter name goes with dimension channel or group/],
    [{ dimension: 'channel', name: 'no/slash' }, /parameter name must match/],
    [{ dimension: 'channel', by: 'status' }, /parameter by goes with name/],
    [{ dimension: 'channel', name: 'stable', by: 'arch' }, /parameter by must be one of version, status/],
  ];
  for (const [query, message] of refusals) {
    it(`refuses ${JSON.stringify(query)} with a 400 naming the parameter`, () => {
      assert.throws(
        () => parseSeriesQuery(query),
        (err: unknown) => err instanceof ApiError && err.status === 400 && message.test(err.message),
      );
    });
  }
});
