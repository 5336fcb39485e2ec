// Checks the Lua style the project follows: each script is `<name>-<numKeys>.lua`, touches only its
// declared KEYS, and opens with a comment block documenting every KEYS[i], ARGV[i] and its output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** Asserts the style for every script in `dir`; returns the file names. */
export function assertLuaScriptsDocumented(dir: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.lua'));
  for (const file of files) {
    const m = /^[a-zA-Z]+-(\d+)\.lua$/.exec(file);
    assert.ok(m, `${file}: name`);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const header = /^--\[\[([\s\S]*?)\]\]/.exec(text)?.[1] ?? '';
    const body = text.slice(text.indexOf(']]') + 2);
    const usedKeys = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((x) => Number(x[1]));
    assert.ok(Math.max(0, ...usedKeys) <= Number(m[1]), `${file}: uses only its declared keys`);
    for (let i = 1; i <= Number(m[1]); i++) assert.match(header, new RegExp(`KEYS\\[${i}\\]`), `${file}: documents KEYS[${i}]`);
    for (const n of new Set([...body.matchAll(/ARGV\[(\d+)\]/g)].map((x) => x[1]))) {
      assert.match(header, new RegExp(`ARGV\\[${n}\\]`), `${file}: documents ARGV[${n}]`);
    }
    assert.match(header, /Output:/, `${file}: documents its output`);
  }
  return files;
}
