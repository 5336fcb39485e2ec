// HTTP for the whole fleet: keep-alive agents shared by every node (a real fleet opens one
// connection per node; one process reuses a bounded pool instead), real-time timeouts, bounded
// answer sizes, and a streaming SHA-256 for payload downloads.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export type HttpAnswer =
  | { kind: 'http'; status: number; body: string; contentType: string }
  | { kind: 'no-answer'; error: string };

export interface DownloadAnswer {
  kind: 'download';
  status: number;
  bytes: number;
  /** Base64 SHA-256 of what was received. */
  sha256: string;
}

export interface HttpClientOptions {
  /** Most sockets per host (the fleet's concurrency). */
  maxSockets: number;
  /** Real milliseconds before a request without an answer is abandoned. */
  timeoutMs: number;
  /** Largest answer body read for API / Omaha / FleetLock calls. */
  maxBodyBytes?: number;
}

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly maxBody: number;

  constructor(private readonly opts: HttpClientOptions) {
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets, scheduling: 'lifo' as const };
    this.httpAgent = new http.Agent(agentOpts);
    this.httpsAgent = new https.Agent(agentOpts);
    this.maxBody = opts.maxBodyBytes ?? 1 << 20;
  }

  /** POSTs `body`; never throws: transport failures come back as `no-answer`. */
  post(url: URL, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (a: HttpAnswer) => {
        if (!done) {
          done = true;
          resolve(a);
        }
      };
      const payload = Buffer.from(body);
      const req = this.request(url, 'POST', { ...headers, 'content-length': String(payload.length) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBody) {
            req.destroy(new Error(`answer larger than ${this.maxBody} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          finish({
            kind: 'http',
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
        res.on('error', (err) => finish({ kind: 'no-answer', error: describe(err) }));
      });
      req.on('error', (err) => finish({ kind: 'no-answer', error: describe(err) }));
      req.end(payload);
    });
  }

  /** GETs a payload, hashing it as it streams in (nothing is kept in memory). */
  download(url: URL, maxBytes: number): Promise<DownloadAnswer | { kind: 'no-answer'; error: string }> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (a: DownloadAnswer | { kind: 'no-answer'; error: string }) => {
        if (!done) {
          done = true;
          resolve(a);
        }
      };
      const req = this.request(url, 'GET', {}, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > maxBytes) {
            // More than announced: update_engine stops and reports a size mismatch.
            finish({ kind: 'download', status: res.statusCode ?? 0, bytes, sha256: '' });
            req.destroy();
            return;
          }
          hash.update(c);
        });
        res.on('end', () => finish({ kind: 'download', status: res.statusCode ?? 0, bytes, sha256: hash.digest('base64') }));
        res.on('error', (err) => finish({ kind: 'no-answer', error: describe(err) }));
      });
      req.on('error', (err) => finish({ kind: 'no-answer', error: describe(err) }));
      req.end();
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private request(
    url: URL,
    method: string,
    headers: Record<string, string>,
    onResponse: (res: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(
      url,
      { method, headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.opts.timeoutMs },
      onResponse,
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)));
    return req;
  }
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code} ${err.message.replace(code, '').trim()}`.trim() : err.message;
}
