// The page: the session decides between sign-in and the dashboard; the path picks the view from
// the route table Platte shares (routes.ts), and a path that is none of them shows "not found".
import { useEffect } from 'preact/hooks';
import { LocationProvider, useLocation } from 'preact-iso';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/notes.tsx';
import { isPageRoute, matchRoute, PAGE_ROUTES, type PageName } from './routes.ts';
import { chosenApp, currentApp, loadApps } from './state/apps.ts';
import { followApp, stopLive } from './state/live.ts';
import { session } from './state/session.ts';
import { Activity } from './views/activity.tsx';
import { InstancePage } from './views/instance.tsx';
import { Instances } from './views/instances.tsx';
import { NotFound } from './views/not-found.tsx';
import { Overview } from './views/overview.tsx';
import { RebootGroupPage, RebootGroups } from './views/reboot-groups.tsx';
import { Releases } from './views/releases.tsx';
import { RolloutPage } from './views/rollout.tsx';
import { SignIn } from './views/sign-in.tsx';

function decode(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

function view(path: string) {
  for (const [name, pattern] of Object.entries(PAGE_ROUTES) as [PageName, string][]) {
    const m = matchRoute(pattern, path);
    if (!m) continue;
    const p = decode(m);
    switch (name) {
      case 'overview':
        return <Overview />;
      case 'rollout':
        return <RolloutPage app={p.app ?? ''} channel={p.channel ?? ''} />;
      case 'rebootGroups':
        return <RebootGroups />;
      case 'rebootGroup':
        return <RebootGroupPage group={p.group ?? ''} />;
      case 'instances':
        return <Instances />;
      case 'instance':
        return <InstancePage app={p.app ?? ''} machineid={p.machineid ?? ''} />;
      case 'activity':
        return <Activity />;
      case 'releases':
        return <Releases />;
    }
  }
  return <NotFound />;
}

function Dashboard() {
  const loc = useLocation();
  const app = currentApp.value;
  useEffect(() => {
    void loadApps().catch(() => {});
  }, []);
  useEffect(() => {
    if (loc.query.app) chosenApp.value = loc.query.app;
  }, [loc.query.app]);
  useEffect(() => followApp(app), [app]);
  useEffect(() => {
    // Each page starts at the top and its heading is announced.
    document.title = `Platte · ${document.querySelector('main h1')?.textContent ?? ''}`;
  });
  return <Layout>{view(loc.path)}</Layout>;
}

function Gate() {
  const loc = useLocation();
  const who = session.value;
  useEffect(() => {
    if (!who) stopLive();
  }, [who]);
  if (!isPageRoute(loc.path) && !who) {
    return (
      <main id="main">
        <NotFound />
      </main>
    );
  }
  if (who === undefined) return <Loading what="your session" />;
  if (who === null) return <SignIn />;
  return <Dashboard />;
}

export function App() {
  return (
    <LocationProvider>
      <Gate />
    </LocationProvider>
  );
}
