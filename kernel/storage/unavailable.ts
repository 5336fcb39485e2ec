// A store that does not answer (Redis down, restarting or hung; a call past its deadline) rejects
// with StoreUnavailableError, one type every surface maps to 503: the JSON API `unavailable`,
// Omaha and FleetLock their own 503. Redis refusing a command, or a bug, stays what it is (a 500).

export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
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
