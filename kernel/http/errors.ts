// One error type for the whole HTTP surface, after koa's contract: `status` picks the HTTP status,
// `expose` says whether the message may reach the client (otherwise only the status text does and
// the error is logged). Each surface renders it in its own body format (JSON API, Omaha, FleetLock).
// A store that does not answer (StoreUnavailableError) is a 503 `unavailable` that says so.
import { StoreUnavailableError } from '../storage/unavailable.ts';

export const ERROR_CODES = {
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

/** Turns anything thrown into an ApiError (unknown errors become an unexposed 500). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) {
    const unavailable = new ApiError('unavailable', 'the store is not answering; try again shortly');
    (unavailable as { cause?: unknown }).cause = err;
    return unavailable;
  }
  const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new ApiError('payload_too_large', 'request body too large');
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    const code = (Object.entries(ERROR_CODES).find(([, s]) => s === status)?.[0] ?? 'bad_request') as ErrorCode;
    return new ApiError(code, e.message ?? 'bad request');
  }
  const wrapped = new ApiError('internal', 'internal server error');
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}
