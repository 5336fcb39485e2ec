// One migration runner for every SQLite table: the update server's and the coordinator's sets on a
// fresh file, on data directories written by earlier layouts (fixtures/layout-*.sql, dumps of what
// those commits wrote), on a file from a newer Platte, and run again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { closeBackend, openEmbeddedBackend, openMemoryBackend, type Backend } from '../../kernel/storage/backend.ts';
import { runMigrations, SchemaTooNewError, type MigrationSet } from '../../kernel/storage/sqlite/migrations.ts';
import { createEmbeddedSlotStore } from '../../coordinator/store/embedded/index.ts';
import { migrate as migrateSlots } from '../../coordinator/store/embedded/schema.ts';
import { DEFAULT_STORE_OPTIONS, type SlotStore } from '../../coordinator/store/types.ts';
import { createEmbeddedStore } from '../../server/store/embedded/index.ts';
import { migrate as migrateServer, MIGRATIONS as SERVER_MIGRATIONS, SCHEMA_VERSION } from '../../server/store/embedded/schema.ts';
import type { Store } from '../../server/store/types.ts';
import { APP, app, channel, entry, group, newInstance, pkg, T0, token } from './fixtures/records.ts';

type Embedded = Extract<Backend, { kind: 'embedded' }>;

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DAY = 86_400_000;
const LATEST = [
  { component: 'coordinator', version: 1 },
  { component: 'coordinator', version: 2 },
  // Every server migration, in order (several releases add theirs at once).
  ...SERVER_MIGRATIONS.map((m) => ({ component: 'server', version: m.version })),
];

const slotOptions = {
  ...DEFAULT_STORE_OPTIONS,
  createUnknownGroups: true,
  defaults: { max: 1, leaseSeconds: 3600, leasePolicy: 'hold' as const },
};

interface Opened {
  backend: Embedded;
  store: Store;
  slots: SlotStore;
  done(): Promise<void>;
}

/** Opens both stores on `dir` the way createPlatte does (server first), or the coordinator first. */
function openBoth(dir: string, order: 'server-first' | 'coordinator-first' = 'server-first'): Opened {
  const backend = openEmbeddedBackend(dir) as Embedded;
  let store: Store;
  let slots: SlotStore;
  if (order === 'server-first') {
    store = createEmbeddedStore(backend);
    slots = createEmbeddedSlotStore(backend.db, slotOptions);
  } else {
    slots = createEmbeddedSlotStore(backend.db, slotOptions);
    store = createEmbeddedStore(backend);
  }
  return {
    backend,
    store,
    slots,
    async done() {
      await store.close();
      await closeBackend(backend);
    },
  };
}

