// The failure counters (`f/<channel>/<version>|<kind>`): the bucket names, reading them back, the
// check-in step's reverted rule (a node that installed its target and came back from a reboot on
// another version), the expired-lease rule, and the halt rule counting both. The stores are held to
// the same rules by tests/store/model.test.ts and the store contract (contract-failures.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCheckIn, revertedBucket, type StoredInstance } from '../../server/domain/apply-check-in.ts';
import { counterPrefixes, targetCounterPrefix } from '../../server/domain/counters.ts';
import { errorCodeBucket, errorCodeCounts, failureBucket, failureCounts, isFailureBucket } from '../../server/domain/failure-counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import { shouldHalt } from '../../server/domain/rollout/halt.ts';
import type { InstanceChange, InstanceRecord, InstanceStatus } from '../../server/domain/types.ts';
import { rolloutCounts } from '../../server/rollout/counts.ts';
import { leaseFailureBucket } from '../../server/rollout/lease-failures.ts';
import type { InstanceAttrs } from '../../server/store/types.ts';

const OLD = '3510.2.0';
const NEW = '3602.2.0';
const BOOT = 'boot-1';
const none = { has: () => false, count: () => 0 };
const TALLIES = { tracks: none, versions: none };

const attrs = (over: Partial<InstanceAttrs> = {}): InstanceAttrs => ({
  alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: BOOT, version: OLD, track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64', held: '', ...over,
});
const change = (a: Partial<InstanceAttrs> = {}, over: Partial<InstanceChange> = {}): InstanceChange => ({
  machineId: 'm', attrs: attrs(a), status: null, history: [], counterPrefixes: counterPrefixes(attrs(a)), targetCounter: targetCounterPrefix('stable'), ...over,
});
const stored = (status: InstanceStatus, over: Partial<StoredInstance> = {}): StoredInstance => ({
  status, statusSince: 1, firstSeen: 1, targetVersion: NEW, errorCode: 0, errorName: '', bootId: BOOT, buckets: [], talliedVersion: null, newestEntry: null, historyLength: 0, ...over,
});
const REVERTED = `f/stable/${NEW}|reverted`;

describe('failure counters: buckets', () => {
  it('failureBucket is f/<channel>/<version>|<kind>, the channel cleaned; none without a channel or a version', () => {
    assert.equal(failureBucket('stable', NEW, 'reverted'), REVERTED);
    assert.equal(failureBucket('we|ird,ch/an', NEW, 'lease-expired'), `f/we_ird_ch_an/${NEW}|lease-expired`);
    assert.equal(failureBucket('', NEW, 'reverted'), null);
    assert.equal(failureBucket('stable', '', 'reverted'), null);
    assert.ok(isFailureBucket(REVERTED));
    for (const b of ['u/?x', `t/stable/${NEW}|error`, `f/stable/${NEW}|error`, `f/stable|reverted`, `f/a,b/${NEW}|reverted`]) assert.ok(!isFailureBucket(b), b);
  });

  it('failureCounts reads both kinds of its channel and version only, own keys only', () => {
    const counters = {
      [REVERTED]: 2,
      [`f/stable/${NEW}|lease-expired`]: 3,
      [`f/stable/${OLD}|reverted`]: 5,
      [`f/beta/${NEW}|reverted`]: 7,
      [`t/stable/${NEW}|error`]: 11,
    };
    assert.deepStrictEqual(failureCounts(counters, 'stable', NEW), { reverted: 2, 'lease-expired': 3 });
    assert.deepStrictEqual(failureCounts(counters, 'stable', '1.0.0'), { reverted: 0, 'lease-expired': 0 });
    assert.deepStrictEqual(failureCounts({}, '', NEW), { reverted: 0, 'lease-expired': 0 });
    assert.deepStrictEqual(failureCounts({ __proto__: 1 } as Record<string, number>, '__proto__', NEW), { reverted: 0, 'lease-expired': 0 });
  });

  it('summarize does not count failure buckets as nodes', () => {
    const s = summarize({ [`c/stable/${OLD}|error`]: 1, [REVERTED]: 4 }, 1);
    assert.deepStrictEqual({ ...s.byStatus }, { error: 1 });
    assert.deepStrictEqual(Object.keys(s.byChannel), ['stable']);
  });
});

