// 200 locksmith clients racing on one semaphore of max 3, spread over three Platte processes on one
// Redis, each command sent to a random process. Every lock and unlock is locksmith's own
// create / GET / compare-and-swap. The history the store kept, replayed, never has more than 3
// holders; no document any client read lists more than 3; every failure is a failed compare
// (412 errorCode 101) or locksmith's own "semaphore is at 0".
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createRedisSlotStore } from '../../coordinator/store/redis/index.ts';
import { DEFAULT_STORE_OPTIONS } from '../../coordinator/store/types.ts';
import type { SlotEvent } from '../../coordinator/domain/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startProcess, stopProcesses, type TestProcess } from '../helpers/processes.ts';
import { checkHistory } from '../coordinator/checker.ts';
import { EtcdFailure, LocalRefusal, LocksmithClient } from './locksmith-client.ts';

// A whole Platte per process (createPlatte). Its history keeps 1000 lines, more than a run writes.
const FIXTURE = fileURLToPath(new URL('../rollout/fixtures/platte-process.ts', import.meta.url));
const ADMIN = 'e'.repeat(24);
const PROCESSES = 3;
const CLIENTS = 200;
const MAX = 3;
/** The run ends after this many slots were taken (counted, not timed: the machine may be slow). */
const TARGET_GRANTS = 120;
const GIVE_UP_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('locksmith on three Platte processes sharing one Redis', () => {
  let redis: TestRedis;
  let procs: TestProcess[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  before(async () => {
    redis = await startRedis();
    procs = await Promise.all(
      Array.from({ length: PROCESSES }, () => startProcess(FIXTURE, { PLATTE_REDIS_URL: redis.url, PLATTE_REDIS_PREFIX: 'lsm', PLATTE_ADMIN_TOKEN: ADMIN })),
    );
  });
  after(async () => {
    agent.destroy();
    await stopProcesses(procs);
    await redis.cleanup();
  });

  it('200 racing clients, max 3: never more than 3 holders; failures are failed compares or a full semaphore', async () => {
    const clientsOf = (opts: { user?: string; password?: string } = {}) => procs.map((p) => new LocksmithClient({ endpoint: p.url, agent, ...opts }));
    const anyOf = (cs: LocksmithClient[]) => cs[Math.floor(Math.random() * cs.length)] as LocksmithClient;
    assert.equal(await anyOf(clientsOf({ user: 'ops', password: ADMIN })).setMax(MAX), 1);

    const tally = { granted: 0, released: 0, full: 0, compare: 0, unlockRetries: 0, other: [] as string[] };
    const giveUpAt = Date.now() + GIVE_UP_MS;
    const running = () => tally.granted < TARGET_GRANTS && Date.now() < giveUpAt;
    /** A failure locksmith would retry: a failed compare. Anything else is recorded. */
    const failed = (err: unknown, what: string): void => {
      if (err instanceof EtcdFailure && err.reply.status === 412 && err.errorCode === 101) tally.compare++;
      else tally.other.push(`${what}: ${String(err)}`);
    };
    const all: LocksmithClient[] = [];
    const node = async (id: string) => {
      const mine = clientsOf();
      all.push(...mine);
      while (running()) {
        try {
          await anyOf(mine).lock(id);
          tally.granted++;
        } catch (err) {
          if (err instanceof LocalRefusal && err.message === 'semaphore is at 0') tally.full++;
          else failed(err, `lock ${id}`);
          await sleep(50 + Math.random() * 150);
          continue;
        }
        await sleep(Math.random() * 10);
        // locksmithd retries its unlock until it went through.
        for (;;) {
          try {
            await anyOf(mine).unlock(id);
            tally.released++;
            break;
          } catch (err) {
            failed(err, `unlock ${id}`);
            tally.unlockRetries++;
            await sleep(5 + Math.random() * 20);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => node(`node-${i}`)));

    // Every document any client read.
    let documents = 0;
    for (const c of all) {
      for (const r of c.log) {
        const node = r.body.node as { value: string } | undefined;
        if (!node) continue;
        const doc = JSON.parse(node.value) as { semaphore: number; max: number; holders: string[] | null };
        assert.ok((doc.holders ?? []).length <= MAX, `a document with ${doc.holders?.length} holders`);
        assert.ok(doc.semaphore >= 0);
        documents++;
      }
    }
    const conn = new Redis(redis.url);
    try {
      const store = createRedisSlotStore(conn, 'lsm', { ...DEFAULT_STORE_OPTIONS, createUnknownGroups: false, defaults: { max: 1, leaseSeconds: 3600, leasePolicy: 'hold' } });
      const snap = await store.read('default', { historyLimit: 10_000_000, waitingSince: 0 });
      assert.ok(snap);
      const history: SlotEvent[] = [...snap.history].reverse();
      const report = checkHistory(history);
      process.stderr.write(`etcd multi-process run: ${JSON.stringify({ ...tally, other: tally.other.length, documents, history: history.length, peak: report.peak, revision: snap.revision })}\n`);
      assert.deepStrictEqual(tally.other.slice(0, 5), [], 'no failure but a failed compare or a full semaphore');
      assert.deepStrictEqual(report.violations, []);
      assert.ok(report.peak <= MAX && report.peak >= 2, `peak ${report.peak}`);
      assert.equal(report.grants, tally.granted, 'every lock that went through is one grant, and nothing else was granted');
      assert.equal(report.releases, tally.released);
      assert.ok(tally.granted >= TARGET_GRANTS, `reached ${TARGET_GRANTS} locks before giving up (${tally.granted})`);
      assert.ok(tally.full + tally.compare > 200, 'enough contention to mean something');
      assert.deepStrictEqual(snap.holders, [], 'every client gave its slot back');
      assert.equal(snap.revision, history.length, 'the change counter counted every change');
    } finally {
      await conn.quit();
    }
  });
});
