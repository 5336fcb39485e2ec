import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decideUpdate } from '../../server/domain/decide.ts';
import { indexRelease } from '../../server/domain/release-index.ts';
import { CHANNEL_DEFAULTS, type PackageRecord } from '../../server/domain/types.ts';
import { DEFAULT_POLICY } from '../../server/domain/rollout/policy.ts';

const pkg = (version: string, arch = 'amd64'): PackageRecord => ({ appId: 'a', version, arch, url: 'https://x/', name: 'u.gz', size: 1, sha256: 's', extraFiles: [], createdAt: 0 });
const index = indexRelease({
  epoch: 1,
  app: { id: 'a', name: 'A', createdAt: 0 },
  channels: [
    { appId: 'a', name: 'stable', version: '3510.2.0', updatedAt: 0, updatedBy: 'x', ...CHANNEL_DEFAULTS },
    { appId: 'a', name: 'empty', version: null, updatedAt: 0, updatedBy: 'x', ...CHANNEL_DEFAULTS },
  ],
  groups: [{ appId: 'a', id: 'prod', name: 'prod', track: 'prod-track', channel: 'stable', policy: DEFAULT_POLICY, createdAt: 0, updatedAt: 0 }],
  packages: [pkg('3510.2.0')],
  pulled: [], canaries: [],
});

it('grants the channel package to an older node', () => {
  const d = decideUpdate(index, { track: 'stable', version: '3374.2.0', arch: 'amd64' }, 0);
  assert.equal(d.kind, 'update');
  assert.equal(d.kind === 'update' && d.pkg.version, '3510.2.0');
  assert.equal(d.group, 'stable');
});

it('noupdate for equal or newer versions', () => {
  for (const v of ['3510.2.0', '3510.10.0', '4000']) {
    const d = decideUpdate(index, { track: 'stable', version: v, arch: 'amd64' }, 0);
    assert.deepEqual([d.kind, d.kind === 'noupdate' && d.reason], ['noupdate', 'up-to-date'], v);
  }
});

it('resolves tracks through groups, then channel names, else unknown', () => {
  assert.equal(decideUpdate(index, { track: 'prod-track', version: '1', arch: 'amd64' }, 0).group, 'prod');
  const u = decideUpdate(index, { track: 'nope', version: '1', arch: 'amd64' }, 0);
  assert.equal(u.kind === 'noupdate' && u.reason, 'unknown-track');
  assert.equal(u.group, '');
});

it('no version, other arch and pinning give noupdate with their reason', () => {
  const reason = (track: string, arch: string, prefix?: string) => {
    const d = decideUpdate(index, { track, version: '1.0.0', arch, ...(prefix ? { targetVersionPrefix: prefix } : {}) }, 0);
    return d.kind === 'noupdate' ? d.reason : d.kind;
  };
  assert.equal(reason('empty', 'amd64'), 'no-version');
  assert.equal(reason('stable', 'arm64'), 'no-package-for-arch');
  assert.equal(reason('stable', 'amd64', '3374.'), 'pinned');
  assert.equal(reason('stable', 'amd64', '3510.'), 'update');
});

it('a request that reports a failure gets no new grant in the same answer', () => {
  const d = decideUpdate(index, { track: 'stable', version: '3374.2.0', arch: 'amd64', reportsError: true }, 0);
  assert.equal(d.kind === 'noupdate' && d.reason, 'error-reported');
});
