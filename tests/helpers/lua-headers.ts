// Checks the Lua style the project follows: each script is `<name>-<numKeys>.lua`, touches only its
// declared KEYS, and opens with a comment block documenting every KEYS[i], ARGV[i] and its output.
// Replies carry codes by name from the one table (kernel/storage/redis/reply-codes.ts): the header
// names every code the script answers, each exists in the table, and no reply is a bare number.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ReplyCode } from '../../kernel/storage/redis/reply-codes.ts';

const codeNames = (text: string) => new Set([...text.matchAll(/ReplyCode\.(\w+)/g)].map((x) => x[1] as string));

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
    assertReplyCodes(file, header, body);
  }
  return files;
}

function assertReplyCodes(file: string, header: string, body: string): void {
  const documented = codeNames(header);
  for (const name of documented) assert.ok(Object.hasOwn(ReplyCode, name), `${file}: header names ReplyCode.${name}, which is no reply code`);
  const used = codeNames(body);
  for (const name of used) assert.ok(documented.has(name), `${file}: answers ReplyCode.${name} without naming it in its header`);
  if (used.size > 0) assert.match(body, /^--@include replyCodes\.lua$/m, `${file}: includes replyCodes.lua`);
  assert.doesNotMatch(body, /\breturn\s*\{?\s*-?\d/, `${file}: replies with codes by name, never a bare number`);
}
