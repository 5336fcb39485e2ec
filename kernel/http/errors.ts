// The one error contract of every HTTP surface. Any layer throws one of these typed errors, and
// classify() decides what the client hears; each surface renders the result in its own shape
// (JSON API: json-errors.ts, FleetLock: coordinator/http/fleetlock.ts, Omaha: server/omaha/route.ts).
// After koa's contract: `status` picks the HTTP status and only exposed messages reach the client.
//
//   thrown                               status  JSON code      FleetLock kind     Omaha   log
//   ApiError (input, auth, not found)    4xx     its code       bad_request        4xx     -
//   BadCursorError                       400     bad_request    bad_request        400     -
//   koa / raw-body 4xx (413, aborted)    4xx     mapped         bad_request        4xx     -
//   StoreUnavailableError (no answer)    503     unavailable    store_unavailable  503     warn
//   StoreContentionError (kept refused)  503     unavailable    store_unavailable  503     warn
//   anything else: a bug, Redis refusing 500     internal       internal           500     error + stack
//
// Outages carry Retry-After (RETRY_AFTER_S). FleetLock's own refusals (FleetLockError) and Omaha's
// input errors are rendered by their surface before this table applies. Classification goes by
// type only, never by an error's message.
import type { Logger } from '../log.ts';
import { BadCursorError } from '../storage/cursor.ts';
import { StoreContentionError, StoreUnavailableError } from '../storage/unavailable.ts';

const ERROR_CODES = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Seconds a client is asked to wait (Retry-After) during an outage. */
export const RETRY_AFTER_S = 5;

export class ApiError extends Error {
  readonly status: number;
  readonly expose: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_CODES[code];
    // `unavailable` tells the client to try again later; its message names no internals.
    this.expose = this.status < 500 || code === 'unavailable';
  }
}

/** What a surface answers for a failure, decided once for all of them. */
export interface Failure {
  /** `request`: the caller's mistake (4xx); `outage`: the store (503); `bug`: ours (500). */
  kind: 'request' | 'outage' | 'bug';
  status: number;
  code: ErrorCode;
  /** Safe to show the client: never internals. */
  message: string;
  details?: unknown;
  /** Seconds for a Retry-After header (outages). */
  retryAfter?: number;
  /** What was thrown, for the log. */
  err: unknown;
}

const INTERNAL_MESSAGE = 'internal server error';
const OUTAGE_MESSAGE = 'the store is not answering; try again shortly';

/** The one classification every surface renders. */
export function classify(err: unknown): Failure {
  if (err instanceof ApiError) {
    const kind = err.status === 503 ? 'outage' : err.status >= 500 ? 'bug' : 'request';
    return {
      kind,
      status: err.status,
      code: err.code,
      message: err.expose ? err.message : INTERNAL_MESSAGE,
      ...(err.details !== undefined ? { details: err.details } : {}),
      ...(kind === 'outage' ? { retryAfter: RETRY_AFTER_S } : {}),
      err,
    };
  }
  if (err instanceof BadCursorError) return { kind: 'request', status: 400, code: 'bad_request', message: err.message, err };
  if (err instanceof StoreUnavailableError || err instanceof StoreContentionError) {
    return { kind: 'outage', status: 503, code: 'unavailable', message: OUTAGE_MESSAGE, retryAfter: RETRY_AFTER_S, err };
  }
  const client = clientHttpError(err);
  if (client) return { ...client, err };
  return { kind: 'bug', status: 500, code: 'internal', message: INTERNAL_MESSAGE, err };
}

/** A 4xx from koa or raw-body (http-errors: `status`, `expose`), as our code and status. */
function clientHttpError(err: unknown): Omit<Failure, 'err'> | null {
  const e = err as { status?: unknown; statusCode?: unknown; expose?: boolean; message?: string; type?: string } | null;
  if (!e || typeof e !== 'object') return null;
  const status = e.status ?? e.statusCode;
  if (status === 413 || e.type === 'entity.too.large') {
    return { kind: 'request', status: 413, code: 'payload_too_large', message: 'request body too large' };
  }
  if (typeof status !== 'number' || status < 400 || status >= 500 || e.expose === false) return null;
  const code = (Object.entries(ERROR_CODES).find(([, s]) => s === status)?.[0] ?? 'bad_request') as ErrorCode;
  return { kind: 'request', status: ERROR_CODES[code], code, message: e.message ?? 'bad request' };
}

/** Logs a failure as the contract says: an outage as a warning, a bug at error level with its stack. */
export function logFailure(log: Logger, f: Failure, context: Record<string, unknown>, what = 'request failed'): void {
  if (f.kind === 'outage') log.warn({ ...context, err: f.err }, `${what}: the store is not answering`);
  else if (f.kind === 'bug') log.error({ ...context, err: f.err }, `${what}: internal error`);
}
