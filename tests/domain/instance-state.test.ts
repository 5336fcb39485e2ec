import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { UpdateDecision } from '../../server/domain/decide.ts';
import { finalStatus } from '../../server/domain/apply-check-in.ts';
import { checkInCompleted, eventOutcome, planCheckIn } from '../../server/domain/instance-state.ts';
import type { OmahaAppRequest } from '../../protocol/omaha/types.ts';
import type { InstanceAttrs } from '../../server/store/types.ts';

const attrs: InstanceAttrs = { alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: '', version: '3374.2.0', track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64', held: '' };
const app = (over: Partial<OmahaAppRequest>): OmahaAppRequest => ({
  appIdRaw: 'a', attrs: {}, version: '3374.2.0', track: 'stable', bootId: '', machineId: 'm', machineAlias: '', oem: '', oemVersion: '', alephVersion: '', board: '', lang: '', ping: true, updateCheck: true, events: [], ...over,
});
const upToDate: UpdateDecision = { kind: 'noupdate', reason: 'up-to-date', channelVersion: '3374.2.0', group: 'stable', channel: 'stable' };

it('maps update_engine events to statuses', () => {
  assert.equal(eventOutcome({ eventType: 13, eventResult: 1 }, 'v').status, 'downloading');
  assert.equal(eventOutcome({ eventType: 14, eventResult: 1 }, 'v').status, 'downloaded');
  assert.equal(eventOutcome({ eventType: 3, eventResult: 1 }, 'v').status, 'installed');
  assert.equal(eventOutcome({ eventType: 3, eventResult: 9 }, 'v').status, 'deferred');
  assert.equal(eventOutcome({ eventType: 3, eventResult: 2, previousVersion: '' }, 'v').status, null);
  assert.equal(eventOutcome({ eventType: 3, eventResult: 2, previousVersion: '0.0.0.0' }, 'v').status, null);
  assert.equal(eventOutcome({ eventType: 3, eventResult: 2, previousVersion: '1.0' }, '2.0').status, 'complete');
  const err = eventOutcome({ eventType: 3, eventResult: 0, errorCode: 268435456 + 34 }, 'v');
  assert.equal(err.status, 'error');
  assert.equal(err.error?.code, 34);
  assert.equal(eventOutcome({ eventType: 3, eventResult: 0, errorCode: 44 }, 'v').error?.code, 44);
});

it('a noupdate check keeps "complete" but otherwise marks the node up to date', () => {
  const p = planCheckIn(app({}), 'm', attrs, upToDate, 1);
  assert.deepEqual(p.change.status, { to: 'up-to-date', unlessIn: ['complete'] });
  assert.equal(p.completed, false);
});

it('a completion event wins over the noupdate answer in the same request and is flagged', () => {
  const p = planCheckIn(app({ version: '3374.2.0', events: [{ eventType: 3, eventResult: 2, previousVersion: '3033.2.0' }] }), 'm', attrs, upToDate, 1);
  assert.deepEqual(p.change.status, { to: 'complete', unlessIn: [] });
  assert.equal(p.completed, true);
  assert.equal(p.change.history[0]?.previousVersion, '3033.2.0');
});

it('a grant sets the target version and adds a grant entry after the events', () => {
  const pkg = { appId: 'a', version: '3510.2.0', arch: 'amd64', url: 'u/', name: 'n', size: 1, sha256: 's', extraFiles: [], createdAt: 0 };
  const p = planCheckIn(app({ events: [{ eventType: 3, eventResult: 2, previousVersion: '' }] }), 'm', attrs, { kind: 'update', pkg, group: 'stable', channel: 'stable' }, 5);
  assert.equal(p.change.targetVersion, '3510.2.0');
  assert.deepEqual(p.change.status, { to: 'granted', unlessIn: [] });
  assert.deepEqual(p.change.history.map((h) => h.kind), ['event', 'grant']);
  assert.deepEqual(p.change.counterPrefixes, ['c/stable/3374.2.0', 'g/stable/3374.2.0', 'a/stable/amd64']);
});

it('event-only requests change status without a decision; pings alone change nothing', () => {
  const p = planCheckIn(app({ updateCheck: false, ping: false, events: [{ eventType: 13, eventResult: 1 }] }), 'm', attrs, null, 1);
  assert.deepEqual(p.change.status, { to: 'downloading', unlessIn: [] });
  assert.equal(planCheckIn(app({ updateCheck: false }), 'm', attrs, null, 1).change.status, null);
});

it('a check-in that neither an event nor a grant decides carries an unreported completion for the store', () => {
  // go-omaha: back on the new version after 3/1, with no previousversion.
  const p = planCheckIn(app({ version: '3602.2.0', events: [{ eventType: 3, eventResult: 2 }] }), 'm', { ...attrs, version: '3602.2.0' }, upToDate, 1);
  assert.deepEqual(p.change.completion, { version: '3602.2.0', from: ['installed'] });
  assert.equal(p.completed, false);
  assert.equal(checkInCompleted(p, { previousStatus: 'installed', status: 'complete' }), true);
  assert.equal(checkInCompleted(p, { previousStatus: 'complete', status: 'complete' }), false, 'once');
  assert.equal(checkInCompleted(p, { previousStatus: 'installed', status: 'installed' }), false);
});

it('no unreported completion beside a grant or a status an event decided', () => {
  const grant: UpdateDecision = { kind: 'update', pkg: { appId: 'a', version: '3602.2.0', arch: 'amd64', url: 'u/', name: 'n', size: 1, sha256: 's', extraFiles: [], createdAt: 0 }, group: 'stable', channel: 'stable' };
  assert.equal(planCheckIn(app({}), 'm', attrs, grant, 1).change.completion, undefined);
  assert.equal(planCheckIn(app({ events: [{ eventType: 13, eventResult: 1 }] }), 'm', attrs, upToDate, 1).change.completion, undefined);
});

it('the store step completes an installed node whose stored target is the version it reports, and only that', () => {
  const completion = { version: '3602.2.0', from: ['installed' as const] };
  const wanted = { to: 'up-to-date' as const, unlessIn: ['complete' as const] };
  assert.equal(finalStatus('installed', wanted, completion, '3602.2.0'), 'complete');
  assert.equal(finalStatus('installed', wanted, completion, '3700.0.0'), 'up-to-date', 'another target');
  assert.equal(finalStatus('downloaded', wanted, completion, '3602.2.0'), 'up-to-date', 'not installed');
  assert.equal(finalStatus(null, wanted, completion, ''), 'up-to-date', 'a new node');
  assert.equal(finalStatus('installed', wanted, undefined, '3602.2.0'), 'up-to-date');
});
