// HTTP client used by every `platte` CLI command that talks to a running server.
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

/** Calls the JSON API; throws CliError with the server's error message on a non-2xx answer. */
export async function apiRequest<T = unknown>(
  opts: ClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const url = new URL(path, opts.server.endsWith('/') ? opts.server : `${opts.server}/`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new CliError(`cannot reach Platte at ${opts.server}: ${(err as Error).cause ?? (err as Error).message}`);
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
