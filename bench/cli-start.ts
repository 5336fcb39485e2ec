// How long the `platte` command takes to start: `platte --help` and `platte serve --help` (the
// compiled code in build/, every command registered) against `node -e 0`, the least a Node
// command can cost, measured in the same run and interleaved so machine load hits all alike.
// Run: npm run build && node --import tsx bench/cli-start.ts [runs]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 15);
const BIN = fileURLToPath(new URL('../bin/platte.js', import.meta.url));
if (!existsSync(new URL('../build/platte/cli/main.js', import.meta.url))) {
  process.stderr.write('bench/cli-start: run `npm run build` first\n');
  process.exit(2);
}

const CASES: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'platte --help': [BIN, '--help'],
  'platte serve --help': [BIN, 'serve', '--help'],
};

function once(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return performance.now() - start;
}

const times = new Map<string, number[]>(Object.keys(CASES).map((name) => [name, []]));
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(CASES)) times.get(name)!.push(once(args));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get('node -e 0')!);
process.stdout.write(`start time, median of ${RUNS} runs\n`);
for (const [name, xs] of times) {
  const m = median(xs);
  process.stdout.write(`  ${name.padEnd(22)} ${m.toFixed(0).padStart(5)} ms   ${(m / base).toFixed(2)}× node -e 0\n`);
}
