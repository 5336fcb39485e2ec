// A plain HTTP client for server-sent event streams in tests: opens the request, reads the stream
// as it comes and parses it into events, so a test can wait for the next event of a type.
import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body when the answer is not a stream (an error). */
  body: string;
  /** Events seen so far, in order. */
  events: SseEvent[];
  /** The next event of `type` not handed out yet; rejects after `timeoutMs`. */
  next(type: string, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  /** Drops the connection from the client side, as a closed browser tab does. */
  destroy(): void;
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const taken = new Set<number>();
      const waiters = new Set<() => void>();
      let buffer = '';
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: '',
        events,
        ended,
        next(type, timeoutMs = 5_000) {
          return new Promise((ok, fail) => {
            const look = () => {
              const i = events.findIndex((e, n) => e.event === type && !taken.has(n));
              if (i < 0) return false;
              taken.add(i);
              waiters.delete(look);
              clearTimeout(timer);
              ok(events[i]!);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(look);
              fail(new Error(`no ${type} event within ${timeoutMs} ms (saw ${events.map((e) => e.event).join(', ') || 'none'})`));
            }, timeoutMs);
            if (!look()) waiters.add(look);
          });
        },
        destroy: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (res.statusCode !== 200) {
          stream.body += chunk;
          return;
        }
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const e = parseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (e) events.push(e);
        }
        for (const w of [...waiters]) w();
      });
      res.on('close', endedResolve);
      if (res.statusCode !== 200) res.on('end', () => resolve(stream));
      else resolve(stream);
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

/** Waits, without a fixed sleep, until `probe()` holds; false after `timeoutMs`. */
export async function until(probe: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
