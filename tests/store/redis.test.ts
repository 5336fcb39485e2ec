// The Redis store: the shared contract on a private redis-server, plus what only Redis can show:
// many connections racing on one instance or one bootstrap, a stale epoch leaving no trace,
// keys hash-tagged per app, compact encodings, and data surviving a restart with AOF on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHANNEL_DEFAULTS, type GrantLimits, type InstanceStatus } from '../../server/domain/types.ts';
import { closeBackend, openRedisBackend, type Backend } from '../../kernel/storage/backend.ts';
import { createRedisStore } from '../../server/store/redis/index.ts';
import { storeKeys } from '../../server/store/redis/keys.ts';
import type { Store } from '../../server/store/types.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { runStoreContract } from './contract.ts';
import { activity, APP, app, attrs, change, channel, entry, group, OTHER_APP, pkg, pulled, T0, token } from './fixtures/records.ts';
import { haltedRollout } from './fixtures/rollout.ts';
import { assertLuaScriptsDocumented } from '../helpers/lua-headers.ts';

type RedisBackend = Extract<Backend, { kind: 'redis' }>;
const PREFIX = 'ptest';
const keys = storeKeys(PREFIX);

let server: TestRedis | null = null;
const serverReady = (async () => {
  server = await startRedis();
  return server;
})();
after(async () => {
  await (await serverReady).cleanup();
});

async function connect(url: string): Promise<{ store: Store; backend: RedisBackend }> {
  const backend = (await openRedisBackend(url, PREFIX)) as RedisBackend;
  return { backend, store: await createRedisStore(backend) };
}

/** A fresh (FLUSHALL'd) store on the file's server; more connections via `another()`. */
async function open() {
  const srv = await serverReady;
  const first = await connect(srv.url);
  await first.backend.redis.flushall();
  const opened = [first];
  return {
    ...first,
    async another() {
      const c = await connect(srv.url);
      opened.push(c);
      return c;
    },
    async cleanup() {
      for (const c of opened) {
        await c.store.close();
        await closeBackend(c.backend);
      }
    },
  };
}

runStoreContract('redis', async () => {
  const { store, cleanup } = await open();
  return { store, cleanup };
});

async function seeded(store: Store): Promise<number> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  assert.equal(await store.addPackage(pkg('3033.2.0'), activity()), 'created');
  assert.equal(await store.createChannel(channel('stable', null), activity()), 'created');
  return (await store.loadAppConfig(APP))!.epoch;
}

const STATUSES: InstanceStatus[] = ['idle', 'granted', 'downloading', 'installed', 'error'];
const prefixesOf = (i: number) => (i % 3 === 0 ? ['all', 'grp:stable'] : i % 3 === 1 ? ['all', 'grp:beta'] : ['all']);

