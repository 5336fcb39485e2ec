// The etcd v2 keys endpoint locksmith talks to, under /v2/keys/ on Platte's port and on the
// optional etcd listener (--etcd-listen). It serves exactly locksmith's semaphore keys: GET, the
// create (PUT ?prevExist=false) and compare-and-swap (PUT ?prevIndex=n). Every other key, method or
// parameter gets etcd's error document and writes nothing. Failures are rendered here in etcd's
// shape; nothing reaches the JSON API boundary.
import type { Context, Middleware } from 'koa';
import { classify, logFailure } from '../../kernel/http/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import { withDeadline } from '../../kernel/storage/unavailable.ts';
import type { RebootService } from '../service.ts';
import { callerOf, type Caller, type EtcdAuthMode, type ResolveToken } from './callers.ts';
import { parseSemaphore } from './document.ts';
import { EtcdError, errorDocument } from './errors.ts';
import { isKeysPath, parseKeyPath } from './keys.ts';
import { compareAndSwap, createSemaphore, getSemaphore, unconditionalWrite, type Answer } from './operations.ts';
import { readRequest, type EtcdRequest } from './request.ts';

/** A request whose store calls take longer than this answers 503, as FleetLock does. */
const STORE_DEADLINE_MS = 3_000;
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
/** Parameters of etcd writes Platte does not take. */
const UNSUPPORTED = ['ttl', 'dir', 'refresh', 'prevValue'];

export interface EtcdOptions {
  /** The reboot group the plain key (`…/rebootlock/semaphore`) is a view of. */
  defaultGroup: string;
  /** `required`: every request needs basic auth with a Platte token. */
  auth: EtcdAuthMode;
  resolveToken?: ResolveToken;
  deadlineMs?: number;
}

function reply(ctx: Context, answer: Answer): void {
  ctx.status = answer.status;
  ctx.body = JSON.stringify(answer.body);
  ctx.set('Content-Type', 'application/json');
  ctx.set('X-Etcd-Index', String(answer.index));
}

function replyError(ctx: Context, e: EtcdError): void {
  ctx.status = e.status;
  ctx.body = JSON.stringify(errorDocument(e));
  ctx.set('Content-Type', 'application/json');
  if (e.index > 0) ctx.set('X-Etcd-Index', String(e.index));
  if (e.retryAfter !== undefined) ctx.set('Retry-After', String(e.retryAfter));
}

/** A failure as etcd answers it: its own errors as they are, the rest as the error contract classifies them. */
function asEtcdError(err: unknown, log: Logger, context: Record<string, unknown>): EtcdError {
  if (err instanceof EtcdError) return err;
  const f = classify(err);
  logFailure(log, f, context, 'etcd request failed');
  if (f.kind === 'outage') return new EtcdError(300, 'the lock store is not answering; try again', 0, 503, f.retryAfter);
  if (f.kind === 'bug') return new EtcdError(300, 'internal server error');
  return new EtcdError(209, f.message, 0, f.status);
}

/** A PUT: the create, a compare-and-swap, or refused. The document is checked before anything is written. */
async function put(service: RebootService, req: EtcdRequest, key: string, group: string, caller: Caller): Promise<Answer> {
  const unsupported = UNSUPPORTED.find((p) => req.param(p) !== undefined);
  if (unsupported) throw new EtcdError(209, `${unsupported}: not supported here (Platte serves locksmith's semaphore: prevExist=false or prevIndex)`);
  const value = req.param('value');
  if (value === undefined) throw new EtcdError(200, 'value');
  const written = parseSemaphore(value);
  const prevExist = req.param('prevExist');
  if (prevExist !== undefined && prevExist !== 'true' && prevExist !== 'false') {
    throw new EtcdError(209, `prevExist must be true or false, not ${JSON.stringify(prevExist)}`);
  }
  const rawIndex = req.param('prevIndex');
  if (rawIndex !== undefined && !/^\d{1,15}$/.test(rawIndex)) throw new EtcdError(203, `prevIndex ${JSON.stringify(rawIndex)}`);
  // As etcd: prevIndex=0 compares nothing.
  const prevIndex = rawIndex === undefined ? 0 : Number(rawIndex);
  if (prevExist === 'false') {
    if (prevIndex !== 0) throw new EtcdError(209, 'prevExist=false and prevIndex together');
    return createSemaphore(service, key, group);
  }
  if (prevIndex === 0) return unconditionalWrite(service, key, group);
  return compareAndSwap(service, key, group, prevIndex, written, caller);
}

async function handle(ctx: Context, service: RebootService, opts: EtcdOptions): Promise<Answer> {
  const timed = <T>(work: Promise<T>) => withDeadline(work, opts.deadlineMs ?? STORE_DEADLINE_MS, 'the lock store');
  if (!METHODS.includes(ctx.method)) {
    ctx.set('Allow', 'GET, HEAD, PUT');
    throw new EtcdError(209, `method ${ctx.method}: this endpoint answers GET, HEAD and PUT`, 0, 405);
  }
  const caller = await timed(callerOf(ctx.get('authorization'), opts.resolveToken, opts.auth));
  if (caller.kind === 'token') ctx.state.principal = { name: caller.name, role: caller.role };
  const target = parseKeyPath(ctx.path, opts.defaultGroup);
  const read = ctx.method === 'GET' || ctx.method === 'HEAD';
  if (target.kind === 'bad') throw new EtcdError(209, `${target.key}: ${target.problem}`);
  if (target.kind === 'other') {
    if (read) throw new EtcdError(100, target.key);
    throw new EtcdError(107, `${target.key}: Platte keeps only locksmith's semaphore keys (coreos.com/updateengine/rebootlock/…)`);
  }
  if (ctx.method === 'POST' || ctx.method === 'DELETE') {
    throw new EtcdError(107, `${target.key}: ${ctx.method} is not served; locksmith changes its semaphore with PUT ?prevIndex=n`);
  }
  const req = await readRequest(ctx);
  if (read) {
    if (req.param('wait') === 'true') throw new EtcdError(209, 'wait: Platte answers no watches');
    return timed(getSemaphore(service, target.key, target.group));
  }
  return timed(put(service, req, target.key, target.group, caller));
}

/** Koa middleware: answers every path under /v2/keys; other paths go on to `next`. */
export function etcdMiddleware(service: RebootService, log: Logger, opts: EtcdOptions): Middleware {
  return async (ctx, next) => {
    if (!isKeysPath(ctx.path)) return next();
    try {
      reply(ctx, await handle(ctx, service, opts));
    } catch (err) {
      replyError(ctx, asEtcdError(err, log, { surface: 'etcd', method: ctx.method, path: ctx.path }));
    }
  };
}

/** For the etcd listener, where every path is etcd's: anything outside /v2/keys is a key not found. */
export function etcdNotFound(): Middleware {
  return async (ctx) => {
    replyError(ctx, new EtcdError(100, `${ctx.path}: this endpoint serves only /v2/keys/coreos.com/updateengine/rebootlock/…`));
  };
}
