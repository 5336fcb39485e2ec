// Counter prefixes and the summary built from counter buckets. Names that come from data (channels,
// groups, tracks, versions) may be any of Object.prototype's property names: they must be counted
// like any other name and must never reach Object.prototype.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  capUnknownTrack,
  capUnknownVersion,
  counterPrefixes,
  isPackageVersion,
  OTHER_VERSION,
  OVERFLOW_TRACK,
  UNKNOWN_TRACK_CAP,
  UNKNOWN_VERSION_CAP,
  unknownTrackOf,
  unknownVersionOf,
} from '../../server/domain/counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import { planCheckIn } from '../../server/domain/instance-state.ts';
import { indexRelease } from '../../server/domain/release-index.ts';
import type { PackageRecord } from '../../server/domain/types.ts';
import type { OmahaAppRequest } from '../../protocol/omaha/types.ts';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__'];
const VERSION = '3510.2.0';
const plain = (o: object) => JSON.parse(JSON.stringify(o)) as unknown;

const PROTOTYPE = new Map(Object.getOwnPropertyNames(Object.prototype).map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)]));

/** Fails the test when Object.prototype gained or changed a property (and puts it back first). */
function assertPrototypeClean(names: string[]): void {
  const changed: string[] = [];
  for (const n of Object.getOwnPropertyNames(Object.prototype)) {
    const was = PROTOTYPE.get(n);
    if (was && Object.getOwnPropertyDescriptor(Object.prototype, n)?.value === was.value) continue;
    changed.push(n);
    if (was) Object.defineProperty(Object.prototype, n, was);
    else delete (Object.prototype as Record<string, unknown>)[n];
  }
  assert.deepStrictEqual(changed, [], 'Object.prototype is unchanged');
  for (const n of names) if (!PROTOTYPE.has(n)) assert.equal(({} as Record<string, unknown>)[n], undefined, n);
}

describe('summarize', () => {
  afterEach(() => assertPrototypeClean([VERSION, 'complete', 'idle', ...HOSTILE]));

  it('counts channels, groups and tracks named like Object.prototype properties', () => {
    // Name i: i+1 nodes complete in channel and group `name`; 10(i+1) idle on the unknown track `name`,
    // counted in channel `-` under the version `name` (the summary takes any string as a version).
    const counters = Object.fromEntries(
      HOSTILE.flatMap((name, i) => [
        [`c/${name}/${VERSION}|complete`, i + 1],
        [`g/${name}/${VERSION}|complete`, i + 1],
        [`g/?${name}/${VERSION}|idle`, 10 * (i + 1)],
        [`c/-/${name}|idle`, 10 * (i + 1)],
      ]),
    );
    const total = HOSTILE.reduce((sum, _, i) => sum + 11 * (i + 1), 0);
    const s = summarize(counters, total);

    const perName = (f: (n: number) => unknown) => Object.fromEntries(HOSTILE.map((name, i) => [name, f(i + 1)]));
    assert.deepStrictEqual(plain(s.byChannel), {
      ...perName((n) => ({ [VERSION]: { complete: n } })),
      '-': perName((n) => ({ idle: 10 * n })),
    });
    assert.deepStrictEqual(plain(s.byGroup), {
      ...perName((n) => ({ [VERSION]: { complete: n } })),
      ...Object.fromEntries(HOSTILE.map((name, i) => [`?${name}`, { [VERSION]: { idle: 10 * (i + 1) } }])),
    });
    assert.deepStrictEqual(plain(s.unknownTracks), perName((n) => 10 * n));
    const namedTotal = HOSTILE.reduce((sum, _, i) => sum + (i + 1), 0);
    assert.deepStrictEqual(plain(s.byVersion), { [VERSION]: namedTotal, ...perName((n) => 10 * n) });
    assert.deepStrictEqual(plain(s.byStatus), { complete: namedTotal, idle: 10 * namedTotal });
    assert.equal(s.instances, total);
  });

  it('serializes names like __proto__ as plain JSON keys', () => {
    const counters = Object.fromEntries([[`c/__proto__/${VERSION}|complete`, 2], [`g/?__proto__/other|idle`, 3]]);
    const json = JSON.parse(JSON.stringify(summarize(counters, 5))) as { byChannel: object; unknownTracks: object };
    assert.deepStrictEqual(Object.entries(json.byChannel), [['__proto__', { [VERSION]: { complete: 2 } }]]);
    assert.deepStrictEqual(Object.entries(json.unknownTracks), [['__proto__', 3]]);
  });
});

