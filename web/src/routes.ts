// The dashboard's pages, by path. The page's router renders them, and Platte reads the same table
// to answer a path that is none of them with 404 (the page then shows its own "not found"). No
// browser or Preact code here: the server imports this file.

export const PAGE_ROUTES = {
  overview: '/',
  rollout: '/rollouts/:app/:channel',
  rebootGroups: '/reboot-groups',
  rebootGroup: '/reboot-groups/:group',
  instances: '/instances',
  instance: '/instances/:app/:machineid',
  activity: '/activity',
  releases: '/releases',
} as const;

export type PageName = keyof typeof PAGE_ROUTES;

const segments = (path: string) => path.replace(/\/+$/, '').split('/').slice(1);

/** The parameters of `path` under `pattern` (`:name` matches one non-empty segment), or null. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = segments(pattern);
  const got = segments(path);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = g;
    } else if (w !== g) return null;
  }
  return params;
}

/** Whether `path` is one of the dashboard's pages. */
export function isPageRoute(path: string): boolean {
  return Object.values(PAGE_ROUTES).some((p) => matchRoute(p, path) !== null);
}

/** A page's path with its parameters filled in (each encoded as one segment). */
export function pagePath(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([a-z]+)/gi, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
