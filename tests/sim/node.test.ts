// One virtual node's update sequence, as update_engine and its reboot strategy would run it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionResult } from '../../client-sim/node-types.ts';
import { Driver, EVENT_ACK, friendlyServer, label, makeNode, noUpdateAnswer, type Responder } from './fixtures/drive.ts';

const FLAG = 268435456;

describe('update sequence', () => {
  it('reboot strategy: check → 13/1 → 14/1 → 3/1 → reboot → check with previousversion on the new version', () => {
    const d = new Driver(makeNode(), friendlyServer()).runUntil((x) => x.node.state === 'updated');
    assert.deepEqual(d.labels(), [
      'check(3/2 prev=)@3374.2.0',
      'event 13/1',
      'event 14/1',
      'event 3/1',
      'check(3/2 prev=3374.2.0)@3510.2.0',
    ]);
    assert.equal(d.node.version, '3510.2.0');
    assert.equal(d.recorded.completed, 1);
    assert.deepEqual([d.recorded.rebootStarts, d.recorded.rebootEnds], [1, 1]);
    // The boot after the reboot has a new boot id, and the new check comes 2–12 min after boot.
    const [first, , , installed, after] = d.sent;
    assert.notEqual(first!.xml!.app.bootid, after!.xml!.app.bootid);
    assert.match(after!.xml!.app.bootid!, /^\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}$/);
    const sinceInstall = after!.t - installed!.t;
    assert.ok(sinceInstall >= 120 + 30 && sinceInstall <= 720 + 90, `check ${sinceInstall}s after 3/1`);
    // update_engine sends the old version once; the following check says previousversion="".
    d.runUntil((x) => x.sent.length >= 6);
    assert.equal(label(d.sent[5]!), 'check(3/2 prev=)@3510.2.0');
  });

  it('a fresh install says previousversion="0.0.0.0" on its first check', () => {
    const d = new Driver(makeNode({ previousVersion: 'initial', version: '3510.2.0' }), friendlyServer()).runUntil((x) => x.sent.length >= 2);
    assert.deepEqual(d.labels(), ['check(3/2 prev=0.0.0.0)@3510.2.0', 'check(3/2 prev=)@3510.2.0']);
    assert.equal(d.recorded.completed, 0);
  });

  it('download takes time proportional to the size; install takes its time', () => {
    const d = new Driver(makeNode(), friendlyServer(), { profile: { bandwidth: [1e6, 1e6], installSeconds: [100, 100] } }).runUntil(
      (x) => x.sent.length >= 4,
    );
    const [, started, finished, installed] = d.sent;
    assert.equal(Math.round(finished!.t - started!.t), 382); // 382137917 bytes at 1 MB/s
    assert.equal(Math.round(installed!.t - finished!.t), 100);
  });

  it('off strategy: installs, then only pings while it waits for a reboot that never comes', () => {
    const d = new Driver(makeNode({ strategy: 'off' }), friendlyServer()).runUntil((x) => x.sent.length >= 7);
    assert.deepEqual(d.labels(), ['check(3/2 prev=)@3374.2.0', 'event 13/1', 'event 14/1', 'event 3/1', 'ping', 'ping', 'ping']);
    assert.equal(d.node.state, 'waiting-reboot');
    assert.equal(d.node.settled, true);
    const pings = d.sent.slice(4).map((s) => s.t);
    for (let i = 1; i < pings.length; i++) assert.ok(pings[i]! - pings[i - 1]! >= 2400 && pings[i]! - pings[i - 1]! <= 3000);
    assert.equal(d.recorded.rebootStarts, 0);
  });
});

