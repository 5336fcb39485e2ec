// Every `platte` run registers every command, so registration must be cheap and complete: each
// command, argument and option explains itself in --help, and the command files import only
// commander and small modules at their top (the HTTP client, cli-table3 and the protocol tables
// are loaded by the action that needs them).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerLocksCommand } from '../../coordinator/cli.ts';
import { registerReleaseCommands } from '../../server/cli/release.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function* commands(cmd: Command, prefix = ''): Generator<[string, Command]> {
  for (const sub of cmd.commands) {
    const name = `${prefix}${sub.name()}`;
    yield [name, sub];
    yield* commands(sub, `${name} `);
  }
}

it('every release and locks command, argument and option has a help text', () => {
  const program = new Command('platte');
  registerReleaseCommands(program);
  registerLocksCommand(program);
  const missing: string[] = [];
  let seen = 0;
  for (const [name, cmd] of commands(program)) {
    seen++;
    if (!cmd.description()) missing.push(`platte ${name}`);
    for (const a of cmd.registeredArguments) if (!a.description) missing.push(`platte ${name} <${a.name()}>`);
    for (const o of cmd.options) if (!o.description) missing.push(`platte ${name} ${o.flags}`);
  }
  assert.ok(seen > 20, `walked ${seen} commands`);
  assert.deepEqual(missing, []);
});

/** Modules reached from `entry` through imports that stay at run time (`import type` is erased). */
function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [path.join(ROOT, entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec));
      else packages.add(spec);
    }
  }
  return { files: new Set([...files].map((f) => path.relative(ROOT, f))), packages };
}

it('the command files import only commander and small modules when registered', () => {
  for (const entry of ['server/cli/release.ts', 'coordinator/cli.ts']) {
    const { files, packages } = staticImports(entry);
    assert.deepEqual([...packages], ['commander'], `${entry} loads packages at registration`);
    for (const lazy of ['kernel/cli/client.ts', 'protocol/omaha/events.ts', 'protocol/omaha/error-codes.ts', 'server/cli/instance-view.ts', 'server/cli/file-digest.ts']) {
      assert.ok(!files.has(lazy), `${entry} loads ${lazy} at registration`);
    }
    for (const f of files) {
      const lines = fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length;
      assert.ok(lines <= 200, `${f} (${lines} lines) is loaded at registration: keep command files small`);
    }
  }
});