describe('redis store: concurrency across connections', () => {
  /** Fires `n` check-ins spread over two connections; write i tags itself in the alias. */
  async function race(machineOf: (i: number) => string, n: number) {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      const other = await ctx.another();
      const stores = [ctx.store, other.store];
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          stores[i % 2]!.applyCheckIn(
            APP,
            epoch,
            change(machineOf(i), {
              attrs: attrs({ alias: `w${i}` }),
              status: { to: STATUSES[i % STATUSES.length]!, unlessIn: [] },
              counterPrefixes: prefixesOf(i),
              history: [entry(T0, { kind: 'event', eventType: 3, eventResult: 2 })],
            }),
            T0 + i,
          ),
        ),
      );
      assert.ok(results.every((r) => r.applied));

      // The counters must equal what the final instance records say, bucket by bucket.
      const machines = [...new Set(Array.from({ length: n }, (_, i) => machineOf(i)))];
      const expected: Record<string, number> = {};
      let totalRepeat = 0;
      for (const m of machines) {
        const inst = (await ctx.store.getInstance(APP, m))!;
        const last = Number(inst.alias.slice(1));
        assert.equal(inst.status, STATUSES[last % STATUSES.length], `${m}: status of its last write`);
        for (const p of prefixesOf(last)) expected[`${p}|${inst.status}`] = (expected[`${p}|${inst.status}`] ?? 0) + 1;
        const history = await ctx.store.getHistory(APP, m, 100);
        assert.equal(history.length, 1, 'identical entries folded into one');
        totalRepeat += history[0]!.repeat;
      }
      assert.deepStrictEqual(await ctx.store.counters(APP), expected);
      assert.equal(totalRepeat, n, 'every check-in counted once in history');
      assert.equal(await ctx.store.countInstances(APP), machines.length);

      // previousStatus chains: each applied result saw the state some other write left.
      const news = results.filter((r) => r.applied && r.previousStatus === null);
      assert.equal(news.length, machines.length, 'exactly one write per instance saw it new');
    } finally {
      await ctx.cleanup();
    }
  }

  it('200 concurrent check-ins on one instance', () => race(() => 'same-machine', 200));
  it('200 concurrent check-ins on 37 instances', () => race((i) => `m${i % 37}`, 200));

  it('bootstrapToken raced by two clients: exactly one wins', async () => {
    const ctx = await open();
    try {
      const other = await ctx.another();
      for (let round = 0; round < 20; round++) {
        await ctx.backend.redis.del(keys.tokens());
        const [a, b] = await Promise.all([
          ctx.store.bootstrapToken(token('a'.repeat(64), { role: 'admin' })),
          other.store.bootstrapToken(token('b'.repeat(64), { role: 'admin' })),
        ]);
        assert.equal(Number(a) + Number(b), 1, `round ${round}: one winner`);
        assert.equal((await ctx.store.listTokens()).length, 1);
      }
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('redis store: layout', () => {
  it('a stale epoch writes nothing at all', async () => {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      await ctx.store.applyCheckIn(APP, epoch, change('m1', { counterPrefixes: ['all'], history: [entry(T0)] }), T0);
      await ctx.store.promoteChannel(channel('stable', '3033.2.0'), activity());
      const { redis } = ctx.backend;
      const dump = async () => {
        const names = (await redis.keys('*')).sort();
        return Promise.all(names.map(async (k) => [k, (await redis.dumpBuffer(k))?.toString('hex')]));
      };
      const before = await dump();
      const stale = change('m2', {
        status: { to: 'error', unlessIn: [] },
        error: { code: 1, name: 'x' },
        counterPrefixes: ['all'],
        history: [entry(T0 + 1)],
      });
      assert.deepStrictEqual(await ctx.store.applyCheckIn(APP, epoch, stale, T0 + 1), { applied: false, reason: 'stale-config' });
      assert.deepStrictEqual(await ctx.store.applyCheckIn(APP, epoch, { ...stale, machineId: 'm1' }, T0 + 1), {
        applied: false,
        reason: 'stale-config',
      });
      assert.deepStrictEqual(await dump(), before, 'every key byte-identical');
    } finally {
      await ctx.cleanup();
    }
  });

  it('a grant held by its group limits writes nothing at all, whatever the limit', async () => {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      const limits: GrantLimits = { group: 'stable', perPeriod: { count: 2, periodMs: 1000 }, maxInProgress: 1, safeModeBucket: 'g/stable/3100.0.0|complete' };
      const grant = (m: string, l: Partial<GrantLimits>, at: number) =>
        ctx.store.applyCheckIn(APP, epoch, change(m, { status: { to: 'granted', unlessIn: [] }, targetVersion: '3100.0.0', counterPrefixes: ['all'], history: [entry(at)], grantLimits: { ...limits, ...l } }), at);
      assert.equal((await grant('m1', {}, T0)).applied, true);
      assert.equal((await grant('m0', { maxInProgress: 2, safeModeBucket: null }, T0)).applied, true);
      await ctx.store.applyCheckIn(APP, epoch, change('m2', { counterPrefixes: ['all'], history: [entry(T0)] }), T0);
      const { redis } = ctx.backend;
      const dump = async () => {
        const names = (await redis.keys('*')).sort();
        return Promise.all(names.map(async (k) => [k, (await redis.dumpBuffer(k))?.toString('hex')]));
      };
      const before = await dump();
      const cases: [Partial<GrantLimits>, string][] = [[{}, 'safe-mode'], [{ safeModeBucket: null }, 'rate-limit'], [{ safeModeBucket: null, perPeriod: null }, 'in-progress-limit']];
      for (const [l, hold] of cases) {
        for (const m of ['m2', 'm3']) assert.deepStrictEqual(await grant(m, l, T0 + 1), { applied: false, reason: 'held', hold }, `${m}: ${hold}`);
      }
      assert.deepStrictEqual(await dump(), before, 'every key byte-identical');
    } finally {
      await ctx.cleanup();
    }
  });

  it('a check-in is one command on the wire (one round trip)', async () => {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      const full = change('m1', {
        status: { to: 'granted', unlessIn: ['installed'] },
        targetVersion: '3100.0.0',
        counterPrefixes: ['c/stable/3033.2.0', 'g/stable/3033.2.0'],
        history: [entry(T0), entry(T0 + 1, { kind: 'grant', version: '3100.0.0', status: 'granted' })],
      });
      await ctx.store.applyCheckIn(APP, epoch, full, T0); // loads the script on this connection
      const { redis } = ctx.backend;
      const sent: string[] = [];
      const original = redis.sendCommand.bind(redis);
      redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
        sent.push(command.name);
        return (original as (...a: unknown[]) => unknown)(command, ...rest);
      }) as typeof redis.sendCommand;
      try {
        await ctx.store.applyCheckIn(APP, epoch, { ...full, status: { to: 'downloading', unlessIn: [] } }, T0 + 5);
        await ctx.store.applyCheckIn(APP, epoch, { ...full, machineId: 'm2' }, T0 + 6);
      } finally {
        redis.sendCommand = original;
      }
      assert.deepStrictEqual(sent, ['evalsha', 'evalsha']);
    } finally {
      await ctx.cleanup();
    }
  });

  it("an app's keys share its hash tag; everything carries the prefix", async () => {
    const ctx = await open();
    try {
      await seeded(ctx.store);
      await ctx.store.createApp(app(OTHER_APP), activity(OTHER_APP));
      await ctx.store.promoteChannel(channel('stable', '3033.2.0'), activity());
      await ctx.store.putTrackGroup(group('g1', 'stable'), activity());
      assert.equal(await ctx.store.pullPackage(pulled('3033.2.0'), activity()), 'pulled');
      const { epoch } = (await ctx.store.loadAppConfig(APP))!;
      const res = await ctx.store.applyCheckIn(APP, epoch, change('m1', { counterPrefixes: ['all'], history: [entry(T0)] }), T0);
      assert.equal(res.applied, true);
      await ctx.store.addToken(token('c'.repeat(64)));
      const names = await ctx.backend.redis.keys('*');
      const global = new Set([keys.apps(), keys.tokens()]);
      for (const k of names) {
        assert.ok(k.startsWith(`${PREFIX}:`), k);
        if (!global.has(k)) assert.match(k, /^ptest:\{app:[0-9a-f-]+\}:/, k);
      }
      const appKeys = names.filter((k) => k.includes(`{app:${APP}}`));
      assert.equal(appKeys.length, 12, `expected the app's keys, got ${appKeys}`);
    } finally {
      await ctx.cleanup();
    }
  });

  it('a channel stored before floors, downgrades and rollouts reads with CHANNEL_DEFAULTS', async () => {
    const ctx = await open();
    try {
      await seeded(ctx.store);
      const old = { name: 'stable', version: '3033.2.0', updatedAt: T0, updatedBy: 'alice' };
      await ctx.backend.redis.hset(keys.channels(APP), 'stable', JSON.stringify(old));
      assert.deepStrictEqual(await ctx.store.getChannel(APP, 'stable'), { appId: APP, ...old, ...CHANNEL_DEFAULTS });
      assert.deepStrictEqual(await ctx.store.getChannel(APP, 'stable'), channel('stable', '3033.2.0'));
      assert.deepStrictEqual((await ctx.store.loadAppConfig(APP))!.pulled, [], 'no pulled hash: none pulled');
    } finally {
      await ctx.cleanup();
    }
  });

  it('an instance is a compact listpack hash, its history a short list of short strings', async () => {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      await ctx.store.applyCheckIn(
        APP,
        epoch,
        change('0f6e8c1c7a1e4c6f9a7b3f1e2d4c5b6a', { counterPrefixes: ['all', 'grp:stable'], history: [entry(T0)] }),
        T0,
      );
      const { redis } = ctx.backend;
      const inst = keys.instance(APP, '0f6e8c1c7a1e4c6f9a7b3f1e2d4c5b6a');
      assert.equal(await redis.object('ENCODING', inst), 'listpack');
      const fields = await redis.hgetall(inst);
      assert.ok(!('tv' in fields) && !('ec' in fields) && !('en' in fields), 'defaults are not stored');
      const [stored] = await redis.lrange(keys.history(APP, '0f6e8c1c7a1e4c6f9a7b3f1e2d4c5b6a'), 0, 0);
      assert.ok(stored!.length < 60, `history entry is compact: ${stored}`);
    } finally {
      await ctx.cleanup();
    }
  });

  it('paging walks ties in byte order (mixed case) and past long runs of equal lastCheck', async () => {
    const ctx = await open();
    try {
      const epoch = await seeded(ctx.store);
      const ids = ['a', 'B', 'c', 'D', '_', 'Z9', 'z', ...Array.from({ length: 243 }, (_, i) => `t${String(i).padStart(3, '0')}`)];
      await Promise.all(ids.map((m) => ctx.store.applyCheckIn(APP, epoch, change(m), T0 + 5)));
      await ctx.store.applyCheckIn(APP, epoch, change('newest'), T0 + 9);
      await ctx.store.applyCheckIn(APP, epoch, change('oldest'), T0 + 1);
      for (const limit of [1, 7, 100]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.store.listInstances(APP, { limit, cursor });
          seen.push(...page.items.map((i) => i.machineId));
          cursor = page.next ?? undefined;
        } while (cursor);
        assert.equal(seen.length, ids.length + 2, `limit ${limit}`);
        assert.equal(new Set(seen).size, seen.length, `limit ${limit}: no duplicates`);
        assert.equal(seen[0], 'newest');
        assert.equal(seen.at(-1), 'oldest');
      }
    } finally {
      await ctx.cleanup();
    }
  });

  it('Lua scripts are named <name>-<numKeys>.lua and document every KEYS and ARGV they use', () => {
    const dir = fileURLToPath(new URL('../../server/store/redis/lua', import.meta.url));
    assert.ok(assertLuaScriptsDocumented(dir).length >= 8);
  });
});