describe('fleetlock strategy', () => {
  it('steady-state on boot, pre-reboot once installed, retried every 300–330 s until granted', () => {
    let refusals = 3;
    const server = friendlyServer();
    const respond: Responder = (a, node, t) => {
      if (a.kind === 'fleetlock' && a.op === 'pre-reboot' && refusals-- > 0) {
        return { kind: 'http', status: 500, body: '{"kind":"failed_lock","value":"all slots taken"}' };
      }
      return server(a, node, t);
    };
    const d = new Driver(makeNode({ strategy: 'fleetlock' }), respond).runUntil((x) => x.node.state === 'updated');
    assert.deepEqual(d.labels(), [
      'steady-state',
      'check(3/2 prev=)@3374.2.0',
      'event 13/1',
      'event 14/1',
      'event 3/1',
      'pre-reboot',
      'pre-reboot',
      'pre-reboot',
      'pre-reboot',
      'steady-state',
      'check(3/2 prev=3374.2.0)@3510.2.0',
    ]);
    const locks = d.sent.filter((s) => s.action.kind === 'fleetlock' && s.action.op === 'pre-reboot').map((s) => s.t);
    for (let i = 1; i < locks.length; i++) {
      const gap = locks[i]! - locks[i - 1]!;
      assert.ok(gap >= 300 && gap <= 330, `retry after ${gap}s`);
    }
    // Rebooting from the grant until steady-state succeeded after boot.
    assert.deepEqual([d.recorded.rebootStarts, d.recorded.rebootEnds], [1, 1]);
  });

  it('does not check for updates until steady-state succeeded', () => {
    let refused = 2;
    const server = friendlyServer();
    const d = new Driver(makeNode({ strategy: 'fleetlock' }), (a, n, t) =>
      a.kind === 'fleetlock' && refused-- > 0 ? { kind: 'no-answer', error: 'ECONNREFUSED' } : server(a, n, t),
    ).runUntil((x) => x.sent.length >= 4);
    assert.deepEqual(d.labels().slice(0, 4), ['steady-state', 'steady-state', 'steady-state', 'check(3/2 prev=)@3374.2.0']);
    assert.ok(d.sent[3]!.t - d.sent[2]!.t < 1, 'checks right after steady-state when its first check time has passed');
  });

  it('pings every 45 min while waiting for a slot', () => {
    const server = friendlyServer();
    const d = new Driver(makeNode({ strategy: 'fleetlock' }), (a, n, t) =>
      a.kind === 'fleetlock' && a.op === 'pre-reboot' ? { kind: 'http', status: 500, body: '{"kind":"failed_lock","value":"full"}' } : server(a, n, t),
    ).runUntil((x) => x.t > 3 * 3600);
    const labels = d.labels();
    const pings = labels.filter((l) => l === 'ping').length;
    assert.ok(pings >= 3 && pings <= 5, `${pings} pings in 3 h`);
    assert.ok(labels.filter((l) => l === 'pre-reboot').length >= 30);
    assert.equal(d.node.state, 'waiting-reboot');
  });
});

