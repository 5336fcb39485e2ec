// The requests a client sends (the simulator's) are update_engine's: same elements, attributes,
// order and values, and Platte's own parser reads them back as a real node's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLATCAR_APP_ID_BRACED } from '../../protocol/omaha/appid.ts';
import { buildRequest, servicePack, xmlEncode, type NodeIdentity } from '../../protocol/omaha/client-request.ts';
import { parseOmahaRequest } from '../../protocol/omaha/parse.ts';
import { vector } from '../helpers/vectors.ts';
import { parseRequest } from '../sim/fixtures/drive.ts';

const id: NodeIdentity = {
  appId: FLATCAR_APP_ID_BRACED,
  version: '3510.2.0',
  track: 'stable',
  bootId: '{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}',
  oem: 'ami',
  oemVersion: '0.1.1-r1',
  alephVersion: '3374.2.0',
  machineId: 'abce671d61774703ac7be60715220bfe',
  machineAlias: '',
  board: 'amd64-usr',
};

/** Attribute names of <app> in document order. */
function appAttributeOrder(xml: string): string[] {
  const tag = /<app ([^>]*)>/.exec(xml)![1]!;
  return [...tag.matchAll(/([a-z_]+)="/g)].map((m) => m[1]!);
}

describe('update_engine request layout', () => {
  it('a scheduled check carries request/os/app attributes, ping, updatecheck and the 3/2 event', () => {
    const xml = buildRequest(id, { kind: 'check', previousVersion: '' });
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<request '));
    const r = parseRequest(xml);
    assert.deepEqual(r.request, {
      protocol: '3.0',
      version: 'update_engine-0.4.10',
      updaterversion: 'update_engine-0.4.10',
      installsource: 'scheduler',
      ismachine: '1',
    });
    assert.deepEqual(r.os, { version: 'Chateau', platform: 'CoreOS', sp: '3510.2.0_x86_64' });
    assert.deepEqual(r.app, {
      appid: '{e96281a6-d1af-4bde-9a0a-97b76e56dc57}',
      version: '3510.2.0',
      track: 'stable',
      bootid: '{965fb4c5-ad3e-4eb7-a4c2-ca0c0e31ec84}',
      oem: 'ami',
      oemversion: '0.1.1-r1',
      alephversion: '3374.2.0',
      machineid: 'abce671d61774703ac7be60715220bfe',
      machinealias: '',
      lang: 'en-US',
      board: 'amd64-usr',
      hardware_class: '',
      delta_okay: 'false',
    });
    assert.deepEqual(r.ping, { active: '1' });
    assert.equal(r.updatecheck, true);
    assert.deepEqual(r.events, [{ eventtype: '3', eventresult: '2', previousversion: '' }]);
  });

  it('keeps update_engine attribute order (the ue-rs sample order plus machinealias)', () => {
    const sample = vector('flatcar-ue-rs-request.xml');
    const ours = appAttributeOrder(buildRequest(id, { kind: 'check', previousVersion: '' }));
    assert.deepEqual(
      ours.filter((a) => a !== 'machinealias'),
      appAttributeOrder(sample),
    );
    assert.equal(ours.indexOf('machinealias'), ours.indexOf('machineid') + 1);
  });

  it('the first check after an update carries previousversion=<old>', () => {
    const r = parseRequest(buildRequest(id, { kind: 'check', previousVersion: '3374.2.0' }));
    assert.deepEqual(r.events, [{ eventtype: '3', eventresult: '2', previousversion: '3374.2.0' }]);
  });

  it('after a rollback the check carries 3/0 with errorcode 44 (no flag, as update_engine)', () => {
    const r = parseRequest(buildRequest(id, { kind: 'check', previousVersion: '3510.2.0', rollback: true }));
    assert.deepEqual(r.events, [{ eventtype: '3', eventresult: '0', errorcode: '44' }]);
    assert.equal(r.updatecheck, true);
  });

  it('an on-demand check says installsource="ondemandupdate"', () => {
    const r = parseRequest(buildRequest(id, { kind: 'check', previousVersion: '', interactive: true }));
    assert.equal(r.request.installsource, 'ondemandupdate');
  });

  it('event-only requests carry no ping and no updatecheck; errorcode only on failure', () => {
    for (const [type, result] of [
      [13, 1],
      [14, 1],
      [3, 1],
    ] as const) {
      const r = parseRequest(buildRequest(id, { kind: 'event', eventType: type, eventResult: result }));
      assert.equal(r.ping, null);
      assert.equal(r.updatecheck, false);
      assert.deepEqual(r.events, [{ eventtype: String(type), eventresult: String(result) }]);
    }
    const failed = parseRequest(buildRequest(id, { kind: 'event', eventType: 3, eventResult: 0, errorCode: 268435456 + 34 }));
    assert.deepEqual(failed.events, [{ eventtype: '3', eventresult: '0', errorcode: '268435490' }]);
  });

  it('a ping-only request has a ping and nothing else', () => {
    const r = parseRequest(buildRequest(id, { kind: 'ping' }));
    assert.deepEqual(r.ping, { active: '1' });
    assert.equal(r.updatecheck, false);
    assert.deepEqual(r.events, []);
  });

  it('arm64 boards report aarch64 in os@sp', () => {
    assert.equal(servicePack('3510.2.0', 'arm64-usr'), '3510.2.0_aarch64');
    assert.equal(parseRequest(buildRequest({ ...id, board: 'arm64-usr' }, { kind: 'ping' })).os.sp, '3510.2.0_aarch64');
  });

  it('escapes attribute values', () => {
    assert.equal(xmlEncode(`a&b<c>"d'`), 'a&amp;b&lt;c&gt;&quot;d&apos;');
    const r = parseRequest(buildRequest({ ...id, oem: 'x"&<y' }, { kind: 'ping' }));
    assert.equal(r.app.oem, 'x"&<y');
  });

  it("Platte's Omaha parser reads the request back as the node meant it", async () => {
    const req = await parseOmahaRequest(buildRequest(id, { kind: 'check', previousVersion: '3374.2.0' }));
    assert.equal(req.protocol, '3.0');
    assert.equal(req.installSource, 'scheduler');
    const app = req.apps[0]!;
    assert.equal(app.appIdRaw, FLATCAR_APP_ID_BRACED);
    assert.equal(app.machineId, id.machineId);
    assert.equal(app.version, '3510.2.0');
    assert.equal(app.track, 'stable');
    assert.equal(app.board, 'amd64-usr');
    assert.equal(app.alephVersion, '3374.2.0');
    assert.equal(app.ping, true);
    assert.equal(app.updateCheck, true);
    assert.deepEqual(app.events, [{ eventType: 3, eventResult: 2, previousVersion: '3374.2.0' }]);
  });
});
