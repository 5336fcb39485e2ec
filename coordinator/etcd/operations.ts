// The etcd surface's use cases, each through the same service call (and so the same atomic store
// step) as FleetLock or the operator API: read a group's document, create it on first use, and
// carry out a compare-and-swap. Refusals become etcd error documents.
import { localText } from '../../kernel/time/window-parse.ts';
import { describeFull } from '../domain/describe.ts';
import type { PreRebootAnswer, RebootService, SlotState } from '../service.ts';
import { decideCas } from './cas.ts';
import { permissionProblem, unlockingOperator, type Caller } from './callers.ts';
import { nodeOf, semaphoreOf, type EtcdNode, type Semaphore } from './document.ts';
import { EtcdError, staleIndex } from './errors.ts';

export interface Answer {
  status: number;
  body: { action: string; node: EtcdNode; prevNode?: EtcdNode };
  /** X-Etcd-Index: the group's change counter after the request. */
  index: number;
}

function unknownGroup(key: string, group: string, limit?: number): EtcdError {
  const why =
    limit !== undefined
      ? `group ${JSON.stringify(group)} does not exist and this server already has ${limit} groups created on first use (--max-auto-groups)`
      : `group ${JSON.stringify(group)} does not exist (this server does not create groups on first use)`;
  return new EtcdError(100, `${key}: ${why}`);
}

async function stateOf(service: RebootService, key: string, group: string): Promise<SlotState> {
  const state = await service.slotState(group);
  if (!state) throw unknownGroup(key, group);
  return state;
}

/** GET: the document. */
export async function getSemaphore(service: RebootService, key: string, group: string): Promise<Answer> {
  const state = await stateOf(service, key, group);
  return { status: 200, body: { action: 'get', node: nodeOf(key, state) }, index: state.revision };
}

/** PUT ?prevExist=false: 201 when this created the group, 412 errorCode 105 when it exists. */
export async function createSemaphore(service: RebootService, key: string, group: string): Promise<Answer> {
  const made = await service.createOnFirstUse(group);
  if (made.kind === 'unknown-group') throw unknownGroup(key, group, made.limit);
  const state = await stateOf(service, key, group);
  if (made.kind === 'exists') throw new EtcdError(105, key, state.revision);
  return { status: 201, body: { action: 'create', node: nodeOf(key, state) }, index: state.revision };
}

/** Why a pre-reboot was turned away, in the words FleetLock uses. */
function refusal(group: string, r: Exclude<PreRebootAnswer, { kind: 'granted' | 'held' }>): string {
  const g = `group ${JSON.stringify(group)}`;
  switch (r.kind) {
    case 'full':
      return `semaphore is full: ${g}: ${describeFull(r.max, r.count, r.holders)}`;
    case 'paused':
      return `${g} is paused by an operator${r.reason ? `: ${r.reason}` : ''}`;
    case 'outside-window':
      return r.nextOpening === null
        ? `${g} is outside its reboot window`
        : `${g} is outside its reboot window; the next window opens ${new Date(r.nextOpening).toISOString()} (${localText(r.nextOpening, r.zone)})`;
    case 'unknown-group':
      return `${g} does not exist`;
  }
}

/** Carries out a compare-and-swap's operation as `caller`; an EtcdError when it may not or was refused. */
async function apply(service: RebootService, state: SlotState, current: Semaphore, written: Semaphore, caller: Caller): Promise<void> {
  const { group, revision } = state;
  const op = decideCas(current, written);
  if (op.kind === 'refuse') throw new EtcdError(101, op.why, revision);
  const denied = permissionProblem(op, caller, revision);
  if (denied) throw denied;
  switch (op.kind) {
    case 'none':
      return;
    case 'acquire': {
      const r = await service.preReboot(group, op.id);
      if (r.kind !== 'granted' && r.kind !== 'held') throw new EtcdError(101, refusal(group, r), revision);
      return;
    }
    case 'release': {
      const operator = unlockingOperator(op.id, caller);
      // Not held any more (given back meanwhile) is what the write asked for: success.
      if (operator) await service.forceUnlock(group, op.id, operator, 'locksmith unlock');
      else await service.steadyState(group, op.id);
      return;
    }
    case 'set-max': {
      const actor = caller.kind === 'token' ? caller.name : 'anonymous';
      if (!(await service.configure(group, { max: op.max }, actor, false))) throw new EtcdError(100, `group ${JSON.stringify(group)} does not exist`);
      return;
    }
  }
}

/**
 * PUT ?prevIndex=n: prevIndex must be the group's change counter now (412 errorCode 101 with
 * etcd's `[n != m]` otherwise); then the written document, compared with the current one, is one
 * operation carried out by the coordinator's atomic step. The answer's node is the document after it.
 */
export async function compareAndSwap(
  service: RebootService,
  key: string,
  group: string,
  prevIndex: number,
  written: Semaphore,
  caller: Caller,
): Promise<Answer> {
  const before = await stateOf(service, key, group);
  if (prevIndex !== before.revision) throw staleIndex(prevIndex, before.revision);
  await apply(service, before, semaphoreOf(before), written, caller);
  const after = await stateOf(service, key, group);
  return { status: 200, body: { action: 'compareAndSwap', node: nodeOf(key, after), prevNode: nodeOf(key, before) }, index: after.revision };
}

/** A PUT without prevIndex (and not the create): refused as a failed compare, with the index to use. */
export async function unconditionalWrite(service: RebootService, key: string, group: string): Promise<never> {
  const state = await stateOf(service, key, group);
  throw new EtcdError(101, 'a write must compare: send prevIndex (the node\'s modifiedIndex) or prevExist=false', state.revision);
}
