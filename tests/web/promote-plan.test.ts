// The Releases page's promote form turns typed text into the promotion's rollout plan: steps from
// "10,50,100" with the soak between them (none after the last), an optional halt percentage, no
// plan at all without steps; what is not a number is caught before the server is asked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planOf, planText } from '../../web/src/views/promote-plan.ts';

describe('the promote form plan', () => {
  it('builds steps with the soak between them and the halt threshold', () => {
    const plan = planOf({ steps: '10, 50,100', soak: '1h', haltPercent: '20' });
    assert.deepEqual(plan, {
      steps: [
        { percent: 10, soak: '1h' },
        { percent: 50, soak: '1h' },
        { percent: 100, soak: 0 },
      ],
      haltOn: { failurePercent: 20 },
    });
    assert.equal(planText(plan), 'in steps 10% → 50% → 100%, 1h soak between steps, halting when failures reach 20%');
  });

  it('without steps there is no plan: every node at once', () => {
    assert.equal(planOf({ steps: ' ', soak: '1h', haltPercent: '' }), null);
    assert.equal(planText(null), 'offered to every node at once');
    assert.deepEqual(planOf({ steps: '100', soak: '', haltPercent: '' }), { steps: [{ percent: 100, soak: 0 }] });
  });

  it('refuses what is not a number, and a halt threshold without steps', () => {
    assert.throws(() => planOf({ steps: '10,half,100', soak: '', haltPercent: '' }), /percentages separated by commas/);
    assert.throws(() => planOf({ steps: '10,100', soak: '', haltPercent: 'x' }), /halt on must be a percentage/);
    assert.throws(() => planOf({ steps: '', soak: '', haltPercent: '5' }), /needs steps/);
  });
});
