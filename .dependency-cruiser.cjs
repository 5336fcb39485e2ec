// The import rule of docs/architecture.md, checked by `npm test` (npm run lint:deps):
//   kernel ← protocol ← {server, coordinator, client-sim} ← platte (the composition root)
// Type imports count: an import circle through types is still a circle.
const LAYERS = ['kernel', 'protocol', 'server', 'coordinator', 'client-sim', 'web', 'platte'];

/** What each top-level folder may import besides itself (and packages). */
const ALLOWED = {
  kernel: [],
  protocol: ['kernel'],
  server: ['kernel', 'protocol'],
  coordinator: ['kernel', 'protocol'],
  'client-sim': ['kernel', 'protocol'],
  web: ['kernel', 'protocol'],
  platte: ['kernel', 'protocol', 'server', 'coordinator', 'client-sim', 'web'],
};

const layerRules = Object.entries(ALLOWED).map(([from, allowed]) => {
  const forbidden = LAYERS.filter((l) => l !== from && !allowed.includes(l));
  return {
    name: `${from}-imports-downward-only`,
    comment: `${from}/ may import only ${allowed.length ? allowed.join(', ') : 'packages and itself'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^${from}/` },
    to: { path: `^(${forbidden.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import circles, type imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'domain-is-pure',
      comment: 'a domain folder decides; it imports no store, HTTP, Omaha route, API or CLI code',
      severity: 'error',
      from: { path: '^(server|coordinator)/domain/' },
      to: { path: '^(server|coordinator)/(store|http|api|cli|omaha)/' },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: `^(${LAYERS.join('|')})/` },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
