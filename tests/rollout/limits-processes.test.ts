// Three whole Platte processes on one Redis and a thousand concurrent update checks through the
// Omaha endpoint, under one group's limits (maxInProgress 50, at most 70 grants an hour): exactly the
// limit is granted, never more; a node already granted that checks again keeps its grant and takes
// no new place; once the 50 completed, the period limit binds at exactly 70 in all.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FLATCAR } from '../helpers/platte.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { send as sendWith, startProcess, stopProcesses, type TestProcess } from '../helpers/processes.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/platte-process.ts', import.meta.url));
const ADMIN = 'p'.repeat(24);
const OLD = '3510.2.0';
const NEW = '3602.2.0';
const CHECKS = 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 96 });
const send = (url: string, method: string, body: string, headers: Record<string, string>) => sendWith(agent, url, method, body, headers);

describe('group limits across three Platte processes on one Redis', () => {
  let redis: TestRedis;
  let procs: TestProcess[] = [];
  const api = async (method: string, path: string, body: object) => {
    const res = await send(`${procs[0]!.url}/api/v1${path}`, method, JSON.stringify(body), { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  };
  /** One update check, on the process i % 3; true when it was offered the update. */
  const check = async (i: number, machineid: string, events?: { type: number; result: number; previousversion?: string }[]) => {
    const xml = ueRequest({ machineid, version: events ? NEW : OLD, ...(events ? { events } : {}) });
    const res = await send(`${procs[i % procs.length]!.url}/v1/update/`, 'POST', xml, { 'content-type': 'text/xml' });
    assert.equal(res.status, 200, res.text);
    return /<updatecheck status="ok"/.test(res.text);
  };
  const ids = Array.from({ length: CHECKS }, (_, i) => i.toString(16).padStart(32, '0'));

  before(async () => {
    redis = await startRedis();
    procs = await Promise.all([0, 1, 2].map(() => startProcess(FIXTURE, { PLATTE_REDIS_URL: redis.url, PLATTE_REDIS_PREFIX: 'lp', PLATTE_ADMIN_TOKEN: ADMIN })));
    await api('POST', '/apps', { id: FLATCAR, name: 'Flatcar' });
    for (const version of [OLD, NEW]) {
      await api('POST', `/apps/${FLATCAR}/packages`, { version, url: `https://u.example/${version}/`, name: 'update.gz', size: 1, sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=' });
    }
    await api('POST', `/apps/${FLATCAR}/channels`, { name: 'stable' });
    await api('PUT', `/apps/${FLATCAR}/channels/stable`, { version: NEW });
    await api('PUT', `/apps/${FLATCAR}/groups/stable`, { policy: { maxInProgress: 50, maxUpdatesPerPeriod: { count: 70, period: '1h' } } });
  });
  after(async () => {
    agent.destroy();
    await stopProcesses(procs);
    await redis.cleanup();
  });

  it('exactly the in-progress limit, then exactly the period limit, never more', async () => {
    const first = await Promise.all(ids.map((m, i) => check(i, m)));
    const granted = ids.filter((_, i) => first[i]);
    assert.equal(granted.length, 50, 'maxInProgress 50 across three processes');

    // Granted nodes checking again keep their grant and take no new place.
    const again = await Promise.all(granted.map((m, i) => check(i + 1, m)));
    assert.ok(again.every(Boolean), 'a granted node keeps its grant');
    const others = ids.filter((_, i) => !first[i]);
    assert.equal((await Promise.all(others.slice(0, 100).map((m, i) => check(i, m)))).filter(Boolean).length, 0, 'no place is free');

    // The 50 complete: 20 more fit under the period's 70, across the processes.
    await Promise.all(granted.map((m, i) => check(i, m, [{ type: 3, result: 2, previousversion: OLD }])));
    const second = await Promise.all(others.map((m, i) => check(i, m)));
    assert.equal(second.filter(Boolean).length, 20, 'maxUpdatesPerPeriod 70 in all');
  });
});
