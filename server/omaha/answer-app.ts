// Answers one <app> of an Omaha request: decide, record the check-in, build the app's answer.
import { normalizeAppId, normalizeMachineId } from '../domain/appid.ts';
import { archOfNode } from '../domain/arch.ts';
import { decideUpdate, type UpdateDecision } from '../domain/decide.ts';
import { planCheckIn } from '../domain/instance-state.ts';
import { EventResult } from './events.ts';
import type { PackageRecord } from '../domain/types.ts';
import type { InstanceAttrs, InstanceStore } from '../store/types.ts';
import type { RebootHooks } from '../../coordinator/index.ts';
import type { Logger } from '../log.ts';
import type { ReleaseCache } from './release-cache.ts';
import type { OmahaAppRequest, OmahaAppResponse, OmahaRequest, UpdateManifest } from './types.ts';

export interface AnswerDeps {
  releases: ReleaseCache;
  instances: InstanceStore;
  hooks: RebootHooks;
  log: Logger;
  now: () => number;
  pollInterval?: number;
}

/** A check-in refused for a stale config is retried with a fresh one this many times. */
const STALE_RETRIES = 3;

export function manifestOf(pkg: PackageRecord): UpdateManifest {
  return {
    version: pkg.version,
    urls: [pkg.url],
    sha256: pkg.sha256,
    packages: [
      { name: pkg.name, size: pkg.size, ...(pkg.sha1 ? { sha1: pkg.sha1 } : {}), required: true },
      ...pkg.extraFiles.map((f) => ({ name: f.name, size: f.size, sha256Hex: f.sha256Hex, ...(f.sha1 ? { sha1: f.sha1 } : {}), required: false })),
    ],
  };
}

function base(app: OmahaAppRequest): OmahaAppResponse {
  return { appIdRaw: app.appIdRaw, status: 'ok', ping: app.ping, events: app.events.length };
}

export async function answerApp(
  deps: AnswerDeps,
  req: OmahaRequest,
  app: OmahaAppRequest,
  ip: string,
): Promise<OmahaAppResponse> {
  const res = base(app);
  const appId = normalizeAppId(app.appIdRaw);
  if (!appId) return { ...res, status: 'error-invalidAppId', ping: false, events: 0 };
  if (!app.version) {
    // Nothing can be decided or recorded for a node that does not say what it runs.
    return { ...res, ...(app.updateCheck ? { updateCheck: { status: 'error-internal' as const } } : {}) };
  }

  let index = await deps.releases.get(appId);
  if (!index) return { ...res, status: 'error-unknownApplication', ping: false, events: 0 };

  const machineId = normalizeMachineId(app.machineId);
  const arch = archOfNode(app.board, req.os.arch, req.os.sp);
  const facts = {
    track: app.track || 'stable',
    version: app.version,
    arch,
    targetVersionPrefix: app.targetVersionPrefix,
    reportsError: app.events.some((e) => e.eventResult === EventResult.Error),
  };

  let decision: UpdateDecision = decideUpdate(index, facts);
  if (machineId) {
    for (let attempt = 0; ; attempt++) {
      const attrs: InstanceAttrs = {
        alias: app.machineAlias,
        ip,
        oem: app.oem,
        oemVersion: app.oemVersion,
        alephVersion: app.alephVersion,
        bootId: app.bootId,
        version: app.version,
        track: facts.track,
        group: decision.group,
        channel: decision.channel,
        arch,
      };
      const plan = planCheckIn(app, machineId, attrs, app.updateCheck ? decision : null, deps.now());
      const result = await deps.instances.applyCheckIn(appId, index.config.epoch, plan.change, deps.now());
      if (result.applied) {
        if (app.updateCheck && decision.kind === 'update') {
          const target = decision.pkg.version;
          await safely(deps, () => deps.hooks.onUpdateGranted(machineId, target));
        }
        if (plan.completed) await safely(deps, () => deps.hooks.onUpdateComplete(machineId, app.version));
        break;
      }
      if (attempt >= STALE_RETRIES) throw new Error(`config of app ${appId} kept changing during a check-in`);
      const fresh = await deps.releases.reload(appId);
      if (!fresh) return { ...res, status: 'error-unknownApplication', ping: false, events: 0 };
      index = fresh;
      decision = decideUpdate(index, facts);
    }
  }

  if (!app.updateCheck) return res;
  const poll = deps.pollInterval ? { pollInterval: deps.pollInterval } : {};
  if (decision.kind === 'update') {
    return { ...res, updateCheck: { status: 'ok', manifest: manifestOf(decision.pkg), ...poll } };
  }
  return { ...res, updateCheck: { status: 'noupdate', ...poll } };
}

/** The coordinator's bookkeeping must never fail a node's update check. */
async function safely(deps: AnswerDeps, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.warn({ err }, 'reboot coordinator hook failed');
  }
}
