// The embedded (SQLite) store: the shared contract on an in-memory and a file database, plus what
// only a file can prove: data survives a clean restart and a kill -9 of the writing process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeBackend, openEmbeddedBackend, openMemoryBackend, type Backend } from '../../kernel/storage/backend.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { durableWriter } from '../../server/store/embedded/durable.ts';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../server/store/embedded/schema.ts';
import type { Store } from '../../server/store/types.ts';
import { runStoreContract } from './contract.ts';
import { activity, APP, app, change, channel, entry, group, newInstance, pkg, pulled, T0, token } from './fixtures/records.ts';
import { haltedRollout } from './fixtures/rollout.ts';

/** Waits until `child` prints "written" (its writes were acknowledged), then kills it with SIGKILL. */
async function killOnceWritten(child: ChildProcessByStdio<null, Readable, Readable>): Promise<void> {
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`child never wrote; stderr: ${stderr}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('written\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`child exited early (${code}); stderr: ${stderr}`));
      });
    });
  } finally {
    child.kill('SIGKILL');
  }
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
}


type Embedded = Extract<Backend, { kind: 'embedded' }>;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'platte-store-'));
}

runStoreContract('embedded (memory)', async () => {
  const backend = openMemoryBackend() as Embedded;
  const store = createEmbeddedStore(backend);
  return {
    store,
    async cleanup() {
      await store.close();
      await closeBackend(backend);
    },
  };
});

runStoreContract('embedded (file)', async () => {
  const dir = tempDir();
  const backend = openEmbeddedBackend(dir) as Embedded;
  const store = createEmbeddedStore(backend);
  return {
    store,
    async cleanup() {
      await store.close();
      await closeBackend(backend);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** Opens the file store in `dir`; `done()` closes store and connection the way a clean stop does. */
function openFile(dir: string) {
  const backend = openEmbeddedBackend(dir) as Embedded;
  const store = createEmbeddedStore(backend);
  return {
    backend,
    store,
    async done() {
      await store.close();
      await closeBackend(backend);
    },
  };
}

/** Writes one of everything; returns the epoch after the release writes. */
async function writeEverything(store: Store): Promise<number> {
  await store.createApp(app(), activity());
  await store.addPackage(pkg('3100.0.0'), activity(APP, { kind: 'package-added' }));
  await store.createChannel(channel('stable', null), activity(APP, { kind: 'channel-created' }));
  await store.promoteChannel(channel('stable', '3100.0.0'), activity(APP, { kind: 'channel-promoted' }));
  await store.putTrackGroup(group('g1', 'stable'), activity(APP, { kind: 'group-changed' }));
  await store.addToken(token('f'.repeat(64), { role: 'admin' }));
  const epoch = (await store.loadAppConfig(APP))!.epoch;
  await store.applyCheckIn(
    APP,
    epoch,
    change('m1', { status: { to: 'granted', unlessIn: [] }, targetVersion: '3100.0.0', history: [entry(T0)], counterPrefixes: ['all'] }),
    T0,
  );
  return epoch;
}

async function assertEverything(store: Store, epoch: number): Promise<void> {
  assert.deepStrictEqual(await store.getApp(APP), app());
  assert.deepStrictEqual(await store.listPackages(APP), [pkg('3100.0.0')]);
  assert.deepStrictEqual(await store.getChannel(APP, 'stable'), channel('stable', '3100.0.0'));
  assert.deepStrictEqual(await store.listTrackGroups(APP), [group('g1', 'stable')]);
  assert.equal((await store.listActivity(APP, 10)).length, 5, 'app, package, channel created, promoted, group');
  assert.deepStrictEqual(await store.findToken('f'.repeat(64)), token('f'.repeat(64), { role: 'admin' }));
  assert.equal((await store.loadAppConfig(APP))!.epoch, epoch, 'the epoch is persisted');
  assert.deepStrictEqual(
    await store.getInstance(APP, 'm1'),
    newInstance('m1', T0, { status: 'granted', targetVersion: '3100.0.0' }),
  );
  assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [entry(T0)]);
  assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 1 });
  assert.equal(await store.countInstances(APP), 1);
  // A check-in built on the persisted epoch is still accepted.
  assert.equal((await store.applyCheckIn(APP, epoch, change('m2'), T0 + 1)).applied, true);
}

describe('embedded store on a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps everything across a clean restart', async () => {
    const first = openFile(dir);
    const epoch = await writeEverything(first.store);
    await first.done();
    const second = openFile(dir);
    try {
      await assertEverything(second.store, epoch);
    } finally {
      await second.done();
    }
  });

  it('keeps channel records (floors, downgrade, rollout) and pulled versions across a clean restart', async () => {
    const first = openFile(dir);
    await writeEverything(first.store);
    await first.store.addPackage(pkg('3200.0.0', 'arm64'), activity(APP, { kind: 'package-added' }));
    const rolledOut = channel('stable', '3200.0.0', { updatedAt: T0 + 5, floors: ['3100.0.0'], allowDowngrade: true, rollout: haltedRollout('3200.0.0', '3100.0.0') });
    const { epoch } = (await first.store.loadAppConfig(APP))!;
    const entries = [activity(APP, { kind: 'channel-promoted', at: T0 + 5 }), activity(APP, { kind: 'rollout-changed', at: T0 + 5 })];
    assert.equal(await first.store.writeChannel(rolledOut, epoch, entries), 'written');
    assert.equal(await first.store.pullPackage(pulled('3100.0.0'), activity(APP, { kind: 'package-pulled' })), 'pulled');
    const before = { config: await first.store.loadAppConfig(APP), activity: await first.store.listActivity(APP, 100) };
    await first.done();

    const second = openFile(dir);
    try {
      const config = await second.store.loadAppConfig(APP);
      assert.deepStrictEqual({ config, activity: await second.store.listActivity(APP, 100) }, before);
      assert.deepStrictEqual(config!.channels, [rolledOut]);
      assert.deepStrictEqual(config!.pulled, [pulled('3100.0.0')]);
      assert.deepStrictEqual(await second.store.listPulled(APP), [pulled('3100.0.0')]);
      assert.equal(await second.store.writeChannel(rolledOut, epoch, []), 'stale', 'the epoch moved and stayed moved');
      assert.equal(await second.store.writeChannel(channel('stable', '3100.0.0'), config!.epoch, []), 'written');
    } finally {
      await second.done();
    }
  });

  it('close() checkpoints the WAL and leaves the connection to closeBackend', async () => {
    const { backend, store, done } = openFile(dir);
    await writeEverything(store);
    const wal = `${backend.file}-wal`;
    assert.ok(fs.statSync(wal).size > 0, 'writes went to the WAL first');
    await store.close();
    assert.equal(fs.statSync(wal).size, 0, 'the WAL was folded into the main file');
    assert.equal(backend.db.open, true, 'the shared connection stays open');
    assert.equal(await store.countInstances(APP), 1, 'and usable');
    await done();
  });

  it('keeps acknowledged writes when the writing process is killed with SIGKILL', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/write-then-hang.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    await killOnceWritten(child);
    assert.ok(fs.existsSync(path.join(dir, 'platte.db-wal')), 'killed before any checkpoint on close');

    const reopened = openFile(dir);
    try {
      const store = reopened.store;
      const cfg = await store.loadAppConfig(APP);
      assert.ok(cfg, 'the app survived');
      assert.deepStrictEqual(cfg.packages, [pkg('3100.0.0')]);
      assert.deepStrictEqual(cfg.channels, [channel('stable', '3100.0.0')]);
      assert.deepStrictEqual(cfg.groups, [group('g1', 'stable')]);
      assert.equal(cfg.epoch, 5, 'app, package, channel created, promoted, group');
      assert.equal((await store.listActivity(APP, 10)).length, 5);
      assert.deepStrictEqual(await store.findToken('f'.repeat(64)), token('f'.repeat(64), { role: 'admin' }));
      assert.deepStrictEqual(await store.getInstance(APP, 'm1'), newInstance('m1', T0));
      assert.deepStrictEqual(await store.counters(APP), { 'all|idle': 1 });
      assert.equal(await store.countInstances(APP), 1);
    } finally {
      await reopened.done();
    }
  });

  it('release writes run with synchronous=FULL and hand NORMAL back to the hot path', async () => {
    const { backend, store, done } = openFile(dir);
    try {
      const level = () => backend.db.pragma('synchronous', { simple: true });
      assert.equal(level(), 1, 'the backend opens with NORMAL');
      assert.equal(durableWriter(backend.db)(level), 2, 'FULL inside a durable write');
      await writeEverything(store);
      assert.equal(level(), 1, 'NORMAL again after release writes');
      await assert.rejects(store.addToken(token('f'.repeat(64))), /UNIQUE/, 'a duplicate token hash is refused');
      assert.equal(level(), 1, 'NORMAL again after a failed durable write');
    } finally {
      await done();
    }
  });

  it('deletes a counter row when it reaches 0 and keeps the instance count in the app row', async () => {
    const { backend, store, done } = openFile(dir);
    try {
      const epoch = await writeEverything(store);
      await store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'installed', unlessIn: [] }, counterPrefixes: ['all'] }), T0 + 1);
      const rows = backend.db.prepare('SELECT bucket, count FROM counters ORDER BY bucket').all();
      assert.deepStrictEqual(rows, [{ bucket: 'all|installed', count: 1 }]);
      await store.pruneInstances(APP, T0 + 10, 10);
      assert.deepStrictEqual(backend.db.prepare('SELECT * FROM counters').all(), []);
      assert.equal(backend.db.prepare('SELECT instance_count FROM apps').pluck().get(), 0);
    } finally {
      await done();
    }
  });

  it('migrates once and records the schema version', async () => {
    const first = openFile(dir);
    await first.done();
    const second = openFile(dir);
    try {
      assert.deepStrictEqual(migrate(second.backend.db), [], 'nothing left to apply');
      const rows = second.backend.db.prepare("SELECT version FROM schema_migrations WHERE component = 'server' ORDER BY version").pluck().all();
      assert.deepStrictEqual(rows, MIGRATIONS.map((m) => m.version));
    } finally {
      await second.done();
    }
  });

  it('refuses a database written by a newer Platte', async () => {
    const first = openFile(dir);
    first.backend.db
      .prepare("INSERT INTO schema_migrations (component, version, name, applied_at) VALUES ('server', ?, ?, ?)")
      .run(SCHEMA_VERSION + 1, 'from the future', T0);
    await first.done();
    const backend = openEmbeddedBackend(dir) as Embedded;
    try {
      assert.throws(() => createEmbeddedStore(backend), /newer than this Platte supports/);
    } finally {
      await closeBackend(backend);
    }
  });
});

describe('group-committed check-ins (one transaction per event-loop turn, a savepoint per call)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** 50 check-ins of one instance, all started in one turn: idle for the first 25, then granted. */
  function fifty(store: Store, epoch: number) {
    return Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.applyCheckIn(
          APP,
          epoch,
          change('m1', {
            status: i < 25 ? null : { to: 'granted', unlessIn: [] },
            history: [entry(T0 + i)],
            counterPrefixes: ['all'],
          }),
          T0 + i,
        ),
      ),
    );
  }

  async function setupApp(store: Store): Promise<number> {
    await store.createApp(app(), activity());
    return (await store.loadAppConfig(APP))!.epoch;
  }

  it('applies concurrent check-ins in arrival order, each seeing the ones before it', async () => {
    const { backend, store, done } = openFile(dir);
    try {
      const epoch = await setupApp(store);
      const pending = fifty(store, epoch);
      assert.equal(backend.db.prepare('SELECT COUNT(*) FROM instances').pluck().get(), 0, 'nothing written before the batch runs');
      const results = await pending;
      assert.deepStrictEqual(results[0], { applied: true, previousStatus: null, status: 'idle' });
      assert.deepStrictEqual(results[1], { applied: true, previousStatus: 'idle', status: 'idle' });
      assert.deepStrictEqual(results[25], { applied: true, previousStatus: 'idle', status: 'granted' });
      assert.deepStrictEqual(results[49], { applied: true, previousStatus: 'granted', status: 'granted' });
      assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [entry(T0 + 49, { repeat: 50 })], 'one folded entry');
      assert.deepStrictEqual(
        await store.getInstance(APP, 'm1'),
        newInstance('m1', T0, { status: 'granted', lastCheck: T0 + 49, statusSince: T0 + 25 }),
      );
      assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 1 });
      assert.equal(await store.countInstances(APP), 1);
    } finally {
      await done();
    }
  });

  it('commits a turn as one transaction: far less WAL than one transaction per check-in', async () => {
    const walAfterFifty = async (sub: string, groupCommit: boolean): Promise<number> => {
      const backend = openEmbeddedBackend(path.join(dir, sub)) as Embedded;
      const store = createEmbeddedStore(backend, { groupCommit });
      try {
        const epoch = await setupApp(store);
        backend.db.pragma('wal_checkpoint(TRUNCATE)');
        await fifty(store, epoch);
        assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [entry(T0 + 49, { repeat: 50 })], 'same result both ways');
        assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 1 });
        return fs.statSync(`${backend.file}-wal`).size;
      } finally {
        await store.close();
        await closeBackend(backend);
      }
    };
    const batched = await walAfterFifty('batched', true);
    const perCall = await walAfterFifty('per-call', false);
    assert.ok(batched * 10 < perCall, `one commit (${batched} B of WAL) instead of 50 (${perCall} B)`);
  });

  it('a failing or stale call in a batch affects only its own caller', async () => {
    const { backend, store, done } = openFile(dir);
    try {
      const epoch = await setupApp(store);
      // Fails AFTER the call inserted its instance and counted it: its savepoint must undo both.
      backend.db.exec(`CREATE TEMP TRIGGER forced_failure BEFORE INSERT ON counters WHEN NEW.bucket = 'boom|idle'
        BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
      const results = await Promise.allSettled([
        store.applyCheckIn(APP, epoch, change('m1', { counterPrefixes: ['all'] }), T0),
        store.applyCheckIn(APP, epoch, change('bad', { counterPrefixes: ['boom'] }), T0 + 1),
        store.applyCheckIn(APP, epoch - 1, change('m3', { counterPrefixes: ['all'] }), T0 + 2),
        store.applyCheckIn(APP, epoch, change('m1', { status: { to: 'granted', unlessIn: [] }, counterPrefixes: ['all'] }), T0 + 3),
        store.applyCheckIn(APP, epoch, change('m4', { counterPrefixes: ['all'] }), T0 + 4),
      ]);
      assert.deepStrictEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      const value = (i: number) => (results[i] as PromiseFulfilledResult<unknown>).value;
      assert.deepStrictEqual(value(0), { applied: true, previousStatus: null, status: 'idle' });
      assert.match(String((results[1] as PromiseRejectedResult).reason), /forced failure/);
      assert.deepStrictEqual(value(2), { applied: false, reason: 'stale-config' });
      assert.deepStrictEqual(value(3), { applied: true, previousStatus: 'idle', status: 'granted' });
      assert.deepStrictEqual(value(4), { applied: true, previousStatus: null, status: 'idle' });
      assert.equal(await store.getInstance(APP, 'bad'), null);
      assert.equal(await store.getInstance(APP, 'm3'), null);
      assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 1, 'all|idle': 1 });
      assert.equal(await store.countInstances(APP), 2);
      assert.equal(backend.db.inTransaction, false);
      // The next turn works as usual.
      assert.equal((await store.applyCheckIn(APP, epoch, change('m5'), T0 + 5)).applied, true);
    } finally {
      await done();
    }
  });

  it('close() commits check-ins still waiting for their batch', async () => {
    const { store, done } = openFile(dir);
    const epoch = await setupApp(store);
    const pending = store.applyCheckIn(APP, epoch, change('m1'), T0);
    await store.close();
    assert.equal((await pending).applied, true);
    await done();
    const reopened = openFile(dir);
    try {
      assert.deepStrictEqual(await reopened.store.getInstance(APP, 'm1'), newInstance('m1', T0));
    } finally {
      await reopened.done();
    }
  });

  it('keeps every check-in of a batch acknowledged before a kill -9', async () => {
    const storeUrl = new URL('../../server/store/embedded/index.ts', import.meta.url).href;
    const backendUrl = new URL('../../kernel/storage/backend.ts', import.meta.url).href;
    const recordsUrl = new URL('./fixtures/records.ts', import.meta.url).href;
    // 40 concurrent check-ins (one batch), "written" once all are answered, then hang until killed.
    const script = `
      const { openEmbeddedBackend } = await import(${JSON.stringify(backendUrl)});
      const { createEmbeddedStore } = await import(${JSON.stringify(storeUrl)});
      const { activity, app, change, T0 } = await import(${JSON.stringify(recordsUrl)});
      const store = createEmbeddedStore(openEmbeddedBackend(${JSON.stringify(dir)}));
      await store.createApp(app(), activity());
      const cfg = await store.loadAppConfig(app().id);
      const res = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        store.applyCheckIn(app().id, cfg.epoch, change('m' + i, { counterPrefixes: ['all'] }), T0 + i)));
      if (!res.every((r) => r.applied)) throw new Error('not applied');
      process.stdout.write('written\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await killOnceWritten(child);
    assert.ok(fs.existsSync(path.join(dir, 'platte.db-wal')), 'killed before any checkpoint on close');
    const reopened = openFile(dir);
    try {
      assert.equal(await reopened.store.countInstances(APP), 40);
      assert.deepStrictEqual(await reopened.store.counters(APP), { 'all|idle': 40 });
      assert.deepStrictEqual(await reopened.store.getInstance(APP, 'm39'), newInstance('m39', T0 + 39));
    } finally {
      await reopened.done();
    }
  });
});
