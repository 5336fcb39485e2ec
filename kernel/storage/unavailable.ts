// A store that does not answer (Redis down, restarting or hung; a call past its deadline) rejects
// with StoreUnavailableError; a step the store keeps refusing (writers keep changing what it depends
// on) rejects with StoreContentionError. Both are outages, not bugs: the error contract
// (kernel/http/errors.ts) answers them 503 on every surface. Redis refusing a command, or a bug,
// stays what it is (a 500).

export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/**
 * The store answered, but a step could not settle: what it depends on kept changing until the
 * retries ran out, or the store's answers disagreed for now. Try again shortly.
 */
export class StoreContentionError extends Error {
  override readonly name = 'StoreContentionError';
}

/** `work`, or StoreUnavailableError when it has not settled after `ms` (the call itself may still complete). */
export function withDeadline<T>(work: Promise<T>, ms: number, what = 'the store'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
