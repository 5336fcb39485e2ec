// The captured locksmithctl session against a real etcd, replayed against Platte on both stores:
// the same requests in the same order (answers the proxy made up itself are left out; where the
// proxy slipped in a concurrent write, the test makes a change that leaves the document as it was,
// as the proxy's write did). Each answer must equal etcd's in status, body shape and what the client
// reads: node.key, the document in node.value, errorCode and message, and indexes that move where
// etcd's moved. Index numbers are Platte's own (per group), so a CAS carries the index Platte
// answered where etcd answered the captured one, as locksmith would.
// The capture has no credentials (that etcd had no auth); against Platte, set-max needs an operator
// token, so every request carries one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyPath } from '../../coordinator/etcd/keys.ts';
import { onBothStores, TOKENS } from '../coordinator/helpers.ts';
import { readCapture, type Exchange } from './capture.ts';
import { basic, serve } from './helpers.ts';

interface NodeBody {
  key: string;
  value: string;
  modifiedIndex: number;
  createdIndex: number;
}

const AUTH = basic('locksmithctl', TOKENS.release);

/** The document as locksmith's Go client reads it: a null holders list and an empty one are the same. */
function documentOf(value: string): { semaphore: number; max: number; holders: string[] } {
  const d = JSON.parse(value) as { semaphore: number; max: number; holders: string[] | null };
  return { semaphore: d.semaphore, max: d.max, holders: d.holders ?? [] };
}

onBothStores('cap', (kind, withPlatte) => {
  describe(`the locksmithctl capture replayed (${kind} store)`, () => {
    it('every answer matches etcd in status, shape and what locksmith reads', withPlatte(async (t) => {
      const s = await serve(t);
      const exchanges = readCapture();
      /** etcd's index of a key → Platte's, learned from answers to the same request. */
      const indexes = new Map<string, number>();
      const mapped = (key: string, etcdIndex: number) => {
        const ours = indexes.get(`${key}@${etcdIndex}`);
        assert.ok(ours !== undefined, `etcd index ${etcdIndex} of ${key} was answered before`);
        return ours;
      };
      const learn = (ex: Exchange, theirs: NodeBody, ours: NodeBody) => {
        const k = `${theirs.key}@${theirs.modifiedIndex}`;
        const known = indexes.get(k);
        if (known === undefined) indexes.set(k, ours.modifiedIndex);
        else assert.equal(ours.modifiedIndex, known, `#${ex.n}: the same document has the same index`);
      };
      const compareNode = (ex: Exchange, theirs: NodeBody, ours: NodeBody) => {
        assert.deepStrictEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `#${ex.n}: node fields`);
        assert.equal(ours.key, theirs.key, `#${ex.n}: node.key`);
        assert.deepStrictEqual(documentOf(ours.value), documentOf(theirs.value), `#${ex.n} (${ex.step}): node.value`);
        assert.ok(Number.isSafeInteger(ours.modifiedIndex) && ours.modifiedIndex > 0, `#${ex.n}: modifiedIndex is never 0`);
        assert.ok(ours.createdIndex >= 1 && ours.createdIndex <= ours.modifiedIndex, `#${ex.n}: createdIndex`);
        learn(ex, theirs, ours);
      };

      let replayed = 0;
      try {
        for (const ex of exchanges) {
          if (ex.proxy === 'made-up') continue;
          const path = ex.target.split('?')[0] as string;
          const target = parseKeyPath(path, 'default');
          assert.equal(target.kind, 'semaphore', `#${ex.n}: a semaphore key`);
          if (target.kind !== 'semaphore') continue;
          const prev = /prevIndex=(\d+)/.exec(ex.target);
          const sent = prev ? ex.target.replace(prev[0], `prevIndex=${mapped(target.key, Number(prev[1]))}`) : ex.target;
          if (ex.proxy === 'race') {
            // The proxy wrote the same value again: a change that leaves the document as it is.
            const state = await t.platte.coordinator.service.slotState(target.group);
            await t.platte.coordinator.service.configure(target.group, { max: state!.max }, 'proxy', false);
          }
          const headers: Record<string, string> = { authorization: AUTH };
          const type = ex.headers.get('content-type');
          if (type) headers['content-type'] = type;
          const ours = await s.raw(ex.method, sent, ex.body, headers);
          const theirs = JSON.parse(ex.responseBody) as Record<string, unknown>;
          const where = `#${ex.n} ${ex.method} ${ex.target} (${ex.step})`;
          assert.equal(ours.status, ex.status, `${where}: status; ours ${JSON.stringify(ours.body)}`);
          assert.equal(ours.headers['content-type'], 'application/json', `${where}: content type`);
          assert.match(String(ours.headers['x-etcd-index']), /^\d+$/, `${where}: X-Etcd-Index`);
          assert.deepStrictEqual(Object.keys(ours.body).sort(), Object.keys(theirs).sort(), `${where}: body fields`);
          if ('action' in theirs) {
            assert.equal(ours.body.action, theirs.action, where);
            compareNode(ex, theirs.node as NodeBody, ours.body.node as NodeBody);
            if (theirs.prevNode) compareNode(ex, theirs.prevNode as NodeBody, ours.body.prevNode as NodeBody);
          } else {
            assert.equal(ours.body.errorCode, theirs.errorCode, where);
            assert.equal(ours.body.message, theirs.message, where);
            if (theirs.errorCode === 105) assert.equal(ours.body.cause, theirs.cause, `${where}: cause names the key`);
            if (theirs.errorCode === 101) {
              const current = (await t.platte.coordinator.service.slotState(target.group))!.revision;
              assert.equal(ours.body.cause, `[${mapped(target.key, Number(prev![1]))} != ${current}]`, `${where}: etcd's cause`);
              assert.equal(ours.body.index, current);
            }
          }
          replayed++;
        }
      } finally {
        await s.close();
      }
      assert.equal(replayed, exchanges.filter((e) => e.proxy !== 'made-up').length);
      assert.ok(replayed >= 90, `the whole capture (${replayed} exchanges)`);
      // The capture ends with every slot given back: so does Platte, and the history says who.
      const view = await t.platte.coordinator.service.view('default', 100);
      assert.deepStrictEqual(view?.holders, []);
      assert.deepStrictEqual(
        (await t.platte.coordinator.service.list()).map((g) => [g.group, g.max, g.holders.length]),
        [['default', 1, 0], ['web eu/1+é%', 1, 0], ['web-eu', 3, 0]],
      );
    }));
  });
});
