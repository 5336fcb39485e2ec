// Store contract, continued: channel records written whole (writeChannel: version, floors,
// allowDowngrade and a rollout, optionally a compare-and-set on the app's config epoch) and pulled
// versions (pullPackage, listPulled, loadAppConfig.pulled). Every refusal writes nothing: neither the
// channel nor the epoch nor the activity log moves.
import assert from 'node:assert/strict';
import type { ActivityEntry, ChannelRecord } from '../../server/domain/types.ts';
import { MAX_CANARIES, type Store } from '../../server/store/types.ts';
import { activity, APP, app, channel, OTHER_APP, pkg, pulled, T0 } from './fixtures/records.ts';
import { haltedRollout } from './fixtures/rollout.ts';

type Case = (title: string, fn: (store: Store) => Promise<void>) => void;

const OLD = '3510.2.0';
const FLOOR = '3602.2.0';
const NEW = '3760.1.0';

/** Every field away from its default. */
function rolledOut(over: Partial<ChannelRecord> = {}): ChannelRecord {
  return channel('stable', NEW, {
    updatedAt: T0 + 7,
    updatedBy: 'bob',
    floors: [FLOOR],
    allowDowngrade: true,
    rollout: haltedRollout(NEW, OLD),
    ...over,
  });
}

const changed = (n: number): ActivityEntry => activity(APP, { at: T0 + n, kind: 'rollout-changed', message: `change ${n}`, data: { n } });

/** APP with packages of OLD (amd64), FLOOR (arm64 only) and NEW, and channel `stable` on OLD. */
async function seed(store: Store): Promise<void> {
  assert.equal(await store.createApp(app(), activity()), 'created');
  for (const p of [pkg(OLD), pkg(FLOOR, 'arm64'), pkg(NEW)]) assert.equal(await store.addPackage(p, activity(APP, { kind: 'package-added' })), 'created');
  assert.equal(await store.createChannel(channel('stable', OLD), activity(APP, { kind: 'channel-created' })), 'created');
}

/** What a refused write must leave alone. */
async function snapshot(store: Store) {
  const cfg = await store.loadAppConfig(APP);
  return { cfg, activity: await store.listActivity(APP, 100) };
}

