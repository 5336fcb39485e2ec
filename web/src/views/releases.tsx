// Releases: the app's packages (one row per version, its architectures), its channels with the
// version each offers and where its rollout stands, and the promote form for roles that may.
// Loaded again on live ticks: a promotion from the CLI shows here too.
import { request, seg } from '../api/client.ts';
import type { Channel } from '../api/types.ts';
import { RolloutBadge, Tone } from '../components/badges.tsx';
import { ago, when } from '../components/format.ts';
import { Empty, Failure, Loading } from '../components/notes.tsx';
import { TablePanel } from '../components/table-panel.tsx';
import { pagePath, PAGE_ROUTES } from '../routes.ts';
import { appName, currentApp } from '../state/apps.ts';
import { useData } from '../state/use-data.ts';
import { PromoteForm } from './promote-form.tsx';

interface PackageInfo {
  version: string;
  arch: string;
  size: number;
  createdAt: number;
}

interface ReleaseData {
  packages: PackageInfo[];
  channels: Channel[];
}

async function loadReleases(app: string): Promise<ReleaseData> {
  const [{ packages }, { channels }] = await Promise.all([
    request<{ packages: PackageInfo[] }>(`/apps/${seg(app)}/packages`),
    request<{ channels: Channel[] }>(`/apps/${seg(app)}/channels`),
  ]);
  return { packages, channels };
}

/** Versions, newest first by publishing time, each with its architectures. */
function byVersion(packages: PackageInfo[]): { version: string; arches: string[]; size: number; createdAt: number }[] {
  const out = new Map<string, { version: string; arches: string[]; size: number; createdAt: number }>();
  for (const p of packages) {
    const row = out.get(p.version) ?? { version: p.version, arches: [], size: p.size, createdAt: p.createdAt };
    row.arches.push(p.arch);
    row.createdAt = Math.max(row.createdAt, p.createdAt);
    out.set(p.version, row);
  }
  return [...out.values()].sort((a, b) => b.createdAt - a.createdAt || b.version.localeCompare(a.version));
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

export function Releases() {
  const app = currentApp.value;
  const { data, error, reload } = useData(() => (app ? loadReleases(app) : Promise.resolve(null)), [app]);
  if (!app) return <Loading what="apps" />;
  const versions = data ? byVersion(data.packages) : [];
  return (
    <>
      <h1>Releases of {appName(app)}</h1>
      <Failure error={error} />
      {!data && !error && <Loading what="releases" />}
      {data && (
        <>
          <PromoteForm app={app} channels={data.channels} versions={versions.map((v) => v.version)} onDone={reload} />
          <Channels app={app} channels={data.channels} />
          {versions.length === 0 ? (
            <Empty>
              No packages yet: publish one with <code>platte package create</code>.
            </Empty>
          ) : (
            <TablePanel id="packages-h" title="Packages" columns={['Version', 'Architectures', 'Size', 'Published']}>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    <code>{v.version}</code>
                  </td>
                  <td>{v.arches.sort().join(', ')}</td>
                  <td class="nowrap">{mb(v.size)}</td>
                  <td class="nowrap" title={when(v.createdAt)}>
                    {ago(v.createdAt)}
                  </td>
                </tr>
              ))}
            </TablePanel>
          )}
        </>
      )}
    </>
  );
}

function Channels({ app, channels }: { app: string; channels: Channel[] }) {
  if (channels.length === 0) return <Empty>No channels yet.</Empty>;
  return (
    <TablePanel id="channels-h" title="Channels" columns={['Channel', 'Version', 'Rollout', 'Promoted']}>
      {channels.map((c) => (
        <tr key={c.name}>
          <td>{c.name}</td>
          <td>{c.version ? <code>{c.version}</code> : <span class="muted">none</span>}</td>
          <td>
            {c.rollout ? (
              <a href={pagePath(PAGE_ROUTES.rollout, { app, channel: c.name })} aria-label={`Rollout of ${c.name}: ${c.rollout.status}`}>
                <RolloutBadge state={c.rollout.status} /> {c.rollout.version}
              </a>
            ) : (
              <Tone tone="muted">none</Tone>
            )}
            {c.rollout && <StepOf r={c.rollout} />}
          </td>
          <td class="nowrap" title={when(c.updatedAt)}>
            {ago(c.updatedAt)} by {c.updatedBy}
          </td>
        </tr>
      ))}
    </TablePanel>
  );
}

/** "step 2 of 3, 50%" for a stepped plan that is still going. */
function StepOf({ r }: { r: NonNullable<Channel['rollout']> }) {
  const steps = r.plan?.kind === 'steps' ? (r.plan.steps ?? []) : [];
  const step = steps[r.stepIndex ?? -1];
  if (!step || r.status === 'completed' || r.status === 'aborted') return null;
  return (
    <span class="muted small">
      {' '}
      · step {(r.stepIndex ?? 0) + 1} of {steps.length}, {step.percent}%
    </span>
  );
}
