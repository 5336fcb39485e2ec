// Reboot-slot changes on the live event stream, end to end over a real socket on both stores: a
// FleetLock grant and release and an operator's unlock each reach an open stream as a `reboot`
// event naming the group, whatever app the stream follows; a refused pre-reboot names no group;
// on Redis, a grant on one process reaches the stream open on another.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FLATCAR, seedRelease, STORE_KINDS } from '../helpers/platte.ts';
import { startLivePlatte, type LivePlatte } from './harness.ts';
import { openSse, type SseStream } from './sse-client.ts';

const eventsUrl = (p: LivePlatte) => `${p.url}/api/v1/events?app=${encodeURIComponent(FLATCAR)}`;

async function fleetlock(p: LivePlatte, step: 'pre-reboot' | 'steady-state', group: string, id: string): Promise<number> {
  const res = await fetch(`${p.url}/v1/${step}`, {
    method: 'POST',
    headers: { 'fleet-lock-protocol': 'true', 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_params: { id, group } }),
  });
  await res.text();
  return res.status;
}

/** The next reboot event naming groups: one saying "anything may have changed" (Redis subscribed) is passed over. */
async function nextReboot(s: SseStream, timeoutMs?: number): Promise<{ groups: string[]; all: boolean }> {
  for (;;) {
    const e = JSON.parse((await s.next('reboot', timeoutMs)).data) as { groups: string[]; all: boolean };
    if (!e.all || e.groups.length > 0) return e;
  }
}

for (const kind of STORE_KINDS) {
  describe(`reboot events (${kind} store)`, () => {
    let p: LivePlatte;
    let s: SseStream;
    before(async () => {
      p = await startLivePlatte(kind);
      await seedRelease(p.t);
      s = await openSse(eventsUrl(p), { Authorization: p.auth });
      assert.equal(s.status, 200);
      await s.next('summary');
    });
    after(async () => {
      s.destroy();
      await p.close();
    });

    it('a FleetLock grant, then its release, each send a reboot event naming the group', async () => {
      assert.equal(await fleetlock(p, 'pre-reboot', 'web', 'node-1'), 200);
      assert.deepEqual(await nextReboot(s), { groups: ['web'], all: false });
      assert.equal(await fleetlock(p, 'steady-state', 'web', 'node-1'), 200);
      assert.deepEqual(await nextReboot(s), { groups: ['web'], all: false });
    });

    it('a refused pre-reboot names no group; the next change does', async () => {
      assert.equal(await fleetlock(p, 'pre-reboot', 'db', 'node-a'), 200);
      assert.deepEqual(await nextReboot(s), { groups: ['db'], all: false });
      assert.equal(await fleetlock(p, 'pre-reboot', 'db', 'node-b'), 409, 'db holds one slot: full');
      assert.equal(await fleetlock(p, 'pre-reboot', 'cache', 'node-c'), 200);
      assert.deepEqual(await nextReboot(s), { groups: ['cache'], all: false }, 'the refusal in db changed no slot');
    });

    it("an operator's unlock sends a reboot event", async () => {
      const res = await fetch(`${p.url}/api/v1/reboot-groups/db/holders/node-a?reason=stuck`, { method: 'DELETE', headers: { Authorization: p.auth } });
      assert.ok(res.ok, `unlock answered ${res.status}`);
      await res.text();
      assert.deepEqual(await nextReboot(s), { groups: ['db'], all: false });
    });
  });
}

describe('reboot events across two processes on one Redis', () => {
  let a: LivePlatte;
  let b: LivePlatte;
  before(async () => {
    a = await startLivePlatte('redis', { redisPrefix: 'reboot2' });
    b = await startLivePlatte('redis', { redisPrefix: 'reboot2' });
    await seedRelease(a.t);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('a slot taken on A reaches the stream open on B', async () => {
    const s = await openSse(eventsUrl(b), { Authorization: b.auth });
    await s.next('summary');
    // B subscribes when it starts; until its subscription is up a message can pass it by (and its
    // first subscription sends {all: true}), so A grants in a new group each 300 ms until B names one.
    let named: string[] = [];
    for (let n = 0; n < 10 && named.length === 0; n++) {
      assert.equal(await fleetlock(a, 'pre-reboot', `g${n}`, 'node-1'), 200);
      named = await nextReboot(s, 300).then((e) => e.groups, () => []);
    }
    assert.equal(named.length, 1, 'a reboot event from A');
    assert.match(named[0]!, /^g\d$/);
    s.destroy();
  });
});