describe('counterPrefixes and the unknown-track cap', () => {
  it('an unknown track becomes a `?<track>` group, cut to 32 safe characters', () => {
    assert.deepStrictEqual(counterPrefixes({ channel: '', group: '', track: '__proto__', version: VERSION, arch: 'amd64' }), [
      `c/-/${VERSION}`,
      `g/?__proto__/${VERSION}`,
      'a/-/amd64',
    ]);
    const long = counterPrefixes({ channel: '', group: '', track: `a,b|c/${'x'.repeat(64)}`, version: 'junk', arch: 'unknown:riscv' });
    assert.deepStrictEqual(long, ['c/-/other', `g/?a_b_c_${'x'.repeat(26)}/other`, 'a/-/unknown']);
  });

  it('unknownTrackOf finds the `?<track>` group in prefixes or buckets', () => {
    assert.equal(unknownTrackOf([`c/-/${VERSION}`, `g/?edge/${VERSION}`]), '?edge');
    assert.equal(unknownTrackOf([`c/-/${VERSION}|idle`, `g/?/${VERSION}|idle`]), '?');
    assert.equal(unknownTrackOf([`c/stable/${VERSION}`, `g/prod/${VERSION}`]), null);
    assert.equal(unknownTrackOf(['all', 'grp:stable']), null);
  });

  it('capUnknownTrack keeps known or old tracks, admits new ones below the cap, folds the rest', () => {
    const prefixes = [`c/-/${VERSION}`, `g/?new/${VERSION}`];
    const tally = (names: string[]) => ({ has: (t: string) => names.includes(t), count: () => names.length });
    const full = tally(Array.from({ length: UNKNOWN_TRACK_CAP }, (_, i) => `?t${i}`));
    assert.deepStrictEqual(capUnknownTrack(prefixes, [], tally(['?a'])), prefixes, 'below the cap');
    assert.deepStrictEqual(capUnknownTrack(prefixes, [], full), [`c/-/${VERSION}`, `g/${OVERFLOW_TRACK}/${VERSION}`]);
    assert.deepStrictEqual(capUnknownTrack([`c/-/1.0`, `g/?t7/1.0`], [], full), [`c/-/1.0`, `g/?t7/1.0`], 'already tallied');
    assert.deepStrictEqual(capUnknownTrack(prefixes, [`g/?new/1.0|idle`], full), prefixes, "the instance's own track");
    const overflow = [`c/-/${VERSION}`, `g/${OVERFLOW_TRACK}/${VERSION}`];
    assert.deepStrictEqual(capUnknownTrack(overflow, [], full), overflow);
    assert.deepStrictEqual(capUnknownTrack(['all', 'g/prod/1.0'], [], full), ['all', 'g/prod/1.0'], 'no unknown track');
  });
});

