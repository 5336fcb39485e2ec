// The held-back counters: a node behind its channel that got no update is counted under
// `h/<channel>/<reason>`; the summary and heldBackOf read them per channel and reason, leaving stale
// nodes out; names that are no channel or reason never reach a bucket's separators.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterPrefixes, STALE } from '../../server/domain/counters.ts';
import { summarize } from '../../server/domain/summary.ts';
import { heldBackOf, heldPrefix } from '../../server/domain/held-counters.ts';
import { countRebooting } from '../../server/rollout/rebooting.ts';
import type { InstanceRecord } from '../../server/domain/types.ts';

const node = { channel: 'stable', group: 'stable', track: 'stable', version: '3510.2.0', arch: 'amd64' };

describe('held-back counters', () => {
  it('a held node gets an h/ prefix; a node that is not held, or follows no channel, does not', () => {
    assert.deepEqual(counterPrefixes({ ...node, held: 'rollout-percent' }).at(-1), 'h/stable/rollout-percent');
    assert.equal(counterPrefixes({ ...node, held: '' }).length, 3);
    assert.equal(counterPrefixes(node).length, 3);
    assert.equal(heldPrefix('', 'unknown-track'), null);
    assert.equal(heldPrefix('a/b|c', 'x,y'), 'h/a_b_c/x_y');
  });

  it('the summary and heldBackOf count idle held nodes per channel and reason, not failed or stale ones', () => {
    const counters = {
      'c/stable/3510.2.0|idle': 7,
      'h/stable/rollout-percent|idle': 4,
      'h/stable/rollout-percent|error': 1,
      'h/stable/outside-window|idle': 2,
      [`h/stable/outside-window|${STALE}`]: 5,
      'h/beta/rollout-paused|idle': 3,
      'h/__proto__/pinned|idle': 1,
    };
    const s = summarize(counters, 12);
    assert.deepEqual({ ...s.heldBack.stable }, { 'rollout-percent': 4, 'outside-window': 2 }, 'idle nodes only: a failed or stale one counts as such');
    assert.deepEqual({ ...s.heldBack.beta }, { 'rollout-paused': 3 });
    assert.equal(s.byStatus.idle, 7, 'held nodes are not counted twice in the statuses');
    assert.deepEqual({ ...heldBackOf(counters, 'stable') }, { 'rollout-percent': 4, 'outside-window': 2 });
    assert.deepEqual({ ...heldBackOf(counters, 'none') }, {});
    assert.equal(({} as Record<string, unknown>).pinned, undefined, 'a channel named __proto__ pollutes nothing');
  });
});

describe('rebooting counts', () => {
  const inst = (over: Partial<InstanceRecord>) => ({ status: 'installed', stale: false, channel: 'stable', targetVersion: '3602.2.0', ...over }) as InstanceRecord;

  it('counts installed holders by channel and target; others (no node, not installed, stale) count nowhere', () => {
    const counts = countRebooting([
      inst({}),
      inst({}),
      inst({ channel: 'beta', targetVersion: '3700.0.0' }),
      inst({ status: 'complete' }),
      inst({ stale: true }),
      inst({ channel: '' }),
      null,
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(counts)), { stable: { '3602.2.0': 2 }, beta: { '3700.0.0': 1 } });
  });
});
