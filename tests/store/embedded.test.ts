// The embedded (SQLite) store: the shared contract on an in-memory and a file database, plus what
// only a file can prove: data survives a clean restart and a kill -9 of the writing process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeBackend, openEmbeddedBackend, openMemoryBackend, type Backend } from '../../server/store/backend.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { durableWriter } from '../../server/store/embedded/durable.ts';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../server/store/embedded/schema.ts';
import type { Store } from '../../server/store/types.ts';
import { runStoreContract } from './contract.ts';
import { activity, APP, app, change, channel, entry, group, newInstance, pkg, T0, token } from './fixtures/records.ts';

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
  await store.promoteChannel(channel('stable', '3100.0.0'), activity(APP, { kind: 'channel-promoted' }));
  await store.putGroup(group('g1', 'stable'), activity(APP, { kind: 'group-changed' }));
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
  assert.deepStrictEqual(await store.listGroups(APP), [group('g1', 'stable')]);
  assert.equal((await store.listActivity(APP, 10)).length, 4);
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
    assert.ok(fs.existsSync(path.join(dir, 'platte.db-wal')), 'killed before any checkpoint on close');

    const reopened = openFile(dir);
    try {
      const store = reopened.store;
      const cfg = await store.loadAppConfig(APP);
      assert.ok(cfg, 'the app survived');
      assert.deepStrictEqual(cfg.packages, [pkg('3100.0.0')]);
      assert.deepStrictEqual(cfg.channels, [channel('stable', '3100.0.0')]);
      assert.deepStrictEqual(cfg.groups, [group('g1', 'stable')]);
      assert.equal(cfg.epoch, 4);
      assert.equal((await store.listActivity(APP, 10)).length, 4);
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
      const rows = second.backend.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      assert.deepStrictEqual(rows, MIGRATIONS.map((m) => m.version));
    } finally {
      await second.done();
    }
  });

  it('refuses a database written by a newer Platte', async () => {
    const first = openFile(dir);
    first.backend.db
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
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
