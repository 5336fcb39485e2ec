import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPromotion, chooseOffer, isPulled, nextFloor, type ReleaseFacts } from '../../../server/domain/rollout/releases.ts';

const facts = (over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({ target: '3602.2.0', floors: [], pulled: [], allowDowngrade: false, ...over });

describe('chooseOffer', () => {
  it('offers the target to a node below it; nothing to a node on it or above', () => {
    assert.deepEqual(chooseOffer('3510.2.0', facts()), { offer: '3602.2.0', via: 'target' });
    assert.deepEqual(chooseOffer('3602.2', facts()), { none: 'up-to-date' });
    assert.deepEqual(chooseOffer('3700.0.0', facts()), { none: 'up-to-date' });
    assert.deepEqual(chooseOffer('3510.2.0', facts({ target: null })), { none: 'no-version' });
  });
  it('floors: a node below one gets the lowest floor above its version first, one per check', () => {
    const f = facts({ floors: ['3374.2.0', '3510.2.0', '3033.2.0', '3700.0.0'] });
    assert.deepEqual(chooseOffer('2905.2.0', f), { offer: '3033.2.0', via: 'floor' });
    assert.deepEqual(chooseOffer('3033.2.0', f), { offer: '3374.2.0', via: 'floor' });
    assert.deepEqual(chooseOffer('3400.0.0', f), { offer: '3510.2.0', via: 'floor' });
    assert.deepEqual(chooseOffer('3510.2.0', f), { offer: '3602.2.0', via: 'target' }, 'a floor above the target does not count');
    assert.equal(nextFloor('3602.2.0', '3602.2.0', ['3602.2.0'], []), null, 'the target itself is no floor');
  });
  it('pulled: never offered; a pulled floor is skipped for the next one', () => {
    assert.deepEqual(chooseOffer('3510.2.0', facts({ pulled: ['3602.2'] })), { none: 'pulled' });
    const f = facts({ floors: ['3374.2.0', '3374.2.1'], pulled: ['3374.2.0'] });
    assert.deepEqual(chooseOffer('3033.2.0', f), { offer: '3374.2.1', via: 'floor' });
    // A node below a floor still passes it even when the target was pulled.
    assert.deepEqual(chooseOffer('3033.2.0', facts({ floors: ['3374.2.0'], pulled: ['3602.2.0'] })), { offer: '3374.2.0', via: 'floor' });
    assert.equal(isPulled(['3510.2'], '3510.2.0'), true);
  });
  it('downgrade: nodes above an older target get it only when it was promoted with allowDowngrade', () => {
    const older = facts({ target: '3510.2.0' });
    assert.deepEqual(chooseOffer('3602.2.0', older), { none: 'up-to-date' });
    assert.deepEqual(chooseOffer('3602.2.0', { ...older, allowDowngrade: true }), { offer: '3510.2.0', via: 'downgrade' });
    assert.deepEqual(chooseOffer('3510.2.0', { ...older, allowDowngrade: true }), { none: 'up-to-date' });
    assert.deepEqual(chooseOffer('3602.2.0', { ...older, allowDowngrade: true, pulled: ['3510.2.0'] }), { none: 'pulled' });
  });
});

describe('checkPromotion', () => {
  it('refuses a pulled version, with the reason', () => {
    assert.deepEqual(checkPromotion({ current: '3510.2.0', next: '3602.2.0', pulled: ['3602.2.0'], allowDowngrade: true }), {
      refused: 'pulled',
      message: '3602.2.0 was pulled and is never offered again',
    });
  });
  it('refuses a downgrade unless allowDowngrade', () => {
    const r = checkPromotion({ current: '3602.2.0', next: '3510.2.0', pulled: [], allowDowngrade: false });
    assert.equal('refused' in r && r.refused, 'downgrade');
    assert.match('message' in r ? r.message : '', /older than the channel's 3602.2.0; give allowDowngrade: true/);
    assert.deepEqual(checkPromotion({ current: '3602.2.0', next: '3510.2.0', pulled: [], allowDowngrade: true }), { ok: true, downgrade: true });
  });
  it('a newer version, the same one or a first promotion is fine', () => {
    assert.deepEqual(checkPromotion({ current: '3510.2.0', next: '3602.2.0', pulled: [], allowDowngrade: false }), { ok: true, downgrade: false });
    assert.deepEqual(checkPromotion({ current: '3510.2.0', next: '3510.2', pulled: [], allowDowngrade: false }), { ok: true, downgrade: false });
    assert.deepEqual(checkPromotion({ current: null, next: '1.0.0', pulled: [], allowDowngrade: false }), { ok: true, downgrade: false });
  });
});
