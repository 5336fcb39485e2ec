// The series' pure parts: counters cut into scopes (the rollout scope `t/<channel>` included), the
// stored text (old points still read the same), and the API's query and counts (including every 400
// naming its parameter), the rollout's counts held to the halt rule's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../kernel/http/errors.ts';
import { APP_SCOPE, decodePoint, encodePoint, encodeSnapshot, scopesOf } from '../../server/series/points.ts';
import { countsFor, parseSeriesQuery, scopeOf, type SeriesQuery } from '../../server/series/query.ts';
import { rolloutCounts } from '../../server/rollout/counts.ts';
import { totalFailures } from '../../server/domain/rollout/halt.ts';

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

/** A channel rolling out 3602.2.0 with failures, an older rollout's events, and another channel's. */
const ROLLOUT = {
  't/stable/3602.2.0|complete': 100,
  't/stable/3602.2.0|downloading': 10,
  't/stable/3602.2.0|error': 3,
  't/stable/3602.2.0|timed-out': 2,
  't/stable/3602.2.0|stale': 4,
  'f/stable/3602.2.0|reverted': 1,
  'f/stable/3602.2.0|lease-expired': 2,
  'f/stable/3510.2.0|reverted': 7,
  'f/stable/3602.2.0|odd-kind': 9,
  't/beta/3602.2.0|granted': 5,
  'f/beta/3602.2.0|lease-expired': 1,
  'f/ghost/3602.2.0|reverted': 2,
  'c/stable/3602.2.0|complete': 100,
};

const q = (o: Partial<SeriesQuery> & Pick<SeriesQuery, 'dimension'>): SeriesQuery => ({ by: 'version', range: '1d', ...o });

