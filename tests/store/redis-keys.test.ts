// The one key base both store families spell their Redis keys with (kernel/storage/redis/keys.ts):
// the prefix, hash tags that keep each script's keys in one Cluster slot, and names escaped so no
// name can end a tag early or spell another name's key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeName, hashTagOf, KeySpace } from '../../kernel/storage/redis/keys.ts';
import { storeKeys } from '../../server/store/redis/keys.ts';
import { SlotKeys } from '../../coordinator/store/redis/keys.ts';

const APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
/** Names a node or a user could send where keys are built from them. */
const ODD = ['a}b', '{x}', 'a%7Db', '%', '}', 'a:b', 'a}:i:b', '\u00e9t\u00e9', ''];

function appKeys(prefix: string, appId: string, machineId: string): string[] {
  const k = storeKeys(prefix);
  return [
    k.app(appId), k.packages(appId), k.versions(appId), k.channels(appId), k.groups(appId), k.tracks(appId),
    k.pulled(appId), k.activity(appId), k.instance(appId, machineId), k.history(appId, machineId), k.instanceIndex(appId), k.counters(appId),
    k.progress(appId), k.progressCounts(appId), k.groupGrants(appId, machineId),
  ];
}

function groupKeys(prefix: string, group: string): string[] {
  return Object.values(new SlotKeys(prefix).group(group));
}

describe('redis keys: the kernel key base', () => {
  it('Redis Cluster reads a hash tag as the text between the first { and the next }', () => {
    assert.equal(hashTagOf('{user1000}.following'), 'user1000');
    assert.equal(hashTagOf('foo{}{bar}'), 'foo{}{bar}', 'an empty tag: the whole key');
    assert.equal(hashTagOf('foo{{bar}}zap'), '{bar');
    assert.equal(hashTagOf('foo{bar}{zap}'), 'bar');
    assert.equal(hashTagOf('plain'), 'plain');
  });

  it('escapes %, { and } only, so ordinary names are spelled as they are', () => {
    assert.equal(escapeName(APP), APP);
    assert.equal(escapeName('web.eu-1'), 'web.eu-1');
    assert.equal(escapeName('a}b{c%d'), 'a%7Db%7Bc%25d');
  });

  it('every key carries the prefix, and a prefix that could open a tag or add a level is refused', () => {
    const space = new KeySpace('platte');
    assert.equal(space.standalone('apps'), 'platte:apps');
    assert.equal(space.tagged('app')('x').key('cnt'), 'platte:{app:x}:cnt');
    assert.equal(space.fixedTag('coord').key('groups'), 'platte:{coord}:groups');
    for (const bad of ['', 'a{b', 'a}b', 'a:b', 'a b']) assert.throws(() => new KeySpace(bad), /prefix/, JSON.stringify(bad));
    assert.throws(() => space.tagged('App'), /kind/);
    assert.throws(() => space.fixedTag('a}'), /kind/);
  });

  it("an app's keys share its tag whatever the machine id, and names inside a tag cannot end it", () => {
    for (const machineId of ['m1', ...ODD]) {
      const tags = new Set(appKeys('p', APP, machineId).map(hashTagOf));
      assert.deepStrictEqual([...tags], [`app:${APP}`], `machine ${JSON.stringify(machineId)}`);
    }
    for (const name of ODD) {
      const tags = new Set([...appKeys('p', name, 'm'), ...groupKeys('p', name)].map(hashTagOf));
      assert.equal(tags.size, 2, `${JSON.stringify(name)}: one tag for the app's keys, one for the group's`);
      for (const tag of tags) assert.ok(tag.endsWith(escapeName(name)), `${JSON.stringify(name)}: the tag holds the whole name (${tag})`);
    }
    const coord = new SlotKeys('p');
    assert.equal(hashTagOf(coord.groups()), hashTagOf(coord.autoGroups()), 'the lists of groups share a slot (slotAdmit, slotUnlist)');
  });

  it('different names never spell the same key', () => {
    const seen = new Map<string, string>();
    const note = (key: string, what: string) => {
      assert.ok(!seen.has(key) || seen.get(key) === what, `${what} and ${seen.get(key)} both spell ${key}`);
      seen.set(key, what);
    };
    const k = storeKeys('p');
    for (const a of ODD) {
      [k.app(a), k.packages(a), k.versions(a), k.channels(a), k.groups(a), k.tracks(a), k.pulled(a), k.activity(a), k.instanceIndex(a), k.counters(a),
        k.progress(a), k.progressCounts(a)]
        .forEach((key, i) => note(key, `app ${JSON.stringify(a)} key ${i}`));
      for (const m of ODD) {
        note(k.instance(a, m), `instance ${JSON.stringify([a, m])}`);
        note(k.history(a, m), `history ${JSON.stringify([a, m])}`);
        note(k.groupGrants(a, m), `group grants ${JSON.stringify([a, m])}`);
      }
      groupKeys('p', a).forEach((k, i) => note(k, `group ${JSON.stringify(a)} key ${i}`));
      note(new SlotKeys('p').target(a), `target ${JSON.stringify(a)}`);
    }
  });

  it('ordinary names keep the layout earlier releases wrote (no data moves on upgrade)', () => {
    const k = storeKeys('platte');
    assert.equal(k.apps(), 'platte:apps');
    assert.equal(k.tokens(), 'platte:tokens');
    assert.equal(k.tokenRevocations(), 'platte:tokens:revoked');
    assert.equal(k.instance(APP, '0f6e8c1c7a1e4c6f'), `platte:{app:${APP}}:i:0f6e8c1c7a1e4c6f`);
    assert.equal(k.history(APP, 'm'), `platte:{app:${APP}}:h:m`);
    assert.equal(k.counters(APP), `platte:{app:${APP}}:cnt`);
    assert.equal(k.pulled(APP), `platte:{app:${APP}}:pulled`, 'new in the rollout release, beside the app\'s other keys');
    assert.equal(k.progress(APP), `platte:{app:${APP}}:prog`, 'new with group limits, like the two below');
    assert.equal(k.progressCounts(APP), `platte:{app:${APP}}:progc`);
    assert.equal(k.groupGrants(APP, 'web.eu-1'), `platte:{app:${APP}}:grants:web.eu-1`);
    const c = new SlotKeys('platte');
    assert.equal(c.group('web.eu-1').waitingWhy, 'platte:{grp:web.eu-1}:waiting-why');
    assert.equal(c.autoGroups(), 'platte:{coord}:auto-groups');
    assert.equal(c.target('node-1'), 'platte:{mach:node-1}:target');
    assert.equal(c.target('a}b'), 'platte:{mach:a%7Db}:target');
  });
});