export function channelRecordCases(test: Case): void {
  test('setCanary marks and unmarks machines, bumps the epoch only on a change, caps the number per app', async (store) => {
    await seed(store);
    const mark = (id: string, canary: boolean) => store.setCanary(APP, id, canary, activity(APP, { kind: 'instance-changed', message: id }));
    const epoch = async () => (await store.loadAppConfig(APP))!.epoch;
    const e0 = await epoch();
    assert.equal(await mark('b'.repeat(32), true), 'changed');
    assert.equal(await mark('a'.repeat(32), true), 'changed');
    assert.deepStrictEqual((await store.loadAppConfig(APP))!.canaries, ['a'.repeat(32), 'b'.repeat(32)]);
    const e1 = await epoch();
    assert.ok(e1 > e0);
    assert.equal(await mark('a'.repeat(32), true), 'unchanged');
    assert.equal(await epoch(), e1, 'no change, no new epoch');
    assert.equal(await mark('a'.repeat(32), false), 'changed');
    assert.deepStrictEqual((await store.loadAppConfig(APP))!.canaries, ['b'.repeat(32)]);
    assert.equal(await mark('c'.repeat(32), false), 'unchanged');
    assert.equal(await store.setCanary(OTHER_APP, 'a'.repeat(32), true, activity(OTHER_APP, { kind: 'instance-changed' })), 'no-app');
    for (let i = 1; i < MAX_CANARIES; i++) assert.equal(await mark(`n${i}`, true), 'changed');
    assert.equal(await mark('one-too-many', true), 'too-many');
    assert.equal((await store.loadAppConfig(APP))!.canaries.length, MAX_CANARIES);
  });

  test('writeChannel round-trips every field (floors, allowDowngrade, a rollout) in getChannel, listChannels and loadAppConfig', async (store) => {
    await seed(store);
    const record = rolledOut();
    assert.equal(await store.writeChannel(record, null, [changed(1)]), 'written');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), record);
    assert.deepStrictEqual(await store.listChannels(APP), [record]);
    assert.deepStrictEqual((await store.loadAppConfig(APP))!.channels, [record]);

    // Written whole: the defaults come back as they were.
    const plain = channel('stable', OLD, { updatedAt: T0 + 8 });
    assert.equal(await store.writeChannel(plain, null, [changed(2)]), 'written');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), plain);
  });

  test('createChannel and promoteChannel keep the record’s floors, allowDowngrade and rollout', async (store) => {
    await seed(store);
    const created = rolledOut({ name: 'beta', version: null, rollout: null });
    assert.equal(await store.createChannel(created, activity()), 'created');
    assert.deepStrictEqual(await store.getChannel(APP, 'beta'), created);
    const promoted = rolledOut({ name: 'beta' });
    assert.deepStrictEqual(await store.promoteChannel(promoted, activity()), { previous: null });
    assert.deepStrictEqual(await store.getChannel(APP, 'beta'), promoted);
    assert.deepStrictEqual(await store.promoteChannel(channel('beta', OLD), activity()), { previous: NEW });
    assert.deepStrictEqual(await store.getChannel(APP, 'beta'), channel('beta', OLD));
  });

  test("writeChannel with an epoch is a compare-and-set: 'stale' writes nothing, a write moves the epoch", async (store) => {
    await seed(store);
    const { epoch } = (await store.loadAppConfig(APP))!;
    const before = await snapshot(store);
    for (const stale of [epoch - 1, epoch + 1]) assert.equal(await store.writeChannel(rolledOut(), stale, [changed(1)]), 'stale', `epoch ${stale}`);
    assert.deepStrictEqual(await snapshot(store), before, "'stale' writes nothing");

    assert.equal(await store.writeChannel(rolledOut(), epoch, [changed(2)]), 'written');
    const after = (await store.loadAppConfig(APP))!;
    assert.ok(after.epoch > epoch, 'the epoch grows');
    assert.deepStrictEqual(after.channels, [rolledOut()], 'loadAppConfig shows the new record');

    // The change was decided on `epoch`, which is gone now.
    const again = await snapshot(store);
    assert.equal(await store.writeChannel(rolledOut({ allowDowngrade: false }), epoch, [changed(3)]), 'stale');
    assert.deepStrictEqual(await snapshot(store), again);
    assert.equal(await store.writeChannel(rolledOut({ allowDowngrade: false }), after.epoch, [changed(3)]), 'written');
  });

  test('two writes decided on one epoch: exactly one is written', async (store) => {
    await seed(store);
    const { epoch } = (await store.loadAppConfig(APP))!;
    const a = rolledOut({ updatedBy: 'a' });
    const b = rolledOut({ updatedBy: 'b', floors: [] });
    const results = await Promise.all([store.writeChannel(a, epoch, [changed(1)]), store.writeChannel(b, epoch, [changed(2)])]);
    assert.deepStrictEqual([...results].sort(), ['stale', 'written']);
    const winner = results[0] === 'written' ? a : b;
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), winner);
    assert.equal((await store.listActivity(APP, 1))[0]!.message, results[0] === 'written' ? 'change 1' : 'change 2');
  });

  test("writeChannel: 'no-app', 'no-channel' (never creates one), 'no-package'; each writes nothing", async (store) => {
    assert.equal(await store.writeChannel(rolledOut(), null, [changed(1)]), 'no-app');
    assert.equal(await store.writeChannel(rolledOut(), 1, [changed(1)]), 'no-app');
    await seed(store);
    const before = await snapshot(store);
    assert.equal(await store.writeChannel(rolledOut({ name: 'beta' }), null, [changed(1)]), 'no-channel');
    assert.equal(await store.getChannel(APP, 'beta'), null, "'no-channel' creates no channel");
    assert.equal(await store.writeChannel(rolledOut({ version: '9999.0.0' }), null, [changed(1)]), 'no-package');
    assert.equal(await store.writeChannel(rolledOut({ version: '9999.0.0' }), before.cfg!.epoch, [changed(1)]), 'no-package');
    assert.deepStrictEqual(await snapshot(store), before);

    // A package of any arch is enough, and a channel may point at nothing.
    assert.equal(await store.writeChannel(rolledOut({ version: FLOOR, floors: [] }), null, [changed(2)]), 'written');
    assert.equal(await store.writeChannel(channel('stable', null), null, [changed(3)]), 'written');
    assert.deepStrictEqual(await store.getChannel(APP, 'stable'), channel('stable', null));
  });

  test('writeChannel appends every activity entry in order (newest first when listed), none at all still moves the epoch', async (store) => {
    await seed(store);
    const earlier = await store.listActivity(APP, 100);
    const entries = [changed(1), activity(APP, { at: T0 + 1, kind: 'channel-promoted', message: 'promoted', data: { from: OLD, to: NEW } }), changed(2)];
    assert.equal(await store.writeChannel(rolledOut(), null, entries), 'written');
    assert.deepStrictEqual(await store.listActivity(APP, 100), [...entries].reverse().concat(earlier));

    const { epoch } = (await store.loadAppConfig(APP))!;
    assert.equal(await store.writeChannel(rolledOut({ updatedAt: T0 + 9 }), epoch, []), 'written');
    assert.ok((await store.loadAppConfig(APP))!.epoch > epoch);
    assert.equal((await store.listActivity(APP, 100)).length, earlier.length + entries.length);
  });

  test("pullPackage: 'no-app', 'no-package', 'pulled' (epoch and activity move), then 'already' writing nothing", async (store) => {
    const pull = pulled(FLOOR);
    const logged = activity(APP, { at: T0 + 3, kind: 'package-pulled', message: `pulled ${FLOOR}`, data: { version: FLOOR } });
    assert.equal(await store.pullPackage(pull, logged), 'no-app');
    await seed(store);
    const before = await snapshot(store);
    assert.equal(await store.pullPackage(pulled('9999.0.0'), logged), 'no-package');
    assert.deepStrictEqual(await snapshot(store), before);

    assert.equal(await store.pullPackage(pull, logged), 'pulled', 'a package of any arch is enough');
    const after = await snapshot(store);
    assert.ok(after.cfg!.epoch > before.cfg!.epoch, 'the epoch grows');
    assert.deepStrictEqual(after.activity, [logged, ...before.activity]);
    assert.deepStrictEqual(after.cfg!.pulled, [pull]);

    assert.equal(await store.pullPackage(pulled(FLOOR, { reason: 'again', by: 'bob', at: T0 + 9 }), logged), 'already');
    assert.deepStrictEqual(await snapshot(store), after, "'already' keeps the first pull and writes nothing");
  });

  test('listPulled lists oldest first, per app; loadAppConfig.pulled is the same list', async (store) => {
    await seed(store);
    await store.createApp(app(OTHER_APP), activity(OTHER_APP));
    await store.addPackage(pkg(OLD, 'amd64', { appId: OTHER_APP }), activity(OTHER_APP));
    assert.deepStrictEqual(await store.listPulled(APP), []);
    const list = [pulled(NEW, { at: T0 + 1 }), pulled(OLD, { at: T0 + 2, reason: 'kernel panic' }), pulled(FLOOR, { at: T0 + 3, by: 'carol' })];
    for (const p of list) assert.equal(await store.pullPackage(p, activity(APP, { kind: 'package-pulled' })), 'pulled');
    assert.equal(await store.pullPackage(pulled(OLD, { appId: OTHER_APP }), activity(OTHER_APP)), 'pulled');
    assert.deepStrictEqual(await store.listPulled(APP), list);
    assert.deepStrictEqual((await store.loadAppConfig(APP))!.pulled, list);
    assert.deepStrictEqual(await store.listPulled(OTHER_APP), [pulled(OLD, { appId: OTHER_APP })]);
    assert.deepStrictEqual(await store.listPulled('unknown-app'), []);
  });
}
