#!/usr/bin/env node
// Entry point of the `platte` command: runs the compiled code in build/, which `npm run build`
// makes (`npm install` and `npm ci` run it through `prepare`), so no TypeScript is compiled at start.
import fs from 'node:fs';

const main = new URL('../build/platte/cli/main.js', import.meta.url);
if (!fs.existsSync(main)) {
  process.stderr.write('platte: the compiled code is missing (build/): run `npm run build` in the Platte checkout\n');
  process.exit(2);
}
await import(main.href);
