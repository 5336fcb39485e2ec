// etcd's v2 error documents: `{"errorCode", "message", "cause", "index"}`, the only failure shape
// locksmith's client reads. Codes, messages and statuses are etcd's own; `cause` says what Platte
// means, `index` is the group's change counter (0 when there is no group to count).

/** The codes Platte answers, each with etcd's message and HTTP status. */
export const ETCD_ERRORS = {
  /** The key does not exist (another key, a group that does not exist). */
  100: { message: 'Key not found', status: 404 },
  /** prevIndex is not the current index, or the written document is not an allowed change. */
  101: { message: 'Compare failed', status: 412 },
  /** The create (prevExist=false) of a semaphore that exists. */
  105: { message: 'Key already exists', status: 412 },
  /** A write Platte does not do (another key, DELETE or POST of a semaphore). */
  107: { message: 'Root is read only', status: 403 },
  /** No or unknown credentials (401), or a token whose role may not do this (403). */
  110: { message: 'The request requires user authentication', status: 401 },
  /** A PUT without `value`. */
  200: { message: 'Value is Required in POST form', status: 400 },
  /** prevIndex is not a whole number. */
  203: { message: 'The given index in POST form is not a number', status: 400 },
  /** A parameter or value Platte does not take (not a semaphore document, ttl, dir, wait…). */
  209: { message: 'Invalid field', status: 400 },
  /** The form could not be read (too large, not UTF-8, bad escapes). */
  210: { message: 'Invalid POST form', status: 400 },
  /** The store did not answer (503) or a bug (500). */
  300: { message: 'Raft Internal Error', status: 500 },
} as const;

export type EtcdErrorCode = keyof typeof ETCD_ERRORS;

export class EtcdError extends Error {
  readonly status: number;
  constructor(
    readonly errorCode: EtcdErrorCode,
    /** etcd's `cause`: for Platte, what exactly was wrong. */
    readonly detail: string,
    /** The group's change counter, when known. */
    readonly index = 0,
    status?: number,
    /** Seconds for a Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(`${ETCD_ERRORS[errorCode].message} (${detail})`);
    this.status = status ?? ETCD_ERRORS[errorCode].status;
  }
}

/** The body etcd answers with. */
export function errorDocument(e: EtcdError): { errorCode: number; message: string; cause: string; index: number } {
  return { errorCode: e.errorCode, message: ETCD_ERRORS[e.errorCode].message, cause: e.detail, index: e.index };
}

/** etcd's own cause for a stale prevIndex: `[6 != 7]`. */
export function staleIndex(prevIndex: number, index: number): EtcdError {
  return new EtcdError(101, `[${prevIndex} != ${index}]`, index);
}
