// `platte group policy` flags → the policy body (pure: no server).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePerPeriod, parseWindowText, policyBody, type StoredPolicy } from '../../server/cli/policy-flags.ts';
import { FlagError } from '../../server/cli/rollout-flags.ts';

const CURRENT: StoredPolicy = {
  updatesEnabled: true,
  maxUpdatesPerPeriod: { count: 10, periodMs: 3_600_000 },
  maxInProgress: 5,
  updateTimeoutMs: 7_200_000,
  windows: [{ start: '04:00', length: '1h' }],
  safeMode: false,
  pinVersion: null,
  rebootGroup: null,
};

describe('group policy flags', () => {
  it('flags not given keep their value (durations go back as seconds)', () => {
    assert.deepEqual(policyBody(CURRENT, {}), {
      updatesEnabled: true,
      maxUpdatesPerPeriod: { count: 10, period: 3600 },
      maxInProgress: 5,
      updateTimeout: 7200,
      windows: [{ start: '04:00', length: '1h' }],
      safeMode: false,
      pinVersion: null,
      rebootGroup: null,
    });
  });

  it('each flag changes its field; off clears', () => {
    const b = policyBody(CURRENT, {
      updates: 'off',
      maxPerPeriod: '50/1h',
      maxInProgress: 'reboot-slots',
      rebootGroup: 'web',
      timeout: 'off',
      window: ['Mon-Fri 09:00 8h Europe/Berlin', '22:00 30m'],
      safeMode: 'on',
      pin: '3510.2.0',
    });
    assert.equal(b.updatesEnabled, false);
    assert.deepEqual(b.maxUpdatesPerPeriod, { count: 50, period: '1h' });
    assert.equal(b.maxInProgress, 'reboot-slots');
    assert.equal(b.rebootGroup, 'web');
    assert.equal(b.updateTimeout, null);
    assert.deepEqual(b.windows, [{ days: 'Mon-Fri', start: '09:00', length: '8h', zone: 'Europe/Berlin' }, { start: '22:00', length: '30m' }]);
    assert.equal(b.safeMode, true);
    assert.equal(b.pinVersion, '3510.2.0');
    assert.deepEqual(policyBody(CURRENT, { noWindows: true, maxPerPeriod: 'off', maxInProgress: 'off', pin: 'off' }).windows, []);
    assert.equal(policyBody(CURRENT, { maxPerPeriod: 'off' }).maxUpdatesPerPeriod, null);
  });

  it('bad flags name the flag', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parsePerPeriod('50'), /^--max-per-period: /],
      [() => parseWindowText('Mon-Fri 8h'), /^--window: /],
      [() => parseWindowText('Mon Tue 09:00 1h'), /^--window: /],
      [() => policyBody(CURRENT, { updates: 'maybe' }), /^--updates: /],
      [() => policyBody(CURRENT, { maxInProgress: 'lots' }), /^--max-in-progress: /],
      [() => policyBody(CURRENT, { safeMode: '1x' }), /^--safe-mode: /],
      [() => policyBody(CURRENT, { window: ['09:00 1h'], noWindows: true }), /^--no-windows: /],
    ];
    for (const [fn, re] of cases) assert.throws(fn, (err: unknown) => err instanceof FlagError && re.test(err.message));
  });
});
