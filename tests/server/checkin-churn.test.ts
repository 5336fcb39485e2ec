// Check-ins while the release config keeps changing (issue 8, point 10). The store refuses a
// check-in decided on an old config epoch; the check-in must then be decided again on the newest
// config for as long as the epoch keeps moving, so promotions at a few hundred per second never
// give a node a 503.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { activity } from '../../server/api/activity.ts';
import { ReleaseCache } from '../../server/omaha/release-cache.ts';
import type { AppConfig, ReleaseStore, Store } from '../../server/store/types.ts';
import { readAnswer, ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, STORE_KINDS, seedRelease, startPlatte, type TestPlatte } from '../helpers/platte.ts';
import { CHANNEL_DEFAULTS } from '../../server/domain/types.ts';

const VERSIONS = ['3602.2.0', '3602.3.0'] as const;
const NODES = 8;
const CHECKS_PER_NODE = 40;

for (const kind of STORE_KINDS) {
  describe(`check-ins under promotion churn (${kind} store)`, () => {
    let t: TestPlatte;
    let flips = 0;
    before(async () => {
      t = await startPlatte(kind);
      await seedRelease(t, { versions: ['3510.2.0', ...VERSIONS], channelVersion: VERSIONS[0] });
    });
    after(() => t.close());

    /** Points stable at the other version straight in the store, as another process or the CLI would. */
    async function flip(): Promise<string> {
      const version = VERSIONS[++flips % 2]!;
      const at = Date.now();
      const channel = { appId: FLATCAR, name: 'stable', version, updatedAt: at, updatedBy: 'churn', ...CHANNEL_DEFAULTS };
      const r = await t.platte.store.promoteChannel(channel, activity(FLATCAR, 'channel-promoted', 'churn', at, `stable → ${version}`));
      assert.equal(typeof r, 'object');
      return version;
    }
    const check = (machineid: string) => t.http.post('/v1/update/').set('Content-Type', 'text/xml').send(ueRequest({ machineid }));
    /** The node runs 3510.2.0, older than both: every answer must offer one of the two versions. */
    async function offered(res: { status: number; text: string }): Promise<string> {
      assert.equal(res.status, 200, res.text);
      const app = (await readAnswer(res.text)).apps[0]!;
      assert.equal(app.status, 'ok');
      assert.equal(app.updatecheck, 'ok');
      assert.ok(VERSIONS.includes(app.manifestVersion as (typeof VERSIONS)[number]), `offered ${app.manifestVersion}`);
      return app.manifestVersion!;
    }

    const restores: (() => void)[] = [];
    afterEach(() => {
      for (const undo of restores.splice(0).reverse()) undo();
    });
    /** Wraps a store method for one test. */
    function patch<K extends 'loadAppConfig' | 'applyCheckIn'>(name: K, wrap: (orig: Store[K]) => Store[K]): void {
      const store = t.platte.store;
      const orig = store[name];
      store[name] = wrap(orig.bind(store) as Store[K]);
      restores.push(() => {
        store[name] = orig;
      });
    }

    it('decides again on the newest config however many times in a row the epoch moved', async () => {
      // Each config load is followed by a promotion, so the check-in decided on it is refused: at
      // least 25 refusals in a row (one more when the cached config was used first), then it goes through.
      let churnLeft = 25;
      let refusals = 0;
      patch('loadAppConfig', (load) => async (appId) => {
        const cfg = await load(appId);
        if (churnLeft > 0) {
          churnLeft--;
          await flip();
        }
        return cfg;
      });
      patch('applyCheckIn', (apply) => async (...args) => {
        const r = await apply(...args);
        if (!r.applied) refusals++;
        return r;
      });
      await flip(); // a config this process may have cached is stale too
      const version = await offered(await check('d1'.repeat(16)));
      assert.equal(churnLeft, 0);
      assert.ok(refusals >= 25 && refusals <= 26, `${refusals} refusals`);
      // What was offered (and recorded) is where the channel points now.
      assert.equal(version, (await t.platte.store.getChannel(FLATCAR, 'stable'))!.version);
      assert.equal((await t.platte.store.getInstance(FLATCAR, 'd1'.repeat(16)))!.targetVersion, version);
    });

    it('gives up at once (503) when the store refuses an epoch it still reports', async () => {
      let tries = 0;
      patch('applyCheckIn', () => async () => {
        tries++;
        return { applied: false, reason: 'stale-config' };
      });
      const res = await check('d2'.repeat(16));
      assert.equal(res.status, 503);
      assert.ok(tries <= 2, `${tries} tries`);
    });

    it('answers every check-in with an update while promotions churn, never 503', async () => {
      let running = true;
      let promotions = 0;
      // About one promotion per millisecond timer tick (a few hundred per second on a busy machine).
      const promoter = (async () => {
        while (running) {
          await flip();
          promotions++;
          await sleep(1);
        }
      })();
      const answers: { status: number; text: string }[] = [];
      try {
        await Promise.all(
          Array.from({ length: NODES }, async (_, n) => {
            for (let i = 0; i < CHECKS_PER_NODE; i++) {
              const res = await check(`${n.toString(16)}${i.toString(16).padStart(2, '0')}`.padEnd(32, 'c'));
              answers.push({ status: res.status, text: res.text });
            }
          }),
        );
      } finally {
        running = false;
        await promoter;
      }
      assert.ok(promotions > NODES, `only ${promotions} promotions`);
      const failed = answers.filter((a) => a.status !== 200);
      assert.deepEqual(failed.slice(0, 3), [], `${failed.length} of ${answers.length} check-ins failed`);
      for (const a of answers) await offered(a);
    });
  });
}