describe('failures', () => {
  const withFault = (fault: Parameters<typeof makeNode>[0]) => new Driver(makeNode(fault), friendlyServer());

  for (const [fault, code] of [
    ['download', 9],
    ['hash', 10],
    ['size', 11],
  ] as const) {
    it(`${fault} fault: 13/1 then 3/0 errorcode ${FLAG + code}, no 14/1; gives up after 3 attempts`, () => {
      const d = withFault({ fault }).runUntil((x) => x.node.state === 'gave-up');
      const attempt = ['check(3/2 prev=)@3374.2.0', 'event 13/1', `event 3/0 code=${FLAG + code}`];
      assert.deepEqual(d.labels(), [...attempt, ...attempt, ...attempt]);
      assert.deepEqual(d.recorded.failures, [code, code, code]);
      assert.equal(d.node.lastError, code);
      assert.equal(d.node.dueAt, Infinity, 'a node that gave up stops checking');
    });
  }

  it('install fault: 13/1, 14/1, then 3/0 with the postinstall code (5)', () => {
    const d = withFault({ fault: 'install' }).runUntil((x) => x.sent.length >= 4);
    assert.deepEqual(d.labels(), ['check(3/2 prev=)@3374.2.0', 'event 13/1', 'event 14/1', `event 3/0 code=${FLAG + 5}`]);
    assert.equal(d.node.state, 'failed');
  });

  it('a transient fault fails once, then the retry succeeds', () => {
    const d = new Driver(makeNode({ fault: 'hash' }), friendlyServer(), { profile: { stickyFaults: false } }).runUntil(
      (x) => x.node.state === 'updated',
    );
    assert.deepEqual(d.recorded.failures, [10]);
    assert.equal(d.node.version, '3510.2.0');
    assert.equal(d.node.failuresInRow, 0);
  });

  it('an answer update_engine rejects is reported as 3/0 with 268435456+34', () => {
    const bad: ActionResult = { kind: 'http', status: 200, body: '<response protocol="3.0"><app status="ok"><updatecheck status="ok"/></app></response>' };
    const d = new Driver(makeNode(), (a) => (a.kind === 'omaha' && a.body.kind === 'check' ? bad : EVENT_ACK)).runUntil((x) => x.sent.length >= 2);
    assert.deepEqual(d.labels(), ['check(3/2 prev=)@3374.2.0', 'event 3/0 code=268435490']);
    assert.equal(d.node.state, 'failed');
  });

  it('HTTP errors are reported as 2000 + status, and do not count as failed update attempts', () => {
    const d = new Driver(makeNode(), (a) =>
      a.kind === 'omaha' && a.body.kind === 'check' ? { kind: 'http', status: 503, body: '' } : EVENT_ACK,
    ).runUntil((x) => x.sent.length >= 8);
    assert.equal(label(d.sent[1]!), `event 3/0 code=${FLAG + 2503}`);
    assert.equal(d.node.state, 'idle');
    assert.equal(d.node.failuresInRow, 0);
  });

  it('rollback: comes back on the old version, the next check carries 3/0 errorcode 44', () => {
    const d = withFault({ fault: 'rollback' }).runUntil((x) => x.sent.length >= 5);
    assert.deepEqual(d.labels(), ['check(3/2 prev=)@3374.2.0', 'event 13/1', 'event 14/1', 'event 3/1', 'check(3/0 code=44)@3374.2.0']);
    assert.deepEqual(d.recorded.failures, [44]);
    assert.equal(d.recorded.completed, 0);
  });

  it('no-return: goes down for its reboot and stays down, holding the reboot', () => {
    const d = new Driver(makeNode({ fault: 'no-return', strategy: 'fleetlock' }), friendlyServer()).runUntil((x) => x.node.state === 'lost');
    assert.equal(d.labels().at(-1), 'pre-reboot');
    assert.equal(d.node.inReboot, true);
    assert.deepEqual([d.recorded.rebootStarts, d.recorded.rebootEnds], [1, 0]);
    assert.equal(d.node.dueAt, Infinity);
    assert.equal(d.node.settled, true);
  });

  it('slow-return: takes 10–40 min to come back', () => {
    const d = new Driver(makeNode({ fault: 'slow-return', strategy: 'fleetlock' }), friendlyServer()).runUntil((x) => x.node.state === 'updated');
    const lock = d.sent.find((s) => s.action.kind === 'fleetlock' && s.action.op === 'pre-reboot')!;
    const back = d.sent.filter((s) => s.action.kind === 'fleetlock' && s.action.op === 'steady-state')[1]!;
    const down = back.t - lock.t;
    assert.ok(down >= 600 && down <= 2400, `down for ${down}s`);
  });

  it('network: requests during the outage never leave the node; it recovers afterwards', () => {
    const node = makeNode({ fault: 'network' });
    const server = friendlyServer();
    let offline = 0;
    const d = new Driver(node, (a, n, t) => server(a, n, t), { profile: { outage: { within: 0, length: [3600, 3600] } } });
    // The fleet short-circuits an offline node's requests; emulate it here.
    const respond = d.respond;
    (d as { respond: Responder }).respond = (a, n, t) => {
      if (n.isOffline(d.env.now)) {
        offline++;
        return { kind: 'no-answer', error: 'offline' };
      }
      return respond(a, n, t);
    };
    d.runUntil((x) => x.node.state === 'updated');
    assert.ok(offline >= 4, `${offline} requests failed while offline`);
    assert.ok(d.recorded.failures.includes(2000));
    assert.equal(d.node.version, '3510.2.0');
  });

  it('no update offered: the node is up to date and keeps checking', () => {
    const d = new Driver(makeNode({ version: '3510.2.0' }), () => noUpdateAnswer()).runUntil((x) => x.sent.length >= 3);
    assert.equal(d.node.state, 'updated');
    assert.equal(d.node.settled, true);
    assert.ok(d.sent.every((s) => label(s).startsWith('check')));
  });
});

describe('answers it ignores', () => {
  it('event answers are best effort: a failed 13/1 does not stop the update', () => {
    const server = friendlyServer();
    const d = new Driver(makeNode(), (a, n, t) =>
      a.kind === 'omaha' && a.body.kind === 'event' ? { kind: 'http', status: 500, body: '' } : server(a, n, t),
    ).runUntil((x) => x.node.state === 'updated');
    assert.equal(d.node.version, '3510.2.0');
  });
});
