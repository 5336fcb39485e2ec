// HTTP client used by every `platte` CLI command that talks to a running server.
import { networkReason } from '../net-reasons.ts';

export interface ClientOptions {
  server: string;
  token?: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The --server URL, which must say http:// or https:// (a bare host:port is refused rather than
 * guessed: behind a TLS proxy the guess would be wrong). A bad one is a usage error (exit 2).
 */
function serverUrl(server: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(server);
  } catch {
    /* reported below */
  }
  // `localhost:8080` parses as a URL of scheme "localhost:", hence the protocol check.
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CliError(`--server / PLATTE_URL must be a URL like http://127.0.0.1:8080 (got "${server}")`, 2);
  }
  return url;
}

/** Where the client says more than the shared wording (kernel/net-reasons.ts). */
const CLIENT_REASONS = new Map([
  ['ECONNREFUSED', 'connection refused (is `platte serve` running there?)'],
  ['ECONNRESET', 'the connection was closed without an answer'],
  ['UND_ERR_SOCKET', 'the connection was closed without an answer'],
]);

/** What a request that got no answer at all means, in words (fetch says only "fetch failed"). */
function unreachable(server: URL, err: unknown): CliError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const detail = typeof cause?.message === 'string' ? cause.message : (err as Error).message;
  const shown = server.href.replace(/\/$/, '');
  // A TLS hello answered in plain HTTP reads as a record of a "wrong version number".
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return new CliError(`could not talk TLS to ${shown}: is the server plain HTTP? try ${shown.replace(/^https:/, 'http:')}`);
  }
  if (code.startsWith('ERR_SSL_') || code.includes('CERT')) return new CliError(`could not talk TLS to ${shown}: ${code}`);
  // fetch refuses a few ports outright (1, 25, 6000…), whatever listens there.
  if (detail === 'bad port') return new CliError(`cannot reach Platte at ${shown}: port ${server.port} is one fetch refuses to use; run Platte on another port`);
  return new CliError(`cannot reach Platte at ${shown}: ${CLIENT_REASONS.get(code) ?? networkReason(code) ?? detail}`);
}

/** Calls the JSON API; throws CliError with the server's error message on a non-2xx answer. */
export async function apiRequest<T = unknown>(
  opts: ClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const base = serverUrl(opts.server);
  const url = new URL(path, base.href.endsWith('/') ? base : `${base.href}/`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw unreachable(base, err);
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    throw new CliError(`${method} ${url.pathname}: HTTP ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } })?.error;
    const msg = e ? `${e.code}: ${e.message}` : text.slice(0, 200);
    throw new CliError(`${method} ${url.pathname} failed (HTTP ${res.status}): ${msg}`);
  }
  return data as T;
}
