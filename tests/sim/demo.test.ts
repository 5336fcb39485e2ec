// `platte demo` end to end: Platte on the embedded store, a release promoted with a rollout in steps,
// reboot groups and a fleet that upgrades through them, Platte and fleet on one simulated clock, in
// one command, without Redis or network.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN, runCli } from '../helpers/cli.ts';

const APP = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
const FAST = ['--nodes', '300', '--speed', '20000', '--port', '0', '--no-progress', '--fail', 'install:1'];
const HOUR = 3600_000;

interface Step {
  percent: number;
  soak: number;
  state: string;
  openedAt: number | null;
}
interface RolloutAnswer {
  state: string;
  version: string;
  steps: Step[];
  history: { at: number; action: string; by: string; stepIndex: number }[];
}

/** Runs the demo without --exit: once the fleet is done, reads the rollout from the still running Platte, then Ctrl-C. */
async function demoThenRead(): Promise<{ code: number | null; stdout: string; stderr: string; rollout: RolloutAnswer; clock: string | null }> {
  const child = spawn(process.execPath, [BIN, 'demo', ...FAST], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    const running = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /Platte keeps running at (http:\S+) /.exec(stdout);
        if (m) resolve(m);
      });
      void closed.then(() => reject(new Error(`the demo ended before serving on:\n${stdout}\n${stderr}`)));
    });
    const token = /PLATTE_TOKEN=([0-9a-f]{48})/.exec(stdout)![1]!;
    const res = await fetch(`${running[1]}/api/v1/apps/${APP}/channels/stable/rollout`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const { rollout } = (await res.json()) as { rollout: RolloutAnswer };
    const clock = res.headers.get('x-platte-clock');
    child.kill('SIGINT');
    return { code: await closed, stdout, stderr, rollout, clock };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}

describe('platte demo', () => {
  it('promotes with a rollout in steps, upgrades the fleet through every step on the simulated clock, tells where to watch', async () => {
    const r = await demoThenRead();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Platte demo: http:\/\/127\.0\.0\.1:\d+ {2}\(embedded store in .*platte-demo-/);
    assert.match(r.stdout, /promoted on "stable" in steps: 10 % \(soak 1h\) → 50 % \(soak 2h\) → 100 % \(soak 1h\), halt at 20 % failed/);
    assert.match(r.stdout, new RegExp(`Open http://127\\.0\\.0\\.1:\\d+/rollouts/${APP}/stable and sign in`));
    assert.match(r.stdout, /export PLATTE_URL=http:\/\/127\.0\.0\.1:\d+ PLATTE_TOKEN=[0-9a-f]{48}/);
    assert.match(r.stdout, /platte locks status --group web/);
    // The rollout's rules ended the run once every node that could took the version.
    assert.match(r.stdout, /Fleet of 300 nodes .*: ended by its driver after/);
    assert.match(r.stdout, /Versions\s+3374\.2\.0 3 · 3510\.2\.0 297/);
    assert.match(r.stdout, /States\s+updated 297 · gave-up 3\n/);
    assert.match(r.stdout, /Reboot peaks\s+batch [1-5] · db [1-5] · web [1-5] · workers [1-5]/);
    // Payloads were really downloaded from the demo's file server: one per attempt (3 nodes tried 3 times).
    assert.match(r.stdout, /download\s+│ 306 /);
    assert.match(r.stdout, /Rollout of 3510\.2\.0: completed after 4h0\dm; steps opened 10 % at 0s, 50 % at 1h0\dm, 100 % at 3h0\dm/);

    // The rollout as Platte shows it: every step opened in turn by the step rule, after its soak.
    const ro = r.rollout;
    assert.equal(ro.state, 'completed');
    assert.equal(ro.version, '3510.2.0');
    assert.deepEqual(
      ro.history.map((h) => [h.action, h.stepIndex]),
      [
        ['start', 0],
        ['step', 1],
        ['step', 2],
        ['complete', 2],
      ],
    );
    assert.ok(ro.history.slice(1).every((h) => h.by === 'rule:step'), 'the step rule made every transition');
    assert.deepEqual(
      ro.steps.map((s) => [s.percent, s.soak, s.state]),
      [
        [10, HOUR, 'done'],
        [50, 2 * HOUR, 'done'],
        [100, HOUR, 'done'],
      ],
    );
    const opened = ro.steps.map((s) => s.openedAt!);
    for (let i = 1; i < opened.length; i++) {
      const gap = opened[i]! - opened[i - 1]!;
      const soak = ro.steps[i - 1]!.soak;
      // Soaked in simulated time, and the rules ran every simulated minute (a few more at most when the clock ran ahead).
      assert.ok(gap >= soak && gap <= soak + 10 * 60_000, `step ${i} opened ${gap / 60_000} min after the one before`);
    }
    // After the fleet Platte runs at real speed on, from the simulated instant it ended.
    assert.match(r.clock ?? '', /^now=\d+;rate=1$/);
    const serverNow = Number(/now=(\d+)/.exec(r.clock!)![1]);
    assert.ok(serverNow > opened[2]! + HOUR, 'the server clock is past the end of the rollout');
  });

  it('--no-rollout promotes to every node at once, and --exit stops once the fleet settled', async () => {
    const r = await runCli(['demo', ...FAST, '--exit', '--no-rollout'], {}, 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /promoted on "stable" to every node at once/);
    assert.match(r.stdout, /Fleet of 300 nodes .*: every node settled/);
    assert.match(r.stdout, /Versions\s+3374\.2\.0 3 · 3510\.2\.0 297/);
    assert.doesNotMatch(r.stdout, /Rollout of/);
  });
});
