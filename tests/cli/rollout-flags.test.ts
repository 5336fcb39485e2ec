// The promote flags as the request body they become, and the mistakes refused before any request:
// each names its flag. Pure: no server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseHaltOn, parseLinear, promoteBody, type PromoteFlags } from '../../server/cli/rollout-flags.ts';

const V = '3602.2.0';

/** The FlagError `fn` throws, checked to name `flag`. */
function refused(fn: () => unknown, flag: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FlagError, String(err));
    assert.equal(err.flag, flag);
    assert.match(err.message, message);
    assert.ok(err.message.startsWith(`${flag}: `), err.message);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return true;
  });
}

describe('promoteBody', () => {
  it('without flags is a plain promotion, offered to everyone at once', () => {
    assert.deepEqual(promoteBody(V, {}), { version: V });
  });

  it('--steps with one --soak soaks every step but the last', () => {
    const body = promoteBody(V, { steps: '1,10,50,100', soak: '2h', haltOn: '5%' });
    assert.deepEqual(body, {
      version: V,
      rollout: {
        steps: [
          { percent: 1, soak: '2h' },
          { percent: 10, soak: '2h' },
          { percent: 50, soak: '2h' },
          { percent: 100, soak: '0s' },
        ],
        haltOn: { failurePercent: 5 },
      },
    });
  });

  it('--soak takes one duration per step, the last one optional', () => {
    const soaks = (f: PromoteFlags) => (promoteBody(V, f).rollout as { steps: { soak: string }[] }).steps.map((s) => s.soak);
    assert.deepEqual(soaks({ steps: '1,10,50,100', soak: '1h,2h,4h' }), ['1h', '2h', '4h', '0s']);
    assert.deepEqual(soaks({ steps: '1,10,100', soak: '1h, 2h ,1d' }), ['1h', '2h', '1d']);
    assert.deepEqual(soaks({ steps: '100' }), ['0s'], 'a single step needs no soak');
    assert.deepEqual(soaks({ steps: '0.5%,10%,100%', soak: '90s' }), ['90s', '90s', '0s']);
  });

  it('--threshold applies to every step; percents may be fractional and written with %', () => {
    const body = promoteBody(V, { steps: '0.5,100', soak: '30m', threshold: '95%' });
    assert.deepEqual(body.rollout, {
      steps: [
        { percent: 0.5, soak: '30m', successThreshold: 95 },
        { percent: 100, soak: '0s', successThreshold: 95 },
      ],
    });
  });

  it('--linear is a ramp, with --halt-on beside it', () => {
    assert.deepEqual(promoteBody(V, { linear: '10%/6h', haltOn: '3,5%' }).rollout, { linear: { startPercent: 10, duration: '6h' }, haltOn: { failures: 3, failurePercent: 5 } });
  });

  it('the yes/no flags and --floors go into the body only when given', () => {
    const body = promoteBody(V, { floors: '3510.2.0, 3602.2.0', allowDowngrade: true, allowMissingArch: true, dryRun: true });
    assert.deepEqual(body, { version: V, floors: ['3510.2.0', '3602.2.0'], allowDowngrade: true, allowMissingArch: true, dryRun: true });
    assert.deepEqual(promoteBody(V, { allowDowngrade: false, dryRun: false }), { version: V });
  });

  it('leaves ranges and the last step being 100 to the server', () => {
    assert.deepEqual(promoteBody(V, { steps: '10,50', soak: '1h' }).rollout, { steps: [{ percent: 10, soak: '1h' }, { percent: 50, soak: '0s' }] });
    assert.deepEqual(promoteBody(V, { steps: '100', threshold: '150' }).rollout, { steps: [{ percent: 100, soak: '0s', successThreshold: 150 }] });
  });
});

describe('promote flags written wrongly', () => {
  it('--steps: not a list of percents', () => {
    refused(() => promoteBody(V, { steps: '1,ten,100', soak: '1h' }), '--steps', /"ten" is not a percent/);
    refused(() => promoteBody(V, { steps: '1,,100', soak: '1h' }), '--steps', /not a comma-separated list of percents/);
    refused(() => promoteBody(V, { steps: '-5,100', soak: '1h' }), '--steps', /"-5" is not a percent/);
  });

  it('--soak: missing with several steps, no unit, not a duration, or a count that fits no step count', () => {
    refused(() => promoteBody(V, { steps: '1,100' }), '--soak', /--steps needs --soak/);
    refused(() => promoteBody(V, { steps: '1,100', soak: '600' }), '--soak', /"600" has no unit: write 600s/);
    refused(() => promoteBody(V, { steps: '1,100', soak: 'soon' }), '--soak', /"soon" is not a duration such as 90s/);
    refused(() => promoteBody(V, { steps: '1,10,50,100', soak: '1h,2h' }), '--soak', /2 durations for 4 steps/);
  });

  it('--threshold: not a percent, or without --steps', () => {
    refused(() => promoteBody(V, { steps: '100', threshold: 'most' }), '--threshold', /"most" is not a percent/);
    refused(() => promoteBody(V, { threshold: '90' }), '--threshold', /needs a plan: --steps/);
  });

  it('--halt-on: neither a count nor a percent, a kind given twice, or without a plan', () => {
    refused(() => parseHaltOn('many'), '--halt-on', /"many" is neither a number of failed nodes \(3\) nor a percent \(5%\)/);
    refused(() => parseHaltOn('2.5'), '--halt-on', /"2.5" is neither/);
    refused(() => parseHaltOn('3,4'), '--halt-on', /a number of failures twice/);
    refused(() => parseHaltOn('3%,4%'), '--halt-on', /a percent twice/);
    refused(() => promoteBody(V, { haltOn: '3' }), '--halt-on', /needs a plan/);
  });

  it('--linear: not start/duration, or beside --steps, --soak or --threshold', () => {
    refused(() => parseLinear('10%'), '--linear', /is not <start percent>\/<duration>, e.g. 10%\/6h/);
    refused(() => parseLinear('ten/6h'), '--linear', /"ten" is not a percent/);
    refused(() => parseLinear('10/6'), '--linear', /"6" has no unit/);
    refused(() => promoteBody(V, { linear: '10/6h', steps: '100' }), '--linear', /either --steps or --linear/);
    refused(() => promoteBody(V, { linear: '10/6h', soak: '1h' }), '--soak', /applies to --steps/);
    refused(() => promoteBody(V, { linear: '10/6h', threshold: '90' }), '--threshold', /applies to --steps/);
  });

  it('--floors: an empty item', () => {
    refused(() => promoteBody(V, { floors: '3510.2.0,' }), '--floors', /not a comma-separated list of versions/);
  });
});
