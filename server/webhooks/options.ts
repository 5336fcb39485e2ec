// How deliveries are retried and how long one attempt may take.

export interface DeliveryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** Exponential backoff: retry n waits backoffMs × 2^(n-1). */
  backoffMs: number;
  /** One attempt's deadline (connect, answer and body). */
  timeoutMs: number;
}

/** 8 tries over about four minutes (2, 4, 8 … 128 s apart); 10 s for each. */
export const DEFAULT_DELIVERY: DeliveryOptions = { attempts: 8, backoffMs: 2000, timeoutMs: 10_000 };

/** The job that makes one attempt of one delivery. */
export const DELIVER_JOB = 'webhook.deliver';
