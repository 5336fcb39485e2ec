import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareVersions, isValidVersion, versionParts } from '../../server/domain/version.ts';
import { archOfNode } from '../../server/domain/arch.ts';
import { normalizeAppId } from '../../protocol/omaha/appid.ts';

it('compares versions numerically per component', () => {
  assert.ok(compareVersions('3510.2.0', '3510.10.0') < 0);
  assert.ok(compareVersions('3510.10.0', '3510.2.0') > 0);
  assert.equal(compareVersions('3510.2', '3510.2.0'), 0);
  assert.ok(compareVersions('ForcedUpdate', '1.0.0') < 0);
  assert.ok(compareVersions('0.0.0.0', '3510.2.0') < 0);
  assert.deepEqual(versionParts('3510.2.0_x86'), [3510, 2, 0]);
});

it('validates release versions', () => {
  for (const v of ['3510.2.0', '1', '1.2.3.4']) assert.ok(isValidVersion(v), v);
  for (const v of ['', '1.2.3.4.5', 'v1.2', '1..2', '1.2.x', ' 1.2']) assert.ok(!isValidVersion(v), v);
});

it('derives the arch from board, os@arch or os@sp', () => {
  assert.equal(archOfNode('amd64-usr', '', ''), 'amd64');
  assert.equal(archOfNode('arm64-usr', '', ''), 'arm64');
  assert.equal(archOfNode('', 'x64', ''), 'amd64');
  assert.equal(archOfNode('', 'aarch64', ''), 'arm64');
  assert.equal(archOfNode('', '', '3510.2.0_x86_64'), 'amd64');
  assert.equal(archOfNode('riscv-usr', '', ''), 'unknown:riscv-usr');
});

it('normalises app ids', () => {
  assert.equal(normalizeAppId('{E96281A6-D1AF-4BDE-9A0A-97B76E56DC57}'), 'e96281a6-d1af-4bde-9a0a-97b76e56dc57');
});
