// Answers one <app> of an Omaha request: decide, record the check-in, build the app's answer.
import { normalizeAppId, normalizeMachineId } from '../../protocol/omaha/appid.ts';
import { archOfNode } from '../domain/arch.ts';
import { errorCodeBucket } from '../domain/failure-counters.ts';
import { decideUpdate, pacingRebootGroup, type NodeFacts, type UpdateDecision } from '../domain/decide.ts';
import { bucketOf } from '../domain/rollout/bucket.ts';
import type { ReleaseIndex } from '../domain/release-index.ts';
import { checkInCompleted, planCheckIn } from '../domain/instance-state.ts';
import { EventResult } from '../../protocol/omaha/events.ts';
import type { InstanceStatus, LimitHold, PackageRecord } from '../domain/types.ts';
import type { EventSink, PlatteEvent } from '../rollout/events.ts';
import { emitAll } from '../rollout/deps.ts';
import type { InstanceAttrs, InstanceStore } from '../store/types.ts';
import type { UpdateObserver } from '../deps.ts';
import type { Logger } from '../../kernel/log.ts';
import { StoreContentionError } from '../../kernel/storage/unavailable.ts';
import type { ReleaseCache } from './release-cache.ts';
import type { OmahaAppRequest, OmahaAppResponse, OmahaRequest, UpdateManifest } from '../../protocol/omaha/types.ts';

export interface AnswerDeps {
  releases: ReleaseCache;
  instances: InstanceStore;
  observer: UpdateObserver;
  /** Told when a node fails an update (webhooks' node.failed); never awaited by the check. */
  events?: EventSink;
  log: Logger;
  now: () => number;
  pollInterval?: number;
}

/**
 * A check-in refused for a stale config is decided again on a newer one, again and again: each
 * refusal means another release write landed, so the retries make progress. These bounds only stop
 * a store that keeps refusing, or a writer faster than one check-in's two round trips.
 */
const STALE_RETRY_LIMIT = 500;
const STALE_RETRY_MS = 2_000;

function manifestOf(pkg: PackageRecord): UpdateManifest {
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

  const index = await deps.releases.get(appId);
  if (!index) return { ...res, status: 'error-unknownApplication', ping: false, events: 0 };

  const machineId = normalizeMachineId(app.machineId);
  const arch = archOfNode(app.board, req.os.arch, req.os.sp);
  const facts = {
    track: app.track || 'stable',
    version: app.version,
    arch,
    targetVersionPrefix: app.targetVersionPrefix,
    reportsError: app.events.some((e) => e.eventResult === EventResult.Error),
    ...(machineId ? { bucket: bucketOf(appId, machineId), canary: index.canaries.has(machineId) } : {}),
  };
  const decision = machineId
    ? await recordCheckIn(deps, { appId, machineId, app, facts, ip }, index)
    : decideUpdate(index, await withRebootSlots(deps, index, facts), deps.now());
  if (!decision) return { ...res, status: 'error-unknownApplication', ping: false, events: 0 };

  if (!app.updateCheck) return res;
  const poll = deps.pollInterval ? { pollInterval: deps.pollInterval } : {};
  if (decision.kind === 'update') {
    return { ...res, updateCheck: { status: 'ok', manifest: manifestOf(decision.pkg), ...poll } };
  }
  return { ...res, updateCheck: { status: 'noupdate', ...poll } };
}

interface CheckIn {
  appId: string;
  machineId: string;
  app: OmahaAppRequest;
  facts: NodeFacts;
  ip: string;
}

function attrsOf({ app, facts, ip }: CheckIn, decision: UpdateDecision): InstanceAttrs {
  return {
    alias: app.machineAlias,
    ip,
    oem: app.oem,
    oemVersion: app.oemVersion,
    alephVersion: app.alephVersion,
    bootId: app.bootId,
    version: facts.version,
    track: facts.track,
    group: decision.group,
    channel: decision.channel,
    arch: facts.arch,
    held: app.updateCheck && decision.kind === 'noupdate' && decision.reason !== 'up-to-date' ? decision.reason : '',
  };
}

/**
 * Decides and records one check-in in one store step. The step is refused when the app's config
 * changed since `first` was read; the check-in is then decided again on the newest config (see
 * STALE_RETRY_LIMIT). Null when the app is gone.
 */
