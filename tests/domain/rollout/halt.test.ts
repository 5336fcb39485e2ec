import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countsSince, failureOfEvent, MIN_GRANTED_FOR_PERCENT, shouldHalt } from '../../../server/domain/rollout/halt.ts';
import type { FailureKind, RolloutCounts } from '../../../server/domain/rollout/types.ts';

function counts(granted: number, failures: Partial<Record<FailureKind, number>> = {}): RolloutCounts {
  return { granted, failures: { error: 0, rollback: 0, timeout: 0, 'lease-expired': 0, reverted: 0, ...failures } };
}

describe('shouldHalt', () => {
  it('never halts without failures, nor with an empty haltOn', () => {
    assert.equal(shouldHalt({ failures: 1, failurePercent: 1 }, counts(500)), null);
    assert.equal(shouldHalt({}, counts(100, { error: 100 })), null);
  });
  it('halts once the failed nodes reach `failures`', () => {
    assert.equal(shouldHalt({ failures: 3 }, counts(5, { error: 2 })), null);
    const r = shouldHalt({ failures: 3 }, counts(5, { error: 2, timeout: 1 }));
    assert.equal(r?.rule, 'failures');
    assert.equal(r?.failed, 3);
    assert.equal(r?.message, '3 of 5 granted nodes failed (2 error events, 1 update timeout): reached haltOn.failures = 3');
  });
  it('every failure kind counts, and the reason names each', () => {
    const r = shouldHalt({ failures: 5 }, counts(40, { error: 1, rollback: 1, timeout: 1, 'lease-expired': 1, reverted: 1 }));
    assert.equal(r?.failed, 5);
    assert.match(r?.message ?? '', /1 error event, 1 rollback, 1 update timeout, 1 reboot-slot lease ran out, 1 came back on the old version/);
  });
  it('failurePercent applies only once at least 10 nodes were granted', () => {
    assert.equal(MIN_GRANTED_FOR_PERCENT, 10);
    assert.equal(shouldHalt({ failurePercent: 5 }, counts(9, { error: 9 })), null);
    const r = shouldHalt({ failurePercent: 5 }, counts(10, { rollback: 1 }));
    assert.equal(r?.rule, 'failurePercent');
    assert.match(r?.message ?? '', /1 of 10 granted nodes failed \(1 rollback\), 10 %: reached haltOn.failurePercent = 5 %/);
  });
  it('failurePercent halts at the threshold, not below', () => {
    assert.equal(shouldHalt({ failurePercent: 5 }, counts(101, { error: 5 })), null);
    assert.equal(shouldHalt({ failurePercent: 5 }, counts(100, { error: 5 }))?.rule, 'failurePercent');
  });
  it('when both are reached the absolute count is named', () => {
    assert.equal(shouldHalt({ failures: 2, failurePercent: 5 }, counts(20, { error: 4 }))?.rule, 'failures');
  });
});

describe('countsSince', () => {
  it('subtracts the acknowledged counts, never below 0', () => {
    const now = counts(50, { error: 6, timeout: 1 });
    const base = counts(40, { error: 5, reverted: 2 });
    assert.deepEqual(countsSince(now, base), counts(10, { error: 1, timeout: 1 }));
    assert.equal(countsSince(now, null), now);
  });
});

describe('failureOfEvent', () => {
  it('x/0 is an error event; 3/0 with code 44 (flags and all) a rollback; anything else no failure', () => {
    assert.equal(failureOfEvent({ eventType: 3, eventResult: 0, errorCode: 44 }), 'rollback');
    assert.equal(failureOfEvent({ eventType: 3, eventResult: 0, errorCode: (1 << 28) | 44 }), 'rollback');
    assert.equal(failureOfEvent({ eventType: 3, eventResult: 0, errorCode: 10 }), 'error');
    assert.equal(failureOfEvent({ eventType: 13, eventResult: 0, errorCode: 44 }), 'error');
    assert.equal(failureOfEvent({ eventType: 13, eventResult: 0 }), 'error');
    assert.equal(failureOfEvent({ eventType: 3, eventResult: 2, previousVersion: '1.0.0' }), null);
    assert.equal(failureOfEvent({ eventType: 3, eventResult: 9 }), null);
  });
});