describe('the unknown-version cap', () => {
  const pkg = (version: string, arch: string): PackageRecord => ({
    appId: 'a', version, arch, url: 'https://x.test/', name: 'u.gz', size: 1, sha256: 's', extraFiles: [], createdAt: 0,
  });
  const index = indexRelease({
    epoch: 1,
    app: { id: 'a', name: 'A', createdAt: 0 },
    channels: [],
    groups: [],
    packages: [pkg(VERSION, 'amd64'), pkg('3602.2.0', 'arm64')],
    pulled: [], canaries: [],
  });
  const tally = (names: string[]) => ({ has: (v: string) => names.includes(v), count: () => names.length });
  const full = tally(Array.from({ length: UNKNOWN_VERSION_CAP }, (_, i) => `1.0.${i}`));

  it('a version is unknown when it is a release version naming no package of the app, for any arch', () => {
    assert.equal(isPackageVersion(index, VERSION), true);
    assert.equal(isPackageVersion(index, '3602.2.0'), true, 'an arm64-only package is a package too');
    assert.equal(unknownVersionOf(index, VERSION), undefined);
    assert.equal(unknownVersionOf(index, '3602.2.0'), undefined);
    assert.equal(unknownVersionOf(index, '3602.2.1'), '3602.2.1');
    assert.equal(unknownVersionOf(index, '3602.2'), '3602.2', 'the same number, spelled differently: not the package');
    assert.equal(unknownVersionOf(index, 'junk'), undefined, 'not a release version: already `other`');
    assert.equal(unknownVersionOf(index, '__proto__'), undefined);
    assert.equal(unknownVersionOf(undefined, VERSION), VERSION, 'no index: no package is known');
  });

  it('capUnknownVersion keeps packages, own and tallied versions, admits new ones below the cap, folds the rest', () => {
    const prefixes = [`c/stable/1.2.3`, `g/?1.2.3/1.2.3`];
    assert.deepStrictEqual(capUnknownVersion(prefixes, undefined, null, full), { prefixes, tallied: null }, 'a package');
    assert.deepStrictEqual(capUnknownVersion(prefixes, '1.2.3', null, tally(['9.9'])), { prefixes, tallied: '1.2.3' }, 'below the cap');
    assert.deepStrictEqual(capUnknownVersion(prefixes, '1.2.3', null, full), {
      prefixes: [`c/stable/${OTHER_VERSION}`, `g/?1.2.3/${OTHER_VERSION}`],
      tallied: null,
    });
    assert.deepStrictEqual(capUnknownVersion(prefixes, '1.2.3', '1.2.3', full), { prefixes, tallied: '1.2.3' }, "the instance's own version");
    const tallied = [`c/-/1.0.7`, `g/?x/1.0.7`];
    assert.deepStrictEqual(capUnknownVersion(tallied, '1.0.7', '5.5.5', full), { prefixes: tallied, tallied: '1.0.7' }, 'already tallied');
    assert.deepStrictEqual(capUnknownVersion(['all'], '1.2.3', null, full), { prefixes: ['all'], tallied: null }, 'no version in the prefixes');
  });

  it('the planner marks the version unknown from the release index it decided on', () => {
    const app = (version: string): OmahaAppRequest => ({
      appIdRaw: 'a', attrs: {}, version, track: 'stable', bootId: '', machineId: 'm', machineAlias: '', oem: '', oemVersion: '',
      alephVersion: '', board: '', lang: '', ping: true, updateCheck: false, events: [],
    });
    const attrs = (version: string) => ({
      alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: '', version, track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64', held: '',
    });
    const plan = (version: string) => planCheckIn(app(version), 'm', attrs(version), null, 1, index).change;
    assert.equal(plan(VERSION).unknownVersion, undefined);
    assert.equal('unknownVersion' in plan(VERSION), false);
    assert.equal(plan('3602.2.0').unknownVersion, undefined);
    assert.equal(plan('3602.2.1').unknownVersion, '3602.2.1');
    assert.deepStrictEqual(plan('3602.2.1').counterPrefixes, ['c/stable/3602.2.1', 'g/stable/3602.2.1', 'a/stable/amd64']);
    assert.equal(plan('ForcedUpdate').unknownVersion, undefined);
    assert.equal(planCheckIn(app(VERSION), 'm', attrs(VERSION), null, 1).change.unknownVersion, VERSION, 'no index');
  });
});
