// Pulling a version: it is never offered again (the update decision skips it from the next check
// on, in every process, since the pull changes the app's config epoch), promoting it is refused,
// and every rollout of it halts for good (it can only be aborted).
import { ApiError } from '../../kernel/http/errors.ts';
import { compareVersions } from '../domain/version.ts';
import type { PulledRecord } from '../domain/types.ts';
import { applyRolloutAction, currentRollout } from './actions.ts';
import { emitAll, type RolloutDeps } from './deps.ts';

export async function pullVersion(deps: RolloutDeps, appId: string, version: string, reason: string, by: string): Promise<{ pulled: PulledRecord; haltedRollouts: string[] }> {
  const at = deps.now();
  const pulled: PulledRecord = { appId, version, reason, by, at };
  const r = await deps.store.pullPackage(pulled, {
    at, appId, kind: 'package-pulled', actor: by, message: `${version} pulled by ${by}: ${reason}`, data: { version, reason },
  });
  if (r === 'no-app') throw new ApiError('not_found', `no app ${appId}`);
  if (r === 'no-package') throw new ApiError('not_found', `no package of version ${version} in app ${appId}`);
  if (r === 'already') throw new ApiError('conflict', `${version} is already pulled`);
  deps.releases.invalidate(appId);
  await emitAll(deps, [{ type: 'package.pulled', at, appId, version, by, data: { reason } }]);
  return { pulled, haltedRollouts: await haltRolloutsOf(deps, appId, version, reason, by) };
}

/** Halts each channel's rollout of the pulled version; a rollout that finished meanwhile is left alone. */
async function haltRolloutsOf(deps: RolloutDeps, appId: string, version: string, reason: string, by: string): Promise<string[]> {
  const config = await deps.store.loadAppConfig(appId);
  const halted: string[] = [];
  for (const channel of config?.channels ?? []) {
    const r = currentRollout(channel);
    if (!r || compareVersions(r.version, version) !== 0) continue;
    const after = await applyRolloutAction(deps, appId, channel.name, (cur) =>
      cur.status === 'completed' || cur.status === 'aborted' || cur.pulled ? null : { type: 'pull', by, why: reason },
    );
    if (after?.pulled) halted.push(channel.name);
  }
  return halted;
}
