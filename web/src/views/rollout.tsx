// One channel's rollout: state and percent, the controls (for roles that may use them), the funnel
// of its nodes, failures by kind, the steps with their progress, the version mix over time and
// the history of transitions.
import { request, seg } from '../api/client.ts';
import type { Rollout } from '../api/types.ts';
import { RolloutBadge } from '../components/badges.tsx';
import { count, duration, percent, when } from '../components/format.ts';
import { Failure, Loading } from '../components/notes.tsx';
import { StatusBar } from '../components/status-bar.tsx';
import { heldWord, splitCounts, waitingWord } from '../components/statuses.ts';
import { appName } from '../state/apps.ts';
import { useData } from '../state/use-data.ts';
import { serverNow } from '../state/clock.ts';
import { RolloutControls } from './rollout-controls.tsx';
import { VersionMix } from './version-mix.tsx';
import { FailureChart } from './failure-chart.tsx';
import { TablePanel } from '../components/table-panel.tsx';

export function RolloutPage({ app, channel }: { app: string; channel: string }) {
  const path = `/apps/${seg(app)}/channels/${seg(channel)}/rollout`;
  const { data: r, error, set } = useData(() => request<{ rollout: Rollout }>(path).then((a) => a.rollout), [path]);
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Overview</a> / {appName(app)} / {channel}
      </nav>
      <h1>
        Rollout of {channel} {r && <RolloutBadge state={r.state} />}
      </h1>
      <Failure error={error} />
      {!r && !error && <Loading what="the rollout" />}
      {r && (
        <>
          <Headline r={r} />
          <Notes r={r} />
          <RolloutControls
            rollout={r}
            act={async (action, body) => {
              const out = await request<{ rollout: Rollout }>(`${path}/${action}`, { method: 'POST', body });
              set(out.rollout);
            }}
          />
          <div class="grid-2">
            <Funnel r={r} />
            <Steps r={r} />
          </div>
          <VersionMix app={app} channel={channel} />
          <FailureChart app={app} r={r} />
          <History r={r} />
        </>
      )}
    </>
  );
}

function Headline({ r }: { r: Rollout }) {
  const halt = r.plan.haltOn;
  return (
    <section class="headline" aria-label="Where the rollout stands">
      <div class="stat">
        <span class="label">Version</span>
        <span class="value">{r.version}</span>
        <span class="muted small">{r.previousVersion ? `from ${r.previousVersion}` : 'first version'}</span>
      </div>
      <div class="stat">
        <span class="label">Offered to</span>
        <span class="value">{Math.round(r.percent * 10) / 10}%</span>
        <span class="muted small">{r.plan.kind === 'steps' ? `step ${r.stepIndex + 1} of ${r.steps.length}` : 'linear ramp'}</span>
      </div>
      <div class="stat">
        <span class="label">Granted</span>
        <span class="value">{count(r.counts.granted)}</span>
        <span class="muted small">{count(r.counts.complete ?? 0)} complete</span>
      </div>
      <div class="stat">
        <span class="label">Failure rate</span>
        <span class={`value ${r.failures.counted ? 'bad-text' : ''}`}>{percent(r.failures.counted, r.counts.granted)}</span>
        <span class="muted small">
          halts at {[halt.failurePercent !== undefined && `${halt.failurePercent}%`, halt.failures !== undefined && `${halt.failures} failures`].filter(Boolean).join(' or ') || 'never'}
        </span>
      </div>
    </section>
  );
}

function Notes({ r }: { r: Rollout }) {
  return (
    <>
      {r.haltReason && <p class="note bad">Halted: {r.haltReason}</p>}
      {r.pulled && <p class="note bad">This version was pulled: it is offered to no node.</p>}
      {r.waiting && r.state === 'running' && (
        <p class="note">
          Next step: waiting for {waitingWord(r.waiting.for)}
          {r.waiting.until !== null && ` until ${when(r.waiting.until)}`}.
        </p>
      )}
    </>
  );
}

const STAGES: [string, string[] | null][] = [
  ['Granted', null],
  ['Downloading or further', ['downloading', 'downloaded', 'installed', 'rebooting', 'complete']],
  ['Downloaded or further', ['downloaded', 'installed', 'rebooting', 'complete']],
  ['Installed or further', ['installed', 'rebooting', 'complete']],
  ['Complete', ['complete']],
];

/**
 * The rollout's nodes by status. The view's `granted` is the count of every node granted the
 * version; those still in status granted (offered, nothing reported yet) are what the other
 * statuses leave of it. The rebooting ones (holding a reboot slot) are split off `installed`.
 */