/** Writes a fixture dump as `dir`'s platte.db, as that commit's Platte left it. */
function loadFixture(dir: string, name: string): void {
  const db = new Database(path.join(dir, 'platte.db'));
  db.exec(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  db.close();
}

function ledger(db: Database.Database) {
  return db.prepare('SELECT component, version FROM schema_migrations ORDER BY component, version').all();
}

/** Every table's columns, strictness and rowid-ness, and every index: what a layout is made of. */
function layout(db: Database.Database) {
  const tables = db
    .prepare("SELECT name, strict, wr FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return {
    tables: tables.map((t) => ({
      ...t,
      columns: db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid').all(t.name),
    })),
    indexes: db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all(),
  };
}

function freshLayout() {
  const backend = openMemoryBackend() as Embedded;
  createEmbeddedStore(backend);
  createEmbeddedSlotStore(backend.db, slotOptions);
  const out = layout(backend.db);
  backend.db.close();
  return out;
}

/** What the fixtures hold (tests/store/fixtures/layout-*.sql), read back through the stores. */
async function assertFixtureData({ store, slots }: Opened): Promise<void> {
  assert.deepStrictEqual(await store.getApp(APP), app());
  assert.deepStrictEqual(await store.listPackages(APP), [pkg('3100.0.0')]);
  assert.deepStrictEqual(await store.getChannel(APP, 'stable'), channel('stable', '3100.0.0'));
  assert.deepStrictEqual(await store.listTrackGroups(APP), [group('g1', 'stable')]);
  assert.equal((await store.listActivity(APP, 10)).length, 4);
  assert.deepStrictEqual(await store.findToken('f'.repeat(64)), token('f'.repeat(64), { role: 'admin' }));
  assert.deepStrictEqual(await store.getInstance(APP, 'm1'), newInstance('m1', T0, { status: 'granted', targetVersion: '3100.0.0' }));
  assert.deepStrictEqual(await store.getHistory(APP, 'm1', 10), [entry(T0)]);
  assert.deepStrictEqual(await store.counters(APP), { 'all|granted': 1 });

  const snap = await slots.read('workers', { historyLimit: 10, waitingSince: 0 });
  assert.ok(snap);
  assert.equal(snap.config.max, 2);
  assert.equal(snap.config.leaseSeconds, 600);
  assert.equal(snap.lastFencingToken, 2);
  assert.deepStrictEqual(snap.holders, [
    { id: 'm1', fencingToken: 1, since: T0 + 1000, leaseUntil: T0 + 601_000, expiredAt: null },
    { id: 'm2', fencingToken: 2, since: T0 + 2000, leaseUntil: T0 + 602_000, expiredAt: null },
  ]);
  assert.deepStrictEqual(snap.history.map((e) => e.event), ['grant', 'grant', 'configure', 'create']);
  assert.deepStrictEqual(snap.waiting, [{ id: 'm3', lastSeen: T0 + 3000, reason: 'full' }]);
  assert.deepStrictEqual(await slots.listGroups(), ['default', 'workers']);
  assert.deepStrictEqual(await slots.groupsHeldBy('m1'), ['workers']);
  assert.deepStrictEqual(await slots.targetsOf(['m1'], T0 + 1000), new Map([['m1', '3100.0.0']]));
}

/** The tables keep working after the migration: old rows are written, the auto-group columns are used. */
async function assertStillWorks({ store, slots }: Opened): Promise<void> {
  const epoch = (await store.loadAppConfig(APP))!.epoch;
  await store.addPackage(pkg('3200.0.0'), { at: T0, appId: APP, kind: 'package-added', actor: 'admin', message: 'added', data: {} });
  assert.ok((await store.loadAppConfig(APP))!.epoch > epoch, 'a release write moves the persisted epoch');
  const full = await slots.acquire('workers', 'm3', T0 + 10_000);
  assert.equal(full.result.kind, 'full');
  assert.equal((await slots.release('workers', 'm1', T0 + 11_000, { event: 'release', by: 'node' })).kind, 'released');
  const granted = await slots.acquire('workers', 'm3', T0 + 12_000);
  assert.equal(granted.result.kind === 'granted' && granted.result.holder.fencingToken, 3, 'the fencing token goes on from the old fence');
  const fresh = await slots.acquire('fresh', 'm9', T0 + 13_000);
  assert.equal(fresh.result.kind, 'granted');
  await slots.release('fresh', 'm9', T0 + 14_000, { event: 'release', by: 'node' });
}

describe('SQLite migrations: one runner, a set per component', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-migrations-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives a fresh database both sets, each version recorded under its component', async () => {
    const opened = openBoth(dir);
    try {
      assert.deepStrictEqual(ledger(opened.backend.db), LATEST);
      const names = opened.backend.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      for (const t of ['apps', 'instances', 'tokens', 'slot_groups', 'slot_holders', 'slot_targets']) assert.ok(names.includes(t), t);
      assert.ok(!names.includes('schema_migrations_legacy'));
    } finally {
      await opened.done();
    }
  });

  const layouts = [
    { fixture: 'layout-ebbbd4f.sql', what: 'before groups created on first use were tracked', forgotten: ['fresh'] },
    // fd1806e tracked them already: its `default` group, idle since T0 + 5 s, is forgotten as well.
    { fixture: 'layout-fd1806e.sql', what: 'with the component-less ledger', forgotten: ['default', 'fresh'] },
  ];
  for (const { fixture, what, forgotten } of layouts) {
    for (const order of ['server-first', 'coordinator-first'] as const) {
      it(`opens a data directory from ${fixture} (${what}), ${order}: data kept, latest versions, layout of a fresh one`, async () => {
        loadFixture(dir, fixture);
        const legacy = new Database(path.join(dir, 'platte.db'));
        const appliedAt = legacy.prepare('SELECT applied_at FROM schema_migrations WHERE version = 1').pluck().get();
        legacy.close();

        const opened = openBoth(dir, order);
        try {
          const { db } = opened.backend;
          assert.deepStrictEqual(ledger(db), LATEST);
          const kept = db.prepare("SELECT name, applied_at FROM schema_migrations WHERE component = 'server' AND version = 1").all();
          assert.deepStrictEqual(kept, [{ name: 'initial', applied_at: appliedAt }], 'the server history is kept');
          assert.deepStrictEqual(layout(db), freshLayout());
          await assertFixtureData(opened);
          await assertStillWorks(opened);
          assert.deepStrictEqual((await opened.slots.forgetIdle(T0 + 14_000 + DAY + 1)).sort(), forgotten);
        } finally {
          await opened.done();
        }

        const again = openBoth(dir);
        try {
          assert.deepStrictEqual(ledger(again.backend.db), LATEST);
          assert.deepStrictEqual((await again.store.listPackages(APP)).map((p) => p.version), ['3100.0.0', '3200.0.0']);
        } finally {
          await again.done();
        }
      });
    }
  }

  it('refuses a database with a coordinator version newer than this build knows, naming it', async () => {
    const first = openBoth(dir);
    first.backend.db
      .prepare('INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)')
      .run('coordinator', 3, 'from the future', T0);
    await first.done();
    const backend = openEmbeddedBackend(dir) as Embedded;
    try {
      createEmbeddedStore(backend); // the server's set is up to date: opens
      assert.throws(
        () => createEmbeddedSlotStore(backend.db, slotOptions),
        (err: unknown) =>
          err instanceof SchemaTooNewError &&
          /coordinator schema is at version 3, newer than this Platte supports \(2\)/.test(err.message),
      );
    } finally {
      await closeBackend(backend);
    }
  });

  it('refuses a component-less ledger from a newer Platte after moving it over', async () => {
    loadFixture(dir, 'layout-fd1806e.sql');
    const db = new Database(path.join(dir, 'platte.db'));
    const future = SCHEMA_VERSION + 1;
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(future, 'from the future', T0);
    db.close();
    const backend = openEmbeddedBackend(dir) as Embedded;
    try {
      const message = new RegExp(`server schema is at version ${future}, newer than this Platte supports \\(${SCHEMA_VERSION}\\)`);
      assert.throws(() => createEmbeddedStore(backend), message);
      assert.deepStrictEqual(ledger(backend.db), [
        { component: 'server', version: 1 },
        { component: 'server', version: future },
      ]);
    } finally {
      await closeBackend(backend);
    }
  });

  it('is a no-op the second time, on the same handle and on another one', async () => {
    const first = openBoth(dir);
    const before = first.backend.db.prepare('SELECT * FROM schema_migrations ORDER BY component, version').all();
    assert.deepStrictEqual(migrateServer(first.backend.db), []);
    assert.deepStrictEqual(migrateSlots(first.backend.db), []);
    createEmbeddedSlotStore(first.backend.db, slotOptions);
    await first.done();
    const second = openBoth(dir);
    try {
      const after = second.backend.db.prepare('SELECT * FROM schema_migrations ORDER BY component, version').all();
      assert.deepStrictEqual(after, before);
    } finally {
      await second.done();
    }
  });
});