describe('failure counters: the reverted rule of the check-in step', () => {
  it('installed, then a new boot on another version than the target: counted under the stored target', () => {
    assert.equal(revertedBucket(stored('installed'), change({ bootId: 'boot-2' })), REVERTED);
    const out = applyCheckIn(stored('installed'), change({ bootId: 'boot-2' }), 2, TALLIES);
    assert.equal(out.failure, REVERTED);
    assert.equal(out.instance.status, 'installed', 'the status is the change\'s business');
  });

  it('is counted whatever else the change does: an error event, a new grant', () => {
    const error = change({ bootId: 'boot-2' }, { status: { to: 'error', unlessIn: [] }, error: { code: 44, name: 'rollback' } });
    assert.equal(applyCheckIn(stored('installed'), error, 2, TALLIES).failure, REVERTED);
    const regrant = change({ bootId: 'boot-2' }, { status: { to: 'granted', unlessIn: [] }, targetVersion: '3700.0.0' });
    const out = applyCheckIn(stored('installed'), regrant, 2, TALLIES);
    assert.equal(out.failure, REVERTED, 'the stored target, not the new one');
    assert.equal(out.instance.targetVersion, '3700.0.0');
  });

  it('counts nothing when the node did not reboot, came up on the target, or was not installed', () => {
    const cases: [string, StoredInstance | null, InstanceChange][] = [
      ['new instance', null, change({ bootId: 'boot-2' })],
      ['same boot', stored('installed'), change()],
      ['no boot id', stored('installed'), change({ bootId: '' })],
      ['came up on the target', stored('installed'), change({ bootId: 'boot-2', version: NEW }, { completion: { version: NEW, from: ['installed'] } })],
      ['no stored target', stored('installed', { targetVersion: '' }), change({ bootId: 'boot-2' })],
      ['no channel', stored('installed'), change({ bootId: 'boot-2', channel: '', group: '', track: 'x' })],
      ...(['granted', 'downloading', 'downloaded', 'complete', 'error', 'timed-out'] as const).map((s): [string, StoredInstance, InstanceChange] => [s, stored(s), change({ bootId: 'boot-2' })]),
    ];
    for (const [why, cur, ch] of cases) assert.equal(applyCheckIn(cur, ch, 2, TALLIES).failure, null, why);
  });

  it('a stored boot id that was empty and a new one count as a reboot', () => {
    assert.equal(revertedBucket(stored('installed', { bootId: '' }), change({ bootId: 'boot-2' })), REVERTED);
  });
});

describe('failure counters: expired leases and the halt rule', () => {
  const instance = (status: InstanceStatus, over: Partial<InstanceRecord> = {}): InstanceRecord => ({
    ...attrs(), appId: 'a', machineId: 'm', status, targetVersion: NEW, errorCode: 0, errorName: '', firstSeen: 1, lastCheck: 1, statusSince: 1, stale: false, ...over,
  });

  it('a lease counts for a node between its grant and its reboot into the target, in its channel', () => {
    for (const s of ['granted', 'downloading', 'downloaded', 'installed'] as const) assert.equal(leaseFailureBucket(instance(s)), `f/stable/${NEW}|lease-expired`, s);
    for (const s of ['idle', 'up-to-date', 'complete', 'error', 'timed-out', 'deferred'] as const) assert.equal(leaseFailureBucket(instance(s)), null, s);
    assert.equal(leaseFailureBucket(instance('installed', { channel: '' })), null, 'no channel');
    assert.equal(leaseFailureBucket(instance('installed', { targetVersion: '' })), null, 'no target');
    assert.equal(leaseFailureBucket(null), null, 'no such node');
  });

  it('rolloutCounts adds both kinds to the status failures, and the halt rule names them', () => {
    const counters = {
      [`t/stable/${NEW}|granted`]: 6,
      [`t/stable/${NEW}|error`]: 1,
      [`t/stable/${NEW}|timed-out`]: 1,
      [REVERTED]: 1,
      [`f/stable/${NEW}|lease-expired`]: 2,
    };
    const { counts, progress } = rolloutCounts(counters, 'stable', NEW);
    assert.deepStrictEqual(counts, { granted: 8, failures: { error: 1, rollback: 0, timeout: 1, 'lease-expired': 2, reverted: 1 } });
    assert.deepStrictEqual(progress, { granted: 8, complete: 0 });
    const halt = shouldHalt({ failures: 5 }, counts);
    assert.match(halt!.message, /^5 of 8 granted nodes failed \(1 error event, 1 update timeout, 2 reboot-slot leases ran out, 1 came back on the old version\)/);
    assert.equal(shouldHalt({ failures: 1 }, rolloutCounts({ [REVERTED]: 1 }, 'stable', NEW).counts)?.rule, 'failures');
  });
});

describe('error-code failure counters', () => {
  it('count under the code update_engine names (flags stripped), others under code-other; the view lists them most first', () => {
    assert.equal(errorCodeBucket('stable', '3602.2.0', 9), 'f/stable/3602.2.0|code-9');
    assert.equal(errorCodeBucket('stable', '3602.2.0', 9 | 0x80000000), 'f/stable/3602.2.0|code-9', 'flag bits stripped');
    assert.equal(errorCodeBucket('stable', '3602.2.0', 2503), 'f/stable/3602.2.0|code-2503');
    assert.equal(errorCodeBucket('stable', '3602.2.0', 777), 'f/stable/3602.2.0|code-other');
    assert.equal(errorCodeBucket('stable', '3602.2.0', -5), 'f/stable/3602.2.0|code-other');
    assert.equal(errorCodeBucket('', '3602.2.0', 9), null);
    assert.equal(errorCodeBucket('stable', '', 9), null);
    for (const b of ['f/stable/3602.2.0|code-9', 'f/stable/3602.2.0|code-other']) assert.ok(isFailureBucket(b), b);
    for (const b of ['f/stable/3602.2.0|code-', 'f/stable/3602.2.0|code-x', 'f/stable/3602.2.0|code-9,x']) assert.ok(!isFailureBucket(b), b);
    const counters = { 'f/stable/3602.2.0|code-9': 3, 'f/stable/3602.2.0|code-other': 5, 'f/stable/3602.2.0|code-2503': 3, 'f/stable/3700.0.0|code-9': 1, 'f/stable/3602.2.0|reverted': 2 };
    assert.deepEqual(errorCodeCounts(counters, 'stable', '3602.2.0'), [
      { code: null, name: 'other', count: 5 },
      { code: 9, name: 'download-transfer-error', count: 3 },
      { code: 2503, name: 'omaha-request-http-response-503', count: 3 },
    ]);
    assert.deepEqual(errorCodeCounts(counters, '', '3602.2.0'), []);
  });
});
