// The coordinator tells the update server (onNodeReleased) when a node gives its own slot back, so
// reboot-slot pacing stops counting it as in progress: a FleetLock steady-state and a locksmith
// unlock of the node's own id do; an operator's force-unlock, a lease that ran out and the release
// after an Omaha completion do not. A failing hook is logged, never the node's answer.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Koa from 'koa';
import supertest from 'supertest';
import { createCoordinator, type Coordinator } from '../../coordinator/index.ts';
import { createLocalRunner } from '../../kernel/jobs/local-runner.ts';
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import { silentLogger } from '../../kernel/log.ts';
import { closeBackend, openMemoryBackend, type Backend } from '../../kernel/storage/backend.ts';
import { testConfig } from '../../platte/config.ts';
import { LocksmithClient } from '../etcd/locksmith-client.ts';
import { FakeTimers } from '../jobs/fake-timers.ts';
import { client } from './helpers.ts';

const START = Date.UTC(2026, 0, 5, 10, 0, 0);
const LEASE_S = 60;
const config = testConfig({ unknownGroups: 'create', defaultLeaseSeconds: LEASE_S, defaultLeasePolicy: 'release' });
const allowAll = (() => ((_ctx, next) => next()) as Koa.Middleware) as never;

describe('onNodeReleased: a node giving its own slot back', () => {
  let backend: Backend;
  let jobs: JobRunner;
  let c: Coordinator;
  let fleetlock: ReturnType<typeof supertest>;
  const clock = { now: START };
  let told: string[][];
  let failing: boolean;

  beforeEach(() => {
    clock.now = START;
    told = [];
    failing = false;
    backend = openMemoryBackend();
    jobs = createLocalRunner({ log: silentLogger(), timers: new FakeTimers(START) });
    const onNodeReleased = async (ids: string[]): Promise<void> => {
      if (failing) throw new Error('update server down');
      told.push(ids);
    };
    c = createCoordinator({ backend, config, log: silentLogger(), requireRole: allowAll, now: () => clock.now, jobs, onNodeReleased });
    fleetlock = supertest(new Koa().use(c.middleware).callback());
  });
  afterEach(async () => {
    await jobs.close();
    await closeBackend(backend);
  });

  const preReboot = (id: string, group = 'g') => fleetlock.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send(client(id, group));
  const steadyState = (id: string, group = 'g') => fleetlock.post('/v1/steady-state').set('fleet-lock-protocol', 'true').send(client(id, group));

  it('FleetLock steady-state by the holder tells it; by a node holding nothing, not', async () => {
    await preReboot('node-a').expect(200);
    await steadyState('node-a').expect(200);
    assert.deepStrictEqual(told, [['node-a']]);
    await steadyState('node-a').expect(200);
    await steadyState('node-b').expect(200);
    assert.deepStrictEqual(told, [['node-a']], 'nothing was released');
  });

  it('a locksmith unlock of its own id tells it', async () => {
    const server = http.createServer(new Koa().use(c.etcdListener).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const lsm = new LocksmithClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent });
      await lsm.lock('mach-a');
      assert.deepStrictEqual(told, []);
      await lsm.unlock('mach-a');
      assert.deepStrictEqual(told, [['mach-a']]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a force-unlock, an Omaha completion and a lease that ran out do not', async () => {
    for (const id of ['forced', 'completed', 'expired']) await preReboot(id, id).expect(200);
    assert.equal((await c.service.forceUnlock('forced', 'forced', 'ops')).kind, 'released');
    await c.hooks.onUpdateComplete('completed', '4000.0.0');
    clock.now += LEASE_S * 1000 + 1;
    assert.deepStrictEqual((await c.sweep()).map((e) => e.holder.id), ['expired']);
    for (const id of ['forced', 'completed', 'expired']) assert.deepStrictEqual((await c.service.view(id, 0))?.holders, [], `${id} holds nothing`);
    assert.deepStrictEqual(told, []);
  });

  it('a failing hook is logged: the node is answered and its slot is free', async () => {
    failing = true;
    await preReboot('node-a').expect(200);
    await steadyState('node-a').expect(200);
    assert.deepStrictEqual((await c.service.view('g', 0))?.holders, []);
    await preReboot('node-b').expect(200);
  });
});
