// FleetLock endpoints (the protocol Zincati speaks): POST <any prefix>/v1/pre-reboot and
// /v1/steady-state, with or without a trailing slash. Errors are rendered here as {kind, value}
// (FleetLock's renderer of the error contract, kernel/http/errors.ts); nothing reaches the JSON API
// boundary, not even for a path that only looks like FleetLock.
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { z } from 'zod';
import { classify, logFailure } from '../../kernel/http/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import { withDeadline } from '../../kernel/storage/unavailable.ts';
import { decodeUtf8 } from '../../kernel/unicode.ts';
import { describeFull } from '../domain/describe.ts';
import { localText } from '../../kernel/time/window-parse.ts';
import type { RebootService } from '../service.ts';
import { FleetLockError } from '../../protocol/fleetlock/errors.ts';
import { GROUP_MAX, GROUP_PATTERN, holderIdProblem } from '../../protocol/fleetlock/names.ts';

const FLEETLOCK_MAX_BODY = 16 * 1024;
/** A FleetLock operation whose store calls take longer than this answers store_unavailable. */
const STORE_DEADLINE_MS = 3_000;

const BODY_SHAPE = '{"client_params": {"id": "...", "group": "..."}}';

const bodySchema = z.object({
  client_params: z.object({
    // One message per id: the first rule it breaks.
    id: z.string({ error: 'client_params.id must be a string' }).superRefine((id, ctx) => {
      const problem = holderIdProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: `client_params.id ${problem}` });
    }),
    group: z
      .string({ error: 'client_params.group must be a string' })
      .max(GROUP_MAX, `client_params.group is longer than ${GROUP_MAX} characters`)
      .regex(GROUP_PATTERN, `client_params.group must match ${GROUP_PATTERN.source}`),
  }, { error: 'body must have a client_params object {"id": "...", "group": "..."}' }),
}, { error: `body must be a JSON object ${BODY_SHAPE}` });

type Operation = 'pre-reboot' | 'steady-state';

/** An endpoint path, with or without one trailing slash (Zincati joins `v1/pre-reboot` onto its base URL). */
const ENDPOINT = /\/v1\/(pre-reboot|steady-state)\/?$/;
/** Deeper paths under an endpoint name: not FleetLock, but answered in FleetLock's shape. */
const LOOKALIKE = /\/v1\/(pre-reboot|steady-state)\//;

function operationOf(path: string): Operation | 'lookalike' | null {
  const m = ENDPOINT.exec(path);
  if (m) return m[1] as Operation;
  return LOOKALIKE.test(path) ? 'lookalike' : null;
}

async function readClient(ctx: Context): Promise<{ id: string; group: string }> {
  if (ctx.get('fleet-lock-protocol').trim().toLowerCase() !== 'true') {
    throw new FleetLockError('bad_request', 'missing header "fleet-lock-protocol: true"');
  }
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, { limit: FLEETLOCK_MAX_BODY });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') {
      throw new FleetLockError('bad_request', `body larger than ${FLEETLOCK_MAX_BODY} bytes`, undefined, 413);
    }
    throw new FleetLockError('bad_request', 'could not read the request body');
  }
  // Strict: a lenient decoder would turn every bad byte into U+FFFD and merge distinct ids.
  const text = decodeUtf8(bytes);
  if (text === null) throw new FleetLockError('bad_request', 'body is not valid UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FleetLockError('bad_request', `body is not valid JSON; expected ${BODY_SHAPE}`);
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) throw new FleetLockError('bad_request', parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data.client_params;
}

async function preReboot(service: RebootService, group: string, id: string): Promise<Record<string, unknown>> {
  const r = await service.preReboot(group, id);
  switch (r.kind) {
    case 'granted':
    case 'held':
      return {
        group,
        id,
        already_held: r.kind === 'held',
        fencing_token: r.holder.fencingToken,
        since: new Date(r.holder.since).toISOString(),
        lease_until: new Date(r.holder.leaseUntil).toISOString(),
        lease_expired: r.holder.expiredAt !== null,
      };
    case 'unknown-group':
      if (r.limit !== undefined) {
        throw new FleetLockError(
          'unknown_group',
          `group "${group}" does not exist and this server already has ${r.limit} groups created on first use (--max-auto-groups); an operator can create it`,
        );
      }
      throw new FleetLockError('unknown_group', `group "${group}" does not exist (this server does not create groups on first use)`);
    case 'paused':
      throw new FleetLockError('group_paused', `group "${group}" is paused by an operator${r.reason ? `: ${r.reason}` : ''}`, 300);
    case 'full':
      throw new FleetLockError('slots_full', `group "${group}": ${describeFull(r.max, r.count, r.holders)}`, 60);
    case 'outside-window': {
      if (r.nextOpening === null) throw new FleetLockError('outside_window', `group "${group}" is outside its reboot window`, 300);
      const wait = Math.max(1, Math.ceil(r.waitMs / 1000));
      throw new FleetLockError(
        'outside_window',
        `group "${group}" is outside its reboot window; the next window opens ${new Date(r.nextOpening).toISOString()} (${localText(r.nextOpening, r.zone)})`,
        wait,
      );
    }
  }
}

async function steadyState(service: RebootService, group: string, id: string): Promise<Record<string, unknown>> {
  const r = await service.steadyState(group, id);
  if (r.kind === 'unknown-group') {
    throw new FleetLockError('unknown_group', `group "${group}" does not exist (this server does not create groups on first use)`);
  }
  return { group, id, released: r.kind === 'released' };
}

/** A failure as FleetLock answers it: its own errors as they are, the rest as the contract classifies them. */
function asFleetLockError(err: unknown, log: Logger, context: Record<string, unknown>): FleetLockError {
  if (err instanceof FleetLockError) return err;
  const f = classify(err);
  logFailure(log, f, context, 'FleetLock request failed');
  if (f.kind === 'outage') return new FleetLockError('store_unavailable', 'the lock store is not answering; try again', f.retryAfter);
  if (f.kind === 'bug') return new FleetLockError('internal', 'internal server error');
  return new FleetLockError('bad_request', f.message, undefined, f.status);
}

export interface FleetLockOptions {
  /** Deadline of one operation's store calls (default 3 s); past it the answer is store_unavailable. */
  deadlineMs?: number;
}

export function fleetlockMiddleware(service: RebootService, log: Logger, opts: FleetLockOptions = {}): Middleware {
  const deadlineMs = opts.deadlineMs ?? STORE_DEADLINE_MS;
  return async (ctx, next) => {
    const op = operationOf(ctx.path);
    if (!op) return next();
    const context: Record<string, unknown> = { op };
    try {
      if (op === 'lookalike') {
        throw new FleetLockError('bad_request', 'no FleetLock endpoint here; use POST <base_url>/v1/pre-reboot or <base_url>/v1/steady-state', undefined, 404);
      }
      if (ctx.method !== 'POST') {
        ctx.set('Allow', 'POST');
        throw new FleetLockError('bad_request', `${op} takes POST, not ${ctx.method}`, undefined, 405);
      }
      const { id, group } = await readClient(ctx);
      Object.assign(context, { group, id });
      const answer = op === 'pre-reboot' ? preReboot(service, group, id) : steadyState(service, group, id);
      ctx.body = await withDeadline(answer, deadlineMs, 'the lock store');
      ctx.status = 200;
    } catch (err) {
      const e = asFleetLockError(err, log, context);
      ctx.status = e.status;
      if (e.retryAfter !== undefined) ctx.set('Retry-After', String(e.retryAfter));
      ctx.body = { kind: e.kind, value: e.message };
    }
  };
}
