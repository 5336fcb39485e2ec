// Registers Lua scripts with ioredis' defineCommand. A script file is named
// `<name>-<numberOfKeys>.lua`; the command gets the name `<name>_v<SCRIPT_VERSION>` so two
// deployments of different versions sharing one Redis never run each other's scripts.
// `--@include <file>` lines pull in helpers from the folder's includes/ directory, or one of the
// includes every folder shares (SHARED_INCLUDES), which are generated from TypeScript.
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { replyCodesLua } from './reply-codes.ts';

/** Bumped whenever a script's KEYS, ARGV or reply changes. */
export const SCRIPT_VERSION = 8;

/** Includes that are not files of a scripts folder: the same text in every family's scripts. */
const SHARED_INCLUDES = new Map<string, () => string>([['replyCodes.lua', replyCodesLua]]);

function expandIncludes(source: string, dir: string): string {
  return source.replace(/^--@include\s+(\S+)\s*$/gm, (_, file: string) => {
    const shared = SHARED_INCLUDES.get(file);
    if (!shared) return fs.readFileSync(path.join(dir, 'includes', file), 'utf8');
    if (fs.existsSync(path.join(dir, 'includes', file))) throw new Error(`${dir}/includes/${file} shadows the shared include ${file}`);
    return shared();
  });
}

/** Defines every `*.lua` script in `dir` on `redis`; returns the defined command names. */
export function defineScripts(redis: Redis, dir: string): string[] {
  const names: string[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^(.+)-(\d+)\.lua$/.exec(file);
    if (!m) continue;
    const [, base, keys] = m as unknown as [string, string, string];
    const name = `${base}_v${SCRIPT_VERSION}`;
    if (names.includes(name)) throw new Error(`duplicate Lua script name ${base} in ${dir}`);
    const lua = expandIncludes(fs.readFileSync(path.join(dir, file), 'utf8'), dir);
    redis.defineCommand(name, { numberOfKeys: Number(keys), lua });
    names.push(name);
  }
  return names;
}

/** Calls a command defined by defineScripts. */
export function runScript<T>(redis: Redis, name: string, keys: string[], args: (string | number)[]): Promise<T> {
  const fn = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[`${name}_v${SCRIPT_VERSION}`];
  if (!fn) throw new Error(`Lua script ${name} is not defined`);
  return fn.call(redis, ...keys, ...args);
}
