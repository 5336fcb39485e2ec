// The history checker used by the multi-process test must itself catch broken histories.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SlotEvent } from '../../coordinator/domain/types.ts';
import { checkHistory } from './checker.ts';

const ev = (event: SlotEvent['event'], holder?: string, extra: Partial<SlotEvent> = {}): SlotEvent => ({ at: 0, event, ...(holder ? { holder } : {}), ...extra });

it('accepts a correct history', () => {
  const r = checkHistory([
    ev('create', undefined, { max: 1 }),
    ev('grant', 'a', { fencingToken: 1 }),
    ev('release', 'a'),
    ev('configure', undefined, { max: 2 }),
    ev('grant', 'b', { fencingToken: 2 }),
    ev('grant', 'c', { fencingToken: 3 }),
    ev('expire', 'c', { freed: true }),
    ev('force-unlock', 'b'),
  ]);
  assert.deepStrictEqual(r, { grants: 3, releases: 2, peak: 2, violations: [] });
});

it('catches a grant beyond max, a skipped token, a double grant and a phantom release', () => {
  const r = checkHistory([
    ev('create', undefined, { max: 1 }),
    ev('grant', 'a', { fencingToken: 1 }),
    ev('grant', 'b', { fencingToken: 3 }),
    ev('grant', 'b', { fencingToken: 4 }),
    ev('release', 'z'),
    ev('expire', 'y', { freed: false }),
  ]);
  assert.equal(r.violations.length, 6);
  assert.match(r.violations[0]!, /granted with 1 holders and max 1/);
  assert.match(r.violations[1]!, /fencing token 3 after 1/);
});

it('a lowered max blocks grants until enough holders left', () => {
  const r = checkHistory([
    ev('create', undefined, { max: 3 }),
    ev('grant', 'a', { fencingToken: 1 }),
    ev('grant', 'b', { fencingToken: 2 }),
    ev('configure', undefined, { max: 1 }),
    ev('release', 'a'),
    ev('grant', 'c', { fencingToken: 3 }),
  ]);
  assert.equal(r.violations.length, 1);
});