describe('series points', () => {
  it('cuts counters into the app, channel, group and rollout scopes, leaving out arch and zero buckets', () => {
    const scopes = scopesOf(COUNTERS);
    assert.deepEqual([...scopes.keys()].sort(), ['*', 'c/beta', 'c/stable', 'g/?nightly', 'g/db', 'g/web', 't/stable']);
    assert.deepEqual(Object.fromEntries(scopes.get('t/stable')!), { '3602.2.0|complete': 3 });
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

  it("keeps a channel's rollout counts in t/<channel>: granted statuses, and failure events of versions granted now", () => {
    const scopes = scopesOf(ROLLOUT);
    assert.deepEqual([...scopes.keys()].sort(), ['*', 'c/stable', 't/beta', 't/stable'], 'no scope from failure events alone');
    assert.deepEqual(Object.fromEntries(scopes.get('t/stable')!), {
      '3602.2.0|complete': 100,
      '3602.2.0|downloading': 10,
      '3602.2.0|error': 3,
      '3602.2.0|timed-out': 2,
      '3602.2.0|stale': 4,
      '3602.2.0|f:reverted': 1,
      '3602.2.0|f:lease-expired': 2,
    });
    assert.deepEqual(Object.fromEntries(scopes.get('t/beta')!), { '3602.2.0|granted': 5, '3602.2.0|f:lease-expired': 1 });
    assert.deepEqual(Object.fromEntries(scopes.get('*')!), { '3602.2.0|complete': 100, 'c/stable': 100 }, 'the app scope counts each node once');
  });

  it('keeps the rollout point the same size whatever the fleet size', () => {
    const scaled = (k: number) => Object.fromEntries(Object.entries(ROLLOUT).map(([b, n]) => [b, n * k]));
    const small = encodeSnapshot(scaled(1)).get('t/stable')!;
    const large = encodeSnapshot(scaled(1_000_000)).get('t/stable')!;
    assert.equal(decodePoint(large).size, decodePoint(small).size);
    assert.ok(large.length - small.length <= 6 * decodePoint(small).size, 'only the digits grow');
  });

  it('stores the rollout point as text, statuses as letters and failure kinds by name, and reads it back', () => {
    const text = encodeSnapshot(ROLLOUT).get('t/stable')!;
    assert.equal(text, '3602.2.0|c=100,3602.2.0|d=10,3602.2.0|e=3,3602.2.0|f:lease-expired=2,3602.2.0|f:reverted=1,3602.2.0|stale=4,3602.2.0|t=2');
    assert.deepEqual(decodePoint(text), new Map([...scopesOf(ROLLOUT).get('t/stable')!].sort()));
  });

  it('reads points stored before the rollout scope the same as before', () => {
    // Text as the snapshot of the previous release wrote it (no f: keys, `f` = deferred).
    const old = '3510.2.0|f=2,3510.2.0|u=5,3602.2.0|c=3,c/stable=9';
    assert.deepEqual(decodePoint(old), new Map([['3510.2.0|deferred', 2], ['3510.2.0|up-to-date', 5], ['3602.2.0|complete', 3], ['c/stable', 9]]));
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

  it("folds a rollout point into the halt rule's counts: granted, failed and each kind", () => {
    const point = decodePoint(encodeSnapshot(ROLLOUT).get('t/stable')!);
    const counts = countsFor(q({ dimension: 'rollout', name: 'stable', version: '3602.2.0' }), point);
    assert.deepEqual({ ...counts }, { granted: 115, failed: 8, error: 3, timeout: 2, reverted: 1, 'lease-expired': 2 });
    assert.equal(Object.getPrototypeOf(counts), null);
    // The same numbers as the halt rule reads from the live counters.
    const live = rolloutCounts(ROLLOUT, 'stable', '3602.2.0').counts;
    assert.equal(counts.granted, live.granted);
    assert.equal(counts.failed, totalFailures(live));
    // Another version of the channel: nothing granted, nothing failed; an empty point reads as zeros.
    const other = countsFor(q({ dimension: 'rollout', name: 'stable', version: '3510.2.0' }), point);
    assert.deepEqual({ ...other }, { granted: 0, failed: 0, error: 0, timeout: 0, reverted: 0, 'lease-expired': 0 });
    assert.deepEqual({ ...countsFor(q({ dimension: 'rollout', name: 'stable', version: '3602.2.0' }), decodePoint('')) }, { ...other });
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
    const rollout = parseSeriesQuery({ dimension: 'rollout', name: 'stable', version: '3602.2.0', range: '7d' });
    assert.deepEqual(rollout, { dimension: 'rollout', name: 'stable', version: '3602.2.0', by: 'version', range: '7d' });
    assert.equal(scopeOf(rollout), 't/stable');
  });

  const refusals: [Record<string, string | string[]>, RegExp][] = [
    [{}, /parameter dimension is required/],
    [{ dimension: 'arch' }, /parameter dimension must be one of/],
    [{ dimension: ['version', 'status'] }, /parameter dimension must be given once/],
    [{ dimension: 'version', range: '3d' }, /parameter range must be one of 1h, 1d, 2d, 7d, 30d, 60d/],
    [{ dimension: 'version', range: '' }, /parameter range must be given once, not empty/],
    [{ dimension: 'version', name: 'stable' }, /parameter name goes with dimension channel, group or rollout only/],
    [{ dimension: 'channel', name: 'no/slash' }, /parameter name must match/],
    [{ dimension: 'channel', by: 'status' }, /parameter by goes with name/],
    [{ dimension: 'channel', name: 'stable', by: 'arch' }, /parameter by must be one of version, status/],
    [{ dimension: 'rollout', version: '3602.2.0' }, /parameter name is required with dimension rollout/],
    [{ dimension: 'rollout', name: 'stable' }, /parameter version is required with dimension rollout/],
    [{ dimension: 'rollout', name: 'stable', version: '' }, /parameter version must be given once, not empty/],
    [{ dimension: 'rollout', name: 'stable', version: ['1.0.0', '2.0.0'] }, /parameter version must be given once/],
    [{ dimension: 'rollout', name: 'stable', version: 'latest' }, /parameter version must be a version/],
    [{ dimension: 'rollout', name: 'stable', version: '3602.2.0|x' }, /parameter version must be a version/],
    [{ dimension: 'rollout', name: 'sta/ble', version: '3602.2.0' }, /parameter name must match/],
    [{ dimension: 'rollout', name: 'stable', version: '3602.2.0', by: 'status' }, /parameter by does not go with dimension rollout/],
    [{ dimension: 'channel', name: 'stable', version: '3602.2.0' }, /parameter version goes with dimension rollout only/],
    [{ dimension: 'version', version: '3602.2.0' }, /parameter version goes with dimension rollout only/],
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
