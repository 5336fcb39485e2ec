// `platte demo` end to end: Platte on the embedded store, a release, reboot groups and a fleet that
// upgrades through them, in one command, without Redis or network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';

describe('platte demo', () => {
  it('starts Platte, seeds a release, upgrades a fleet, tells where to watch, and exits with --exit', async () => {
    const r = await runCli(['demo', '--nodes', '300', '--speed', '20000', '--port', '0', '--exit', '--no-progress', '--fail', 'install:1'], {}, 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Platte demo: http:\/\/127\.0\.0\.1:\d+ {2}\(embedded store in .*platte-demo-/);
    assert.match(r.stdout, /export PLATTE_URL=http:\/\/127\.0\.0\.1:\d+ PLATTE_TOKEN=[0-9a-f]{48}/);
    assert.match(r.stdout, /platte locks status --group web/);
    assert.match(r.stdout, /Fleet of 300 nodes .*: every node settled/);
    assert.match(r.stdout, /Versions\s+3374\.2\.0 3 · 3510\.2\.0 297/);
    assert.match(r.stdout, /Reboot peaks\s+batch [1-5] · db [1-5] · web [1-5] · workers [1-5]/);
    // Payloads were really downloaded from the demo's file server: one per attempt (3 nodes tried 3 times).
    assert.match(r.stdout, /download\s+│ 306 /);
  });
});
