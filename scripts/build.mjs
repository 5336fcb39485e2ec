#!/usr/bin/env node
// `npm run build` (also run by `npm install` through `prepare`): compiles the TypeScript sources
// once into build/, so the `platte` command starts without compiling at every call. Files tsc
// does not emit (the Redis Lua scripts) are copied beside the compiled code that loads them. Then
// Vite builds the dashboard (web/) into build/dashboard (scripts/build-web.mjs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build');
const ASSET = /\.lua$/;

fs.rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
for (const dir of tsconfig.include) {
  fs.cpSync(path.join(root, dir), path.join(out, dir), {
    recursive: true,
    filter: (src) => fs.statSync(src).isDirectory() || ASSET.test(src),
  });
}

const { buildDashboard } = await import('./build-web.mjs');
await buildDashboard();