describe('redis store: durability', () => {
  let srv: TestRedis;
  before(async () => {
    srv = await startRedis({ appendonly: true });
  });
  after(async () => {
    await srv.cleanup();
  });

  it('release data, instances and tokens survive a restart with appendonly on', async () => {
    let c = await connect(srv.url);
    const epoch = await seeded(c.store);
    await c.store.promoteChannel(channel('stable', '3033.2.0'), activity());
    await c.store.putTrackGroup(group('g1', 'stable'), activity());
    const rolledOut = channel('stable', '3033.2.0', { floors: ['3033.1.0'], allowDowngrade: true, rollout: haltedRollout() });
    assert.equal(await c.store.writeChannel(rolledOut, null, [activity(APP, { kind: 'rollout-changed' })]), 'written');
    assert.equal(await c.store.pullPackage(pulled('3033.2.0'), activity(APP, { kind: 'package-pulled' })), 'pulled');
    const current = (await c.store.loadAppConfig(APP))!;
    assert.deepStrictEqual([current.channels, current.pulled], [[rolledOut], [pulled('3033.2.0')]]);
    await c.store.applyCheckIn(APP, current.epoch, change('m1', { counterPrefixes: ['all'], history: [entry(T0)] }), T0);
    await c.store.addToken(token('e'.repeat(64), { role: 'admin' }));
    assert.ok(current.epoch > epoch);
    const snapshot = {
      config: current,
      instance: await c.store.getInstance(APP, 'm1'),
      history: await c.store.getHistory(APP, 'm1', 10),
      counters: await c.store.counters(APP),
      tokens: await c.store.listTokens(),
      activity: await c.store.listActivity(APP, 100),
      apps: await c.store.listApps(),
    };
    const old = c;
    await srv.restart();
    c = await connect(srv.url);
    try {
      assert.deepStrictEqual(
        {
          config: await c.store.loadAppConfig(APP),
          instance: await c.store.getInstance(APP, 'm1'),
          history: await c.store.getHistory(APP, 'm1', 10),
          counters: await c.store.counters(APP),
          tokens: await c.store.listTokens(),
          activity: await c.store.listActivity(APP, 100),
          apps: await c.store.listApps(),
        },
        snapshot,
      );
      // The restarted server has no scripts cached: both a new connection and the one that lived
      // through the restart get them loaded again (ioredis handles NOSCRIPT).
      const res = await c.store.applyCheckIn(APP, current.epoch, change('m1', { counterPrefixes: ['all'] }), T0 + 1);
      assert.deepStrictEqual(res, { applied: true, previousStatus: 'idle', status: 'idle' });
      if (old.backend.redis.status !== 'ready') await new Promise((resolve) => old.backend.redis.once('ready', resolve));
      const again = await old.store.applyCheckIn(APP, current.epoch, change('m2', { counterPrefixes: ['all'] }), T0 + 2);
      assert.deepStrictEqual(again, { applied: true, previousStatus: null, status: 'idle' });
      assert.deepStrictEqual(await c.store.counters(APP), { 'all|idle': 2 });
    } finally {
      for (const x of [c, old]) {
        await x.store.close();
        await closeBackend(x.backend);
      }
    }
  });
});
