// The live feed's costs, on a fake clock: however many check-ins an app takes (or slot changes a
// reboot group), the feed sends one message per PUBLISH_MS, and the hub reads an app's summary at
// most once per REFRESH_MS, only while the app has streams, and sends it only when it changed;
// reboot changes reach every stream at most once per REFRESH_MS.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Session } from 'better-sse';
import { silentLogger } from '../../kernel/log.ts';
import { createFeed, LOCAL_TRANSPORT, PUBLISH_MS, type FeedMessage, type Transport } from '../../server/live/feed.ts';
import { createHub, REFRESH_MS } from '../../server/live/hub.ts';
import { FakeTimers } from '../jobs/fake-timers.ts';

/** What the hub needs of a better-sse session: push, connected, and the disconnected event. */
class FakeSession extends EventEmitter {
  isConnected = true;
  pushed: { event: string; data: unknown }[] = [];
  push(data: unknown, event = 'message') {
    this.pushed.push({ event, data });
    return this;
  }
  disconnect() {
    this.isConnected = false;
    this.emit('disconnected');
  }
  events(name: string) {
    return this.pushed.filter((p) => p.event === name);
  }
}

const asSession = (s: FakeSession) => s as unknown as Session;

describe('change feed', () => {
  it('sends one message per PUBLISH_MS for any number of changes, to listeners and the transport', async () => {
    const timers = new FakeTimers(0);
    const published: FeedMessage[] = [];
    const transport: Transport = { publish: (m) => published.push(m), listen() {}, async close() {} };
    const feed = createFeed(transport, timers);
    const heard: FeedMessage[] = [];
    feed.listen((m) => heard.push(m));
    for (let i = 0; i < 10_000; i++) feed.countersChanged(i % 2 ? 'app-a' : 'app-b');
    assert.equal(published.length, 0, 'nothing before the period ends');
    await timers.advance(PUBLISH_MS);
    assert.deepEqual(published, [{ kind: 'counters', apps: ['app-b', 'app-a'] }]);
    assert.deepEqual(heard, published);
    await timers.advance(10 * PUBLISH_MS);
    assert.equal(published.length, 1, 'no change, no message');
    feed.countersChanged('app-a');
    await timers.advance(PUBLISH_MS);
    assert.equal(published.length, 2);
    await feed.close();
  });

  it('gathers reboot-group changes like counters: one reboot message per PUBLISH_MS', async () => {
    const timers = new FakeTimers(0);
    const published: FeedMessage[] = [];
    const transport: Transport = { publish: (m) => published.push(m), listen() {}, async close() {} };
    const feed = createFeed(transport, timers);
    for (let i = 0; i < 1_000; i++) feed.slotsChanged(i % 3 ? 'web' : 'db');
    feed.countersChanged('app-a');
    await timers.advance(PUBLISH_MS);
    assert.deepEqual(published, [
      { kind: 'counters', apps: ['app-a'] },
      { kind: 'reboot', groups: ['db', 'web'] },
    ]);
    feed.slotsChanged('web');
    await timers.advance(PUBLISH_MS);
    assert.deepEqual(published.slice(2), [{ kind: 'reboot', groups: ['web'] }], 'a reboot change alone sends no counters message');
    await feed.close();
  });
});

