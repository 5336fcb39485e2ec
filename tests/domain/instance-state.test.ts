import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { UpdateDecision } from '../../server/domain/decide.ts';
import { eventOutcome, planCheckIn } from '../../server/domain/instance-state.ts';
import type { OmahaAppRequest } from '../../protocol/omaha/types.ts';
import type { InstanceAttrs } from '../../server/store/types.ts';

const attrs: InstanceAttrs = { alias: '', ip: '', oem: '', oemVersion: '', alephVersion: '', bootId: '', version: '3374.2.0', track: 'stable', group: 'stable', channel: 'stable', arch: 'amd64' };
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
  assert.deepEqual(p.change.counterPrefixes, ['c/stable/3374.2.0', 'g/stable/3374.2.0']);
});

it('event-only requests change status without a decision; pings alone change nothing', () => {
  const p = planCheckIn(app({ updateCheck: false, ping: false, events: [{ eventType: 13, eventResult: 1 }] }), 'm', attrs, null, 1);
  assert.deepEqual(p.change.status, { to: 'downloading', unlessIn: [] });
  assert.equal(planCheckIn(app({ updateCheck: false }), 'm', attrs, null, 1).change.status, null);
});