export function rolloutStatuses(r: Rollout): Record<string, number> {
  const counts: Record<string, number> = {};
  let reported = 0;
  for (const [s, n] of Object.entries(r.counts)) {
    // `eligible` counts nodes below the version, not granted ones; `rebooting` is a part of `installed`.
    if (s === 'granted' || s === 'eligible' || s === 'rebooting') continue;
    counts[s] = n;
    reported += n;
  }
  counts.granted = Math.max(0, r.counts.granted - reported);
  return splitCounts(counts, { rebooting: r.counts.rebooting ?? 0 });
}

function Funnel({ r }: { r: Rollout }) {
  const counts = rolloutStatuses(r);
  const sum = (statuses: string[] | null) => (statuses ? statuses.reduce((n, s) => n + (counts[s] ?? 0), 0) : r.counts.granted);
  const top = Math.max(1, r.counts.granted);
  const kinds = Object.entries(r.failures.byKind).filter(([, n]) => n > 0);
  return (
    <section class="panel" aria-labelledby="funnel-h">
      <h2 id="funnel-h">Nodes of this rollout</h2>
      <StatusBar counts={counts} label={`nodes granted ${r.version}`} />
      <ol class="funnel">
        {STAGES.map(([label, statuses]) => {
          const n = sum(statuses);
          return (
            <li key={label}>
              <span class="funnel-label">{label}</span>
              <span class="funnel-bar">
                <span style={{ width: `${(n / top) * 100}%` }} />
              </span>
              <b>{count(n)}</b>
            </li>
          );
        })}
      </ol>
      <h3>Failures</h3>
      {kinds.length === 0 ? (
        <p class="muted small">None.</p>
      ) : (
        <ul class="plain">
          {kinds.map(([k, n]) => (
            <li key={k}>
              <span class="bad-text">{k}</span> <b>{count(n)}</b>
            </li>
          ))}
        </ul>
      )}
      <ErrorCodes r={r} />
      <HeldBack r={r} />
    </section>
  );
}

/** The error events of the rollout's nodes by update_engine error code, with the code's name. */
function ErrorCodes({ r }: { r: Rollout }) {
  const codes = r.failures.byCode ?? [];
  if (codes.length === 0) return null;
  return (
    <table class="compact" aria-label="Failures by error code">
      <thead>
        <tr>
          <th scope="col">Error code</th>
          <th scope="col">Name</th>
          <th scope="col" class="num">Times</th>
        </tr>
      </thead>
      <tbody>
        {codes.map((c) => (
          <tr key={c.code ?? 'other'}>
            <td>{c.code ?? '–'}</td>
            <td class="bad-text">{c.code === null ? 'other codes' : c.name}</td>
            <td class="num">{count(c.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The channel's nodes behind the version that it does not offer them now, by why. */
function HeldBack({ r }: { r: Rollout }) {
  const reasons = Object.entries(r.heldBack ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return null;
  return (
    <>
      <h3>Held back at their last check</h3>
      <ul class="plain">
        {reasons.map(([why, n]) => (
          <li key={why}>
            <span class="dot st-held" aria-hidden="true" /> {heldWord(why)} <b>{count(n)}</b>
          </li>
        ))}
      </ul>
    </>
  );
}

function Steps({ r }: { r: Rollout }) {
  return (
    <section class="panel" aria-labelledby="steps-h">
      <h2 id="steps-h">Steps</h2>
      <ol class="steps">
        {r.steps.map((s) => {
          const elapsed = s.openedAt !== null ? serverNow() - s.openedAt : 0;
          return (
            <li key={s.index} class={`step ${s.state}`}>
              <div class="step-head">
                <b>{r.plan.kind === 'linear' ? 'Linear ramp to 100%' : `${s.percent}% of nodes`}</b>
                <span class="muted small">{s.state === 'done' ? 'done' : s.state === 'open' ? 'open now' : 'pending'}</span>
              </div>
              <div class="muted small">
                soak {duration(s.soak)}
                {s.successThreshold !== null && ` · ${s.successThreshold}% must complete`}
                {s.openedAt !== null && ` · opened ${when(s.openedAt)}`}
              </div>
              {s.state === 'open' && s.soak > 0 && (
                <progress max={s.soak} value={Math.min(s.soak, elapsed)} aria-label={`soak of step ${s.index + 1}`} />
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function History({ r }: { r: Rollout }) {
  const rows = [...r.history].reverse();
  return (
    <TablePanel id="hist-h" title="History" columns={['When', 'What', 'State', 'Step', 'By', 'Why']}>
      {rows.map((h, i) => (
        <tr key={`${h.at}-${i}`}>
          <td class="nowrap">{when(h.at)}</td>
          <td>{h.action}</td>
          <td>{h.from ? `${h.from} → ${h.to}` : h.to}</td>
          <td>{h.stepIndex + 1}</td>
          <td>{h.by}</td>
          <td>{h.why}</td>
        </tr>
      ))}
    </TablePanel>
  );
}
