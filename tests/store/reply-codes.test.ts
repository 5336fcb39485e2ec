// The one table of Lua reply codes (kernel/storage/redis/reply-codes.ts): every code distinct, every
// script of both store families naming its codes from it, and the Lua include generated from it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { classify } from '../../kernel/http/errors.ts';
import { replyCodeName, replyCodesLua, ReplyCode, unexpectedReply, UnexpectedReplyError } from '../../kernel/storage/redis/reply-codes.ts';
import { defineScripts } from '../../kernel/storage/redis/scripts.ts';
import { assertLuaScriptsDocumented } from '../helpers/lua-headers.ts';

const LUA_DIRS = ['../../server/store/redis/lua', '../../coordinator/store/redis/lua'].map((d) => fileURLToPath(new URL(d, import.meta.url)));

describe('redis reply codes', () => {
  it('every code is distinct: a number means one thing in every script', () => {
    const values = Object.values(ReplyCode);
    assert.equal(new Set(values).size, values.length);
    for (const v of values) assert.ok(Number.isInteger(v), `${v}`);
    for (const [name, code] of Object.entries(ReplyCode)) assert.equal(replyCodeName(code), name);
  });

  it("every Lua script of both families names its codes in its header, from the table, never as numbers", () => {
    const scripts = LUA_DIRS.flatMap((dir) => assertLuaScriptsDocumented(dir));
    assert.ok(scripts.length >= 15, `${scripts.length} scripts`);
  });

  it('the header check catches a code that is not in the table, one not named, and a bare number', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lua-'));
    const script = (output: string, body: string) =>
      fs.writeFileSync(path.join(dir, 'x-0.lua'), `--[[\n  Output: ${output}\n]]\n--@include replyCodes.lua\n${body}\n`);
    try {
      script('ReplyCode.ok, ReplyCode.nope', 'return ReplyCode.ok');
      assert.throws(() => assertLuaScriptsDocumented(dir), /ReplyCode\.nope, which is no reply code/);
      script('ReplyCode.ok', 'return ReplyCode.full');
      assert.throws(() => assertLuaScriptsDocumented(dir), /answers ReplyCode\.full without naming it/);
      script('ReplyCode.ok', 'if x then return {-1} end\nreturn ReplyCode.ok');
      assert.throws(() => assertLuaScriptsDocumented(dir), /never a bare number/);
      script('ReplyCode.ok', 'return ReplyCode.ok');
      assert.deepStrictEqual(assertLuaScriptsDocumented(dir), ['x-0.lua']);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('the generated include defines the same table in Lua', () => {
    const lua = replyCodesLua();
    const table = /local ReplyCode = \{(.*)\}/.exec(lua)?.[1] ?? '';
    const parsed = Object.fromEntries(table.split(', ').map((f) => f.split(' = ') as [string, string]).map(([k, v]) => [k, Number(v)]));
    assert.deepStrictEqual(parsed, { ...ReplyCode });
  });

  it('the loader gives every scripts folder the generated include, and refuses a folder file that shadows it', () => {
    for (const dir of LUA_DIRS) {
      const defined = new Map<string, string>();
      const fake = { defineCommand: (name: string, def: { lua: string }) => defined.set(name, def.lua) } as unknown as Redis;
      defineScripts(fake, dir);
      for (const [name, lua] of defined) {
        assert.doesNotMatch(lua, /^--@include/m, `${name}: every include expanded`);
        if (lua.includes('ReplyCode.')) assert.ok(lua.includes(replyCodesLua()), `${name}: has the generated table`);
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lua-'));
    try {
      fs.mkdirSync(path.join(dir, 'includes'));
      fs.writeFileSync(path.join(dir, 'includes', 'replyCodes.lua'), 'local ReplyCode = {ok = 7}\n');
      fs.writeFileSync(path.join(dir, 'x-0.lua'), '--@include replyCodes.lua\nreturn ReplyCode.ok\n');
      const fake = { defineCommand: () => {} } as unknown as Redis;
      assert.throws(() => defineScripts(fake, dir), /shadows the shared include replyCodes\.lua/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('an unexpected reply is an error naming the script and the code: a bug, never a refusal', () => {
    const err = unexpectedReply('slotApply', [ReplyCode.full, 1, 1, '[]']);
    assert.ok(err instanceof UnexpectedReplyError);
    assert.match(err.message, /slotApply returned an unexpected reply \(full\): \[-8,1,1,"\[\]"\]/);
    assert.equal(classify(err).kind, 'bug');
  });
});
