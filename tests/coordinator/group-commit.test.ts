// Group commit on SQLite: one transaction for the operations of one event-loop turn, each its own
// savepoint, each caller answered after the commit.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { createGroupCommit } from '../../kernel/storage/sqlite/group-commit.ts';

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  const put = db.transaction((k: string, v: number) => {
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(k, v);
    if (v < 0) throw new Error(`negative ${k}`);
    return v;
  });
  const batch = createGroupCommit(db);
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { db, put, batch, count };
}

it('concurrent operations share one transaction and see each other in order', async () => {
  const { db, put, batch, count } = setup();
  let inTx = 0;
  const res = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      batch(() => {
        if (db.inTransaction) inTx++;
        return put(`k${i}`, i);
      }),
    ),
  );
  assert.deepStrictEqual(res, Array.from({ length: 50 }, (_, i) => i));
  assert.equal(inTx, 50);
  assert.equal(count(), 50);
});

it('an operation that throws is rolled back alone and only its caller sees the error', async () => {
  const { put, batch, count, db } = setup();
  const results = await Promise.allSettled([batch(() => put('a', 1)), batch(() => put('b', -1)), batch(() => put('c', 3))]);
  assert.deepStrictEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /negative b/);
  assert.equal(count(), 2);
  assert.equal(db.prepare('SELECT v FROM t WHERE k = ?').get('b'), undefined);
});

it('a later turn starts a new batch', async () => {
  const { put, batch, count } = setup();
  await batch(() => put('a', 1));
  await batch(() => put('b', 2));
  assert.equal(count(), 2);
});