describe('live hub', () => {
  function setup() {
    const timers = new FakeTimers(1_000_000);
    const feed = createFeed(LOCAL_TRANSPORT, timers);
    let reads = 0;
    let instances = 0;
    const hub = createHub({
      read: async () => {
        reads++;
        return { instances };
      },
      feed,
      timers,
      log: silentLogger(),
    });
    return { timers, feed, hub, reads: () => reads, setInstances: (n: number) => (instances = n) };
  }

  it('reads an app at most once per REFRESH_MS and sends a summary only when it changed', async () => {
    const { timers, feed, hub, reads, setInstances } = setup();
    const s = new FakeSession();
    hub.add('app', { session: asSession(s), end: () => s.disconnect() });
    await timers.advance(0);
    assert.equal(reads(), 1, 'the first summary is read at once');
    assert.equal(s.events('summary').length, 1);
    // A storm of check-ins for ten seconds.
    for (let ms = 0; ms < 10_000; ms += 50) {
      setInstances(ms);
      feed.countersChanged('app');
      await timers.advance(50);
    }
    await timers.advance(REFRESH_MS);
    const most = Math.ceil(10_000 / REFRESH_MS) + 1;
    assert.ok(reads() >= 2 && reads() <= most + 1, `reads: ${reads()}, at most ${most + 1}`);
    assert.equal(s.events('summary').length, reads(), 'each read changed the count, so each was sent');
    const before = reads();
    feed.countersChanged('app');
    await timers.advance(2 * REFRESH_MS);
    assert.equal(reads(), before + 1, 'read again');
    assert.equal(s.events('summary').length, before, 'the same summary is not sent twice');
    hub.close();
  });

  it('keeps no state and reads nothing for an app without streams; a new stream gets the last summary at once', async () => {
    const { timers, feed, hub, reads } = setup();
    feed.countersChanged('other');
    await timers.advance(5 * REFRESH_MS);
    assert.equal(reads(), 0);
    const a = new FakeSession();
    hub.add('app', { session: asSession(a), end: () => a.disconnect() });
    await timers.advance(0);
    const b = new FakeSession();
    hub.add('app', { session: asSession(b), end: () => b.disconnect() });
    assert.equal(b.events('summary').length, 1, 'sent from the last read');
    assert.equal(reads(), 1);
    a.disconnect();
    b.disconnect();
    assert.equal(hub.count(), 0);
    feed.countersChanged('app');
    await timers.advance(5 * REFRESH_MS);
    assert.equal(reads(), 1, 'no streams: no reads');
    assert.equal(timers.armed, 0, 'no timer left behind');
    hub.close();
  });

  it('ends a stream whose credentials no longer hold, and keeps it while they cannot be checked', async () => {
    const { timers, hub } = setup();
    let verdict: 'ok' | 'revoked' | 'unknown' = 'ok';
    const s = new FakeSession();
    const recheck = async () => {
      if (verdict === 'unknown') throw new Error('store away');
      return verdict === 'ok';
    };
    hub.add('app', { session: asSession(s), recheck, end: () => s.disconnect() });
    verdict = 'unknown';
    await timers.advance(20_000);
    assert.equal(hub.count(), 1);
    verdict = 'revoked';
    await timers.advance(10_000);
    assert.equal(hub.count(), 0);
    assert.deepEqual(s.events('closed'), [{ event: 'closed', data: JSON.stringify({ reason: 'unauthorized' }) }]);
    hub.close();
  });

  it('sends reboot changes to every stream of every app, at most once per REFRESH_MS, and nothing without streams', async () => {
    const { timers, feed, hub } = setup();
    feed.slotsChanged('early');
    await timers.advance(PUBLISH_MS + REFRESH_MS);
    const a = new FakeSession();
    const b = new FakeSession();
    hub.add('app-a', { session: asSession(a), end: () => a.disconnect() });
    hub.add('app-b', { session: asSession(b), end: () => b.disconnect() });
    await timers.advance(0);
    assert.equal(a.events('reboot').length, 0, 'a change made before any stream is not kept');
    feed.slotsChanged('web');
    await timers.advance(PUBLISH_MS);
    assert.deepEqual(a.events('reboot'), [{ event: 'reboot', data: JSON.stringify({ groups: ['web'], all: false }) }]);
    assert.deepEqual(b.events('reboot'), a.events('reboot'), "every app's streams hear it");
    // A storm of slot changes from many processes for ten seconds.
    for (let ms = 0; ms < 10_000; ms += 50) {
      feed.slotsChanged(`g${ms % 7}`);
      await timers.advance(50);
    }
    await timers.advance(REFRESH_MS);
    const sent = a.events('reboot').length;
    assert.ok(sent >= 2 && sent <= Math.ceil(10_000 / REFRESH_MS) + 2, `reboot events: ${sent}`);
    a.disconnect();
    b.disconnect();
    feed.slotsChanged('web');
    await timers.advance(5 * REFRESH_MS);
    assert.equal(timers.armed, 0, 'no timer left behind');
    hub.close();
  });

  it('after a resync (messages may have been missed) tells the streams that any group may have changed', async () => {
    const timers = new FakeTimers(0);
    let deliver: (m: FeedMessage) => void = () => {};
    const transport: Transport = { publish() {}, listen: (d) => (deliver = d), async close() {} };
    const hub = createHub({ read: async () => ({}), feed: createFeed(transport, timers), timers, log: silentLogger() });
    const s = new FakeSession();
    hub.add('app', { session: asSession(s), end: () => s.disconnect() });
    deliver({ kind: 'resync' });
    deliver({ kind: 'reboot', groups: 'not a list' as unknown as string[] });
    await timers.advance(REFRESH_MS);
    assert.deepEqual(s.events('reboot').map((e) => JSON.parse(String(e.data))), [{ groups: [], all: true }]);
    hub.close();
  });

  it('refuses streams beyond its cap', () => {
    const timers = new FakeTimers(0);
    const hub = createHub({ read: async () => ({}), feed: createFeed(LOCAL_TRANSPORT, timers), timers, log: silentLogger(), maxStreams: 1 });
    assert.equal(hub.full(), false);
    const s = new FakeSession();
    hub.add('app', { session: asSession(s), end: () => s.disconnect() });
    assert.equal(hub.full(), true);
    hub.close();
    assert.equal(hub.full(), false);
  });
});
