// What `platte rollout status`, the rollout actions and `promote --dry-run` print, from API answers
// built here: durations and times in words, aligned fields, steps and history tables. Pure: no server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dryRunText } from '../../server/cli/promote-view.ts';
import { formatDuration, rolloutLine, statusText } from '../../server/cli/rollout-view.ts';
import { INSTANCE_STATUSES } from '../../server/domain/statuses.ts';
import type { InstanceStatus } from '../../server/domain/types.ts';
import type { RolloutView } from '../../server/rollout/view.ts';

/** Every status at 0 (the list grows; the view prints the non-zero ones). */
const NO_COUNTS = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const H = 3_600_000;

function view(over: Partial<RolloutView> = {}): RolloutView {
  const soaks = [2 * H, 2 * H, 1.5 * H, 0];
  return {
    appId: 'app',
    channel: 'stable',
    state: 'running',
    version: '3602.2.0',
    previousVersion: '3510.2.0',
    percent: 10,
    stepIndex: 1,
    plan: { kind: 'steps', steps: [1, 10, 50, 100].map((percent, i) => ({ percent, soakMs: soaks[i]!, successThreshold: i === 0 ? 95 : null })), haltOn: { failures: 3 } },
    steps: [1, 10, 50, 100].map((percent, i) => ({
      index: i,
      percent,
      soak: soaks[i]!,
      successThreshold: i === 0 ? 95 : null,
      state: i === 0 ? 'done' : i === 1 ? 'open' : 'pending',
      openedAt: i <= 1 ? NOW - (3 - i) * H : null,
    })),
    waiting: { for: 'soaking', until: NOW + 90 * 60_000 },
    counts: { ...NO_COUNTS, eligible: 40, granted: 12, downloading: 2, installed: 1, complete: 8, error: 1, rebooting: 1 },
    heldBack: { 'rollout-percent': 38, 'outside-window': 2 },
    failures: { total: 1, counted: 1, byKind: { error: 1, rollback: 0, timeout: 0, 'lease-expired': 0, reverted: 0 }, byCode: [{ code: 9, name: 'download-transfer-error', count: 1 }] },
    haltReason: null,
    pulled: false,
    startedAt: NOW - 3 * H,
    finishedAt: null,
    history: [
      { at: NOW - 3 * H, action: 'start', from: null, to: 'running', by: 'ci-bot', why: '', stepIndex: 0 },
      { at: NOW - H, action: 'step', from: 'running', to: 'running', by: 'rule:step', why: 'soaked 2h', stepIndex: 1 },
    ],
    ...over,
  };
}

