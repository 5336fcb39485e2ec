// The few JSON API calls a simulated release manager makes (start a rollout, read it, set a group's
// policy), with an admin token. Plain fetch: these are a handful of calls next to the fleet's
// thousands, so they need none of the fleet's pooling and timing.

/** A non-2xx answer, with Platte's error code and message when the body is its error shape. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class AdminApi {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token: string,
  ) {
    this.base = server.replace(/\/+$/, '');
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) {
      let code = 'http';
      let message = text;
      try {
        const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        code = e?.code ?? code;
        message = e?.message ?? message;
      } catch {
        // not Platte's error shape: keep the body as the message
      }
      throw new AdminApiError(res.status, code, `${method} ${path}: HTTP ${res.status} ${code}: ${message}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  }
}
