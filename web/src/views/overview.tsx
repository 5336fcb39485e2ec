// Overview: for every app, its nodes by status, and per channel the version it offers, where its
// rollout stands (step, percent, paused or halted and why) and one bar of the channel's nodes by
// status; then who holds a reboot slot now. Reloads on every live tick.
import { request, seg } from '../api/client.ts';
import type { App, Channel, RebootGroup, Rollout, Summary } from '../api/types.ts';
import { RolloutBadge, Tone } from '../components/badges.tsx';
import { ago, count, duration, percent } from '../components/format.ts';
import { Empty, Failure, Loading } from '../components/notes.tsx';
import { byStatus, StatusBar } from '../components/status-bar.tsx';
import { FAILED, heldWord, splitCounts, sumOf, waitingWord } from '../components/statuses.ts';
import { pagePath, PAGE_ROUTES } from '../routes.ts';
import { apps } from '../state/apps.ts';
import { useData } from '../state/use-data.ts';
import { serverNow } from '../state/clock.ts';

interface AppState {
  summary: Summary;
  channels: Channel[];
  rollouts: Map<string, Rollout>;
}

async function loadApp(appId: string): Promise<AppState> {
  const [summary, { channels }] = await Promise.all([
    request<Summary>(`/apps/${seg(appId)}/summary`),
    request<{ channels: Channel[] }>(`/apps/${seg(appId)}/channels`),
  ]);
  const withRollout = channels.filter((c) => c.rollout);
  const views = await Promise.all(
    withRollout.map((c) =>
      request<{ rollout: Rollout }>(`/apps/${seg(appId)}/channels/${seg(c.name)}/rollout`).then(
        (r) => r.rollout,
        () => null,
      ),
    ),
  );
  const rollouts = new Map<string, Rollout>();
  views.forEach((v, i) => v && rollouts.set((withRollout[i] as Channel).name, v));
  return { summary, channels, rollouts };
}

export function Overview() {
  const list = apps.value;
  if (!list) return <Loading what="apps" />;
  return (
    <>
      <h1>Overview</h1>
      {list.length === 0 && (
        <Empty>
          No apps yet. Create one with <code>platte app create</code>, then publish and promote a version.
        </Empty>
      )}
      {list.map((a) => (
        <AppOverview key={a.id} app={a} />
      ))}
      {list.length > 0 && <RebootingNow />}
    </>
  );
}