describe('rollout views', () => {
  it('formatDuration writes durations as the flags take them', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(2 * H), '2h');
    assert.equal(formatDuration(26 * H + 61_000), '1d2h1m1s');
    assert.equal(formatDuration(26 * H + 61_000, 2), '1d2h');
  });

  it('status: aligned fields, the steps and the history newest first, no raw milliseconds', async () => {
    const text = await statusText(view(), NOW);
    assert.match(text, /^state: +running, soaking until 2026-11-25T13:30:00Z \(in 1h30m\)$/m);
    assert.match(text, /^version: +3602\.2\.0 ← 3510\.2\.0$/m);
    assert.match(text, /^offered to: +10 % of the nodes \(step 2 of 4\)$/m);
    assert.match(text, /^halt on: +3 failed nodes$/m);
    assert.match(text, /^nodes: +12 granted: 2 downloading, 1 installed, 8 complete, 1 error; 40 still below the version$/m);
    assert.match(text, /^rebooting: +1 of the installed hold a reboot slot now$/m);
    assert.match(text, /^held back: +38 rollout-percent, 2 outside-window$/m);
    assert.match(text, /^failures: +1 \(1 counted by the halt rule\): 1 error$/m);
    assert.match(text, /^started: +2026-11-25T09:00:00Z \(3h ago\)$/m);
    const fields = text.split('\n\n')[0]!.split('\n');
    assert.equal(new Set(fields.map((l) => l.search(/(?<=: +)\S/))).size, 1, `values aligned:\n${text}`);
    assert.match(text, /│ 1 +│ done +│ 1 % +│ 2h +│ 95 % +│ 2026-11-25T09:00:00Z │/);
    assert.match(text, /│ 3 +│ pending +│ 50 % +│ 1h30m +│ - +│ - +│/);
    const history = text.slice(text.indexOf('History'));
    assert.ok(history.indexOf('│ step ') < history.indexOf('│ start '), `newest history entry first:\n${history}`);
    assert.match(text, /│ 2026-11-25T11:00:00Z │ step +│ running → running │ 2 +│ rule:step │ soaked 2h │/);
    assert.doesNotMatch(text, /\d{7,}/);
  });

  it('status of a halted, pulled rollout says why; a linear plan has no steps table', async () => {
    const halted = await statusText(view({ state: 'halted', waiting: null, haltReason: '3 of 40 granted nodes failed', pulled: true }), NOW);
    assert.match(halted, /^state: +halted$/m);
    assert.match(halted, /^halted: +3 of 40 granted nodes failed$/m);
    assert.match(halted, /^pulled: +yes: 3602\.2\.0 is pulled, only abort remains$/m);
    const linear = view({ plan: { kind: 'linear', startPercent: 10, durationMs: 6 * H, haltOn: {} }, percent: 32.5, stepIndex: 0, steps: [], waiting: { for: 'ramping', until: NOW + H } });
    const text = await statusText(linear, NOW);
    assert.match(text, /^offered to: +32\.5 % of the nodes \(linear from 10 % to 100 % over 6h\)$/m);
    assert.match(text, /^state: +running, ramping up until /m);
    assert.match(text, /^halt on: +never$/m);
    assert.doesNotMatch(text, /Steps:/);
    assert.equal(rolloutLine(linear), 'stable: rollout of 3602.2.0 running at 32.5 % (linear from 10 % to 100 % over 6h)');
  });

  it('history shows the last five entries and says where the rest are', async () => {
    const history = Array.from({ length: 8 }, (_, i) => ({ at: NOW + i * 1000, action: 'pause' as const, from: 'running' as const, to: 'paused' as const, by: 'ops', why: `n${i}`, stepIndex: 0 }));
    const text = await statusText(view({ history }), NOW);
    assert.match(text, /History \(newest first; the last 5 of 8, --json has all\):/);
    assert.match(text, /│ n7 +│/);
    assert.doesNotMatch(text, /│ n2 +│/);
  });

  it('dry run: groups, a row per step with nodes by arch and version, missing arches and the verdict', async () => {
    const text = await dryRunText('stable', {
      dryRun: true,
      channel: 'stable',
      previous: '3510.2.0',
      version: '3602.2.0',
      groups: [{ group: 'prod', track: 'stable' }],
      eligible: 7,
      steps: [
        { percent: 0.5, nodes: 0, byArch: {}, byVersion: {} },
        { percent: 100, nodes: 7, byArch: { amd64: 5, arm64: 2 }, byVersion: { '3510.2.0': 7 } },
      ],
      missingArches: [{ arch: 'arm64', nodes: 2 }],
      refused: '3602.2.0 has no package for arm64 (2 nodes)',
    });
    assert.match(text, /^dry run, nothing changed: stable 3510\.2\.0 → 3602\.2\.0\ngroups following stable: prod \(track stable\)\n/);
    assert.match(text, /│ 1 +│ 0\.5 % +│ 0 +│ - +│ - +│/);
    assert.match(text, /│ 2 +│ 100 % +│ 7 +│ amd64: 5, arm64: 2 │ 3510\.2\.0: 7 +│/);
    assert.match(text, /^nodes below 3602\.2\.0: 7; each step offers it to about its percent of them$/m);
    assert.match(text, /^no build of 3602\.2\.0 for: arm64 \(2 nodes\)$/m);
    assert.match(text, /\nwould be refused: 3602\.2\.0 has no package for arm64 \(2 nodes\)\n$/);
  });
});
