// The frame of every page: a skip link, the header (pages, the app choice, how live the data is,
// who is signed in, sign out) and the main region.
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { PAGE_ROUTES } from '../routes.ts';
import { apps, currentApp } from '../state/apps.ts';
import { liveMode } from '../state/live.ts';
import { session, signOut } from '../state/session.ts';

const NAV: [string, string][] = [
  [PAGE_ROUTES.overview, 'Overview'],
  [PAGE_ROUTES.rebootGroups, 'Reboot slots'],
  [PAGE_ROUTES.instances, 'Instances'],
  [PAGE_ROUTES.activity, 'Activity'],
  [PAGE_ROUTES.releases, 'Releases'],
];

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' || path.startsWith('/rollouts/') : path === href || path.startsWith(`${href}/`);
}

function AppChoice() {
  const loc = useLocation();
  const list = apps.value ?? [];
  if (list.length < 2) return null;
  return (
    <label class="app-choice">
      <span class="visually-hidden">App</span>
      <select
        value={currentApp.value ?? ''}
        onChange={(e) => {
          const q = new URLSearchParams(loc.query);
          q.set('app', (e.target as HTMLSelectElement).value);
          loc.route(`${loc.path}?${q}`);
        }}
      >
        {list.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  const loc = useLocation();
  const who = session.value;
  const live = liveMode.value;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          <span class="logo" aria-hidden="true" /> Platte
        </a>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <a key={href} href={href} aria-current={isCurrent(href, loc.path) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <AppChoice />
        <span class={`live-state ${live === 'live' ? 'is-live' : ''}`} role="status" title={live === 'live' ? 'Updates arrive as they happen' : 'Updates are fetched every few seconds'}>
          {live === 'live' ? 'live' : 'polling'}
        </span>
        {who && (
          <span class="who">
            <span class="name">{who.name}</span> <span class="badge tone-muted">{who.role}</span>
          </span>
        )}
        <button type="button" class="quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
