// The page's one way to the API: same-origin fetch with the session cookie, the CSRF header on
// every change, and the API's error contract (`{ error: { code, message } }`) as ApiFailure. Every
// answer's server clock (X-Platte-Clock) is noted for the page's times (state/clock.ts).
import { CLOCK_HEADER, noteServerClock } from '../state/clock.ts';

const API = '/api/v1';
export const CSRF_HEADER = 'X-Platte-CSRF';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
let onSignedOut: () => void = () => {};

/** The session's CSRF value (from its answer), sent with every change. */
export function setCsrf(value: string | null): void {
  csrf = value;
}

/** Called when the server says the session is gone (401): the page shows the sign-in again. */
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

export type Query = Record<string, string | number | undefined | null>;

function urlOf(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${API}${path}${qs ? `?${qs}` : ''}`;
}

async function failureOf(res: Response): Promise<ApiFailure> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? 'http_error';
  return new ApiFailure(res.status, code, body?.error?.message ?? `the server answered HTTP ${res.status}`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  /** A 401 is this request's answer (signing in), not the session ending. */
  quiet401?: boolean;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers[CSRF_HEADER] = csrf;
  let res: Response;
  try {
    res = await fetch(urlOf(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, 'offline', 'Platte is not answering; retrying');
  }
  noteServerClock(res.headers.get(CLOCK_HEADER));
  if (res.status === 401 && !opts.quiet401) onSignedOut();
  if (!res.ok) throw await failureOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A path segment (app id, channel, group, machine id) as the API wants it. */
export const seg = (s: string) => encodeURIComponent(s);