function AppOverview({ app }: { app: App }) {
  const { data, error } = useData(() => loadApp(app.id), [app.id]);
  const unknown = Object.entries(data?.summary.unknownTracks ?? {});
  return (
    <section class="app" aria-labelledby={`app-${app.id}`}>
      <div class="section-head">
        <h2 id={`app-${app.id}`}>{app.name}</h2>
        {data && <span class="muted">{count(data.summary.instances)} nodes</span>}
      </div>
      <Failure error={error} />
      {!data && !error && <Loading what={app.name} />}
      {data && (
        <>
          <Tiles summary={data.summary} />
          <StatusBar counts={appCounts(data.summary)} label={`all nodes of ${app.name}`} />
          {unknown.length > 0 && (
            <p class="note warn">
              Nodes on tracks no group maps: {unknown.map(([t, n]) => `${t} (${count(n)})`).join(', ')}. They get no updates until a group maps their track.
            </p>
          )}
          <div class="cards">
            {data.channels.length === 0 && <Empty>No channels yet.</Empty>}
            {data.channels.map((c) => (
              <ChannelCard key={c.name} app={app} channel={c} rollout={data.rollouts.get(c.name)} summary={data.summary} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

interface ChannelCardProps {
  app: App;
  channel: Channel;
  rollout: Rollout | undefined;
  summary: Summary;
}

type Tree = Record<string, Record<string, number>> | undefined;

/** The app's nodes by status, with the rebooting and held-back ones of every channel split off. */
function appCounts(s: Summary): Record<string, number> {
  const across = (tree: Record<string, Record<string, number>>) => Object.values(tree).reduce((n, r) => n + sumOf(r), 0);
  return splitCounts(s.byStatus, { rebooting: across(s.rebooting ?? {}), held: across(s.heldBack ?? {}) });
}

function versionMix(tree: Tree): [string, number][] {
  return Object.entries(tree ?? {})
    .map(([v, statuses]): [string, number] => [v, Object.values(statuses).reduce((a, b) => a + b, 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}

function ChannelCard({ app, channel, rollout, summary }: ChannelCardProps) {
  const tree = summary.byChannel[channel.name];
  const held = summary.heldBack?.[channel.name] ?? {};
  const counts = splitCounts(byStatus(tree), { rebooting: sumOf(summary.rebooting?.[channel.name]), held: sumOf(held) });
  const mix = versionMix(tree);
  const nodes = mix.reduce((n, [, c]) => n + c, 0);
  const href = pagePath(PAGE_ROUTES.rollout, { app: app.id, channel: channel.name });
  return (
    <article class="card" aria-labelledby={`ch-${app.id}-${channel.name}`}>
      <header class="card-head">
        <h3 id={`ch-${app.id}-${channel.name}`}>{channel.name}</h3>
        {rollout ? <RolloutBadge state={rollout.state} /> : <Tone tone="muted">no rollout</Tone>}
      </header>
      <p class="version">
        {channel.version ?? 'no version'}
        {rollout?.previousVersion && <span class="muted"> from {rollout.previousVersion}</span>}
      </p>
      {rollout && <RolloutLine rollout={rollout} />}
      <StatusBar counts={counts} label={`nodes following ${channel.name}`} />
      <HeldLine held={held} />
      <p class="muted small">
        {count(nodes)} nodes{mix.length > 0 && ': '}
        {mix.map(([v, n]) => `${v} ${Math.round((n / Math.max(1, nodes)) * 100)}%`).join(' · ')}
      </p>
      <footer class="card-foot">
        {rollout ? <a href={href}>Rollout of {channel.name}</a> : <span class="muted small">promoted {ago(channel.updatedAt)} by {channel.updatedBy}</span>}
      </footer>
    </article>
  );
}

function RolloutLine({ rollout: r }: { rollout: Rollout }) {
  const stepText = r.plan.kind === 'steps' ? `step ${r.stepIndex + 1} of ${r.steps.length}` : 'linear ramp';
  return (
    <div class="rollout-line">
      <p>
        <b>{Math.round(r.percent * 10) / 10}%</b> offered · {stepText}
        {r.waiting && r.state === 'running' && (
          <span class="muted">
            {' '}
            · waiting for {waitingWord(r.waiting.for)}
            {r.waiting.until !== null && r.waiting.until > serverNow() && ` (${duration(r.waiting.until - serverNow())} left)`}
          </span>
        )}
      </p>
      {r.haltReason && <p class="note bad">Halted: {r.haltReason}</p>}
      {r.failures.total > 0 && (
        <p class="small bad-text">
          {count(r.failures.total)} failed of {count(r.counts.granted)} granted
        </p>
      )}
    </div>
  );
}

/** Why the channel's held-back nodes get no update, most first. */
function HeldLine({ held }: { held: Record<string, number> }) {
  const reasons = Object.entries(held)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return null;
  return (
    <p class="small held-line">
      <span class="dot st-held" aria-hidden="true" /> Held back at their last check: {reasons.map(([why, n]) => `${heldWord(why)} (${count(n)})`).join(' · ')}
    </p>
  );
}

const UPDATING = ['granted', 'downloading', 'downloaded', 'installed'];
const CURRENT = ['up-to-date', 'complete'];

function Tiles({ summary }: { summary: Summary }) {
  const sum = (names: string[]) => names.reduce((n, s) => n + (summary.byStatus[s] ?? 0), 0);
  const failed = sum([...FAILED]);
  const split = appCounts(summary);
  return (
    <div class="tiles">
      <div class="stat">
        <span class="label">Nodes</span>
        <span class="value">{count(summary.instances)}</span>
      </div>
      <div class="stat">
        <span class="label">Current</span>
        <span class="value">{percent(sum(CURRENT), summary.instances)}</span>
        <span class="muted small">{count(sum(CURRENT))} up to date or complete</span>
      </div>
      <div class="stat">
        <span class="label">Updating now</span>
        <span class="value">{count(sum(UPDATING))}</span>
        <span class="muted small">
          {count(split.rebooting ?? 0)} rebooting, {count(split.installed ?? 0)} waiting for a slot
        </span>
      </div>
      <div class="stat">
        <span class="label">Held back</span>
        <span class="value">{count(split.held ?? 0)}</span>
        <span class="muted small">behind, not offered an update</span>
      </div>
      <div class="stat">
        <span class="label">Failed</span>
        <span class={`value ${failed ? 'bad-text' : ''}`}>{count(failed)}</span>
        <span class="muted small">errors and timeouts</span>
      </div>
    </div>
  );
}

/** Every node holding a reboot slot now, across groups: who is rebooting, and who is stuck. */
function RebootingNow() {
  const { data, error } = useData(() => request<{ groups: RebootGroup[] }>('/reboot-groups').then((a) => a.groups), [], 'reboot');
  const holders = (data ?? []).flatMap((g) => g.holders.map((h) => ({ ...h, group: g.group })));
  const paused = (data ?? []).filter((g) => g.paused);
  return (
    <section class="panel" aria-labelledby="rebooting-h">
      <div class="section-head">
        <h2 id="rebooting-h">Rebooting now</h2>
        <a href={PAGE_ROUTES.rebootGroups} class="small">
          All reboot groups
        </a>
      </div>
      <Failure error={error} />
      {paused.length > 0 && <p class="note warn">Paused: {paused.map((g) => g.group).join(', ')}. Their nodes wait for a slot.</p>}
      {data && holders.length === 0 && <p class="muted small">No node holds a reboot slot.</p>}
      {holders.length > 0 && (
        <ul class="plain holders-now">
          {holders.map((h) => (
            <li key={`${h.group}/${h.id}`}>
              <code>{h.id}</code>
              <span class="muted small">
                in <a href={pagePath(PAGE_ROUTES.rebootGroup, { group: h.group })}>{h.group}</a> since {ago(h.since)}
              </span>
              {h.expired ? <Tone tone="bad">lease expired</Tone> : <span class="muted small">lease {duration(h.leaseLeftSeconds * 1000)} left</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