describe('the migration runner', () => {
  const db = () => new Database(':memory:');
  const set = (log: string[], fail?: number): MigrationSet => ({
    component: 'demo',
    migrations: [1, 2, 3].map((version) => ({
      version,
      name: `step ${version}`,
      up(d: Database.Database) {
        d.exec(`CREATE TABLE demo_${version} (x INTEGER)`);
        if (version === fail) throw new Error(`step ${version} broke`);
        log.push(`up ${version}`);
      },
    })),
  });

  it('applies missing versions in order, then nothing', () => {
    const d = db();
    const log: string[] = [];
    const demo = set(log);
    assert.deepStrictEqual(runMigrations(d, { ...demo, migrations: demo.migrations.slice(0, 1) }, T0), [1]);
    assert.deepStrictEqual(runMigrations(d, demo, T0), [2, 3]);
    assert.deepStrictEqual(runMigrations(d, demo, T0), []);
    assert.deepStrictEqual(log, ['up 1', 'up 2', 'up 3']);
  });

  it('rolls a failing migration back whole and keeps the ones before it', () => {
    const d = db();
    assert.throws(() => runMigrations(d, set([], 2), T0), /step 2 broke/);
    assert.deepStrictEqual(ledger(d), [{ component: 'demo', version: 1 }]);
    const tables = d.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'demo_%' ORDER BY name").pluck().all();
    assert.deepStrictEqual(tables, ['demo_1']);
    assert.deepStrictEqual(runMigrations(d, set([]), T0), [2, 3], 'the next start applies the rest');
  });

  it('refuses a set not numbered 1, 2, 3…', () => {
    const migrations = set([]).migrations.filter((m) => m.version !== 2);
    assert.throws(() => runMigrations(db(), { component: 'demo', migrations }, T0), /migration 2 is numbered 3/);
  });
});
