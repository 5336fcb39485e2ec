#!/usr/bin/env node
// Builds the dashboard (web/) with Vite into build/dashboard, which Platte serves at `/`
// (platte/web-page.ts). Run by scripts/build.mjs; on its own: `node scripts/build-web.mjs`.
// `--dev` instead starts Vite's dev server with hot reload, sending /api to a running Platte
// (PLATTE_URL, default http://127.0.0.1:8080).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DASHBOARD_OUT = path.join(root, 'build', 'dashboard');

function config(dev) {
  return {
    root: path.join(root, 'web'),
    base: '/',
    configFile: false,
    logLevel: dev ? 'info' : 'warn',
    // Preact's JSX runtime (web/tsconfig.json says the same to the type checker).
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: { outDir: DASHBOARD_OUT, emptyOutDir: true, target: 'es2022', sourcemap: false },
    server: { proxy: { '/api': process.env.PLATTE_URL ?? 'http://127.0.0.1:8080' } },
  };
}

export async function buildDashboard() {
  await build(config(false));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--dev')) {
    const server = await createServer(config(true));
    await server.listen();
    server.printUrls();
  } else {
    await buildDashboard();
  }
}