describe('ReleaseCache', () => {
  /** A release store whose loads the test answers one by one. */
  function fakeStore() {
    const waiting: ((cfg: AppConfig) => void)[] = [];
    const store = {
      loadAppConfig: () => new Promise<AppConfig | null>((resolve) => waiting.push(resolve)),
    } as unknown as ReleaseStore;
    const config = (epoch: number) => ({ epoch, app: { id: 'a', name: 'A', createdAt: 0 }, channels: [], groups: [], packages: [], pulled: [], canaries: [] }) as AppConfig;
    return { store, waiting, config };
  }

  it('after a refusal, does not reuse a load that started before it and reads the old epoch', async () => {
    const { store, waiting, config } = fakeStore();
    const cache = new ReleaseCache(store, () => 0);
    const first = cache.get('a'); // in flight; will read epoch 5
    const newer = cache.newerThan('a', 5); // the store just refused epoch 5
    waiting.shift()!(config(5));
    assert.equal((await first)!.config.epoch, 5);
    await new Promise((r) => setImmediate(r));
    assert.equal(waiting.length, 1, 'a second load was started');
    waiting.shift()!(config(6));
    assert.equal((await newer)!.config.epoch, 6);
    // Later refusals of epoch 5 use the cached newer entry without a store trip.
    assert.equal((await cache.newerThan('a', 5))!.config.epoch, 6);
    assert.equal(waiting.length, 0);
  });

  it('does not keep what a load in flight read before an invalidation', async () => {
    const { store, waiting, config } = fakeStore();
    const cache = new ReleaseCache(store, () => 0);
    const before = cache.get('a');
    cache.invalidate('a'); // this process just promoted
    const afterWrite = cache.get('a');
    assert.equal(waiting.length, 2, 'the load after the write does not join the older one');
    waiting[0]!(config(1));
    waiting[1]!(config(2));
    assert.equal((await before)!.config.epoch, 1);
    assert.equal((await afterWrite)!.config.epoch, 2);
    assert.equal((await cache.get('a'))!.config.epoch, 2);
    assert.equal(waiting.length, 2, 'served from the cache');
  });
});