async function recordCheckIn(deps: AnswerDeps, c: CheckIn, first: ReleaseIndex): Promise<UpdateDecision | null> {
  const started = deps.now();
  let index = first;
  /** Set when the store found the group's limits binding: the same check-in is then recorded as held. */
  let held: LimitHold | null = null;
  for (let attempt = 1; ; attempt++) {
    const decision = heldBack(decideUpdate(index, await withRebootSlots(deps, index, c.facts), deps.now()), held);
    const { app, facts } = c;
    const plan = planCheckIn(app, c.machineId, attrsOf(c, decision), app.updateCheck ? decision : null, deps.now(), index);
    const epoch = index.config.epoch;
    const result = await deps.instances.applyCheckIn(c.appId, epoch, plan.change, deps.now());
    if (result.applied) {
      if (app.updateCheck && decision.kind === 'update') {
        const target = decision.pkg.version;
        await safely(deps, () => deps.observer.onUpdateGranted(c.machineId, target));
      }
      if (checkInCompleted(plan, result)) await safely(deps, () => deps.observer.onUpdateComplete(c.machineId, facts.version));
      if (plan.change.error && result.status === 'error' && result.previousStatus !== 'error') {
        await countErrorCode(deps, c, decision.channel, plan.change.error.code);
        tellFailure(deps, c, decision.channel, plan.change.error, result.previousStatus);
      }
      return decision;
    }
    if (result.reason === 'held') {
      held = result.hold;
      continue;
    }
    if (attempt >= STALE_RETRY_LIMIT || deps.now() - started > STALE_RETRY_MS) {
      // Contention, not a bug: the node is told to come back (a 503), as during an outage.
      throw new StoreContentionError(`config of app ${c.appId} kept changing during a check-in (${attempt} tries)`);
    }
    const fresh = await deps.releases.newerThan(c.appId, epoch);
    if (!fresh) return null;
    // The store refused `epoch` yet reports no newer one (the app recreated meanwhile, say): retrying
    // now could not end, a later check-in may succeed.
    if (fresh.config.epoch <= epoch) {
      throw new StoreContentionError(`store refused epoch ${epoch} of app ${c.appId} but reports epoch ${fresh.config.epoch}`);
    }
    index = fresh;
    // A hold was found on the old config; the new one is decided afresh.
    held = null;
  }
}

/** The facts with the reboot group's slots when the node's group paces by them (one cached lookup). */
async function withRebootSlots(deps: AnswerDeps, index: ReleaseIndex, facts: NodeFacts): Promise<NodeFacts> {
  const group = pacingRebootGroup(index, facts.track);
  if (group === null) return facts;
  let slots: number | null = null;
  try {
    slots = await deps.observer.rebootSlots(group);
  } catch (err) {
    // Unknown capacity: grant nothing paced by it rather than overfill the reboot group.
    deps.log.warn({ err, group }, 'reboot group capacity unavailable');
  }
  return { ...facts, rebootSlots: slots };
}

/**
 * node.failed for a node whose check-in moved it to `error` (an x/0 event, a rollback report). The
 * event is handed over without waiting: a slow listener must not slow the node's answer.
 */
function tellFailure(deps: AnswerDeps, c: CheckIn, channel: string, error: { code: number; name: string }, previous: InstanceStatus | null): void {
  if (!deps.events || previous === 'error') return;
  const event: PlatteEvent = {
    type: 'node.failed',
    at: deps.now(),
    appId: c.appId,
    ...(channel ? { channel } : {}),
    version: c.facts.version,
    data: { machineId: c.machineId, errorCode: error.code, errorName: error.name, previousStatus: previous },
  };
  void emitAll({ events: deps.events, log: deps.log }, [event]);
}

/**
 * Counts a node's entry into `error` under its error code for the rollout it was granted
 * (counters.ts errorCodeBucket), read from its stored target. Only on the check-in that moved it
 * to error, so a failing fleet costs one read and one increment per failure; a store failure here
 * loses the count, never the check-in.
 */
async function countErrorCode(deps: AnswerDeps, c: CheckIn, channel: string, code: number): Promise<void> {
  try {
    const target = (await deps.instances.getInstance(c.appId, c.machineId))?.targetVersion ?? '';
    const bucket = errorCodeBucket(channel, target, code);
    if (bucket !== null) await deps.instances.countFailure(c.appId, bucket);
  } catch (err) {
    deps.log.warn({ err, appId: c.appId }, 'counting an error code failed');
  }
}

/** A grant the store refused under the group's limits becomes the noupdate it is recorded as. */
function heldBack(decision: UpdateDecision, hold: LimitHold | null): UpdateDecision {
  if (hold === null || decision.kind !== 'update') return decision;
  return { kind: 'noupdate', reason: hold, channelVersion: decision.pkg.version, group: decision.group, channel: decision.channel };
}

/** The coordinator's bookkeeping must never fail a node's update check. */
async function safely(deps: AnswerDeps, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.warn({ err }, 'reboot coordinator hook failed');
  }
}
