// How a fleet's nodes reach the server: each NodeAction becomes an Omaha POST, a FleetLock call or
// a payload download, timed into FleetStats. Watches the answers too: a server that stops answering,
// or answers like something other than Platte, ends the run with a ServerProblem.
import { performance } from 'node:perf_hooks';
import { buildRequest, type NodeIdentity } from '../protocol/omaha/client-request.ts';
import { ErrorCode } from '../protocol/omaha/error-codes.ts';
import { HttpClient, type HttpAnswer } from './http.ts';
import type { ActionResult, NodeAction } from './node-types.ts';
import type { Endpoint, FleetStats } from './stats.ts';

/** The server is unreachable or is not an Omaha / FleetLock server: stop the run. */
export class ServerProblem extends Error {}

/** Consecutive requests without any answer, or with a garbage answer, that abort the run. */
const ABORT_AFTER = 200;

export interface TransportOptions {
  /** Omaha and FleetLock base URL, e.g. http://127.0.0.1:8080. */
  server: string;
  /** FleetLock base URL when it differs from `server`. */
  fleetlock?: string;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Real milliseconds before a request is given up. */
  timeoutMs: number;
  stats: FleetStats;
  /** Called once the server looks lost or foreign (ABORT_AFTER bad answers in a row). */
  onProblem(err: ServerProblem): void;
}

/** What a node sends as: its Omaha identity plus its FleetLock group. */
export type Sender = NodeIdentity & { group: string };

export class FleetTransport {
  private readonly http: HttpClient;
  private readonly omahaUrl: URL;
  private readonly preRebootUrl: URL;
  private readonly steadyStateUrl: URL;
  private noAnswerInRow = 0;
  private garbageInRow = 0;

  constructor(private readonly opts: TransportOptions) {
    this.http = new HttpClient({ maxSockets: opts.concurrency, timeoutMs: opts.timeoutMs });
    const base = opts.server.endsWith('/') ? opts.server : `${opts.server}/`;
    const lockBase = opts.fleetlock ? (opts.fleetlock.endsWith('/') ? opts.fleetlock : `${opts.fleetlock}/`) : base;
    this.omahaUrl = new URL('v1/update/', base);
    this.preRebootUrl = new URL('v1/pre-reboot', lockBase);
    this.steadyStateUrl = new URL('v1/steady-state', lockBase);
  }

  /** Closes the HTTP agents. */
  close(): void {
    this.http.close();
  }

  async perform(node: Sender, action: NodeAction): Promise<ActionResult> {
    if (action.kind === 'omaha') {
      const endpoint: Endpoint = `omaha:${action.body.kind}`;
      const answer = await this.timed(endpoint, () =>
        this.http.post(this.omahaUrl, buildRequest(node, action.body), { 'content-type': 'text/xml' }),
      );
      this.watchOmaha(answer);
      return answer.kind === 'http' ? { kind: 'http', status: answer.status, body: answer.body } : answer;
    }
    if (action.kind === 'fleetlock') {
      const url = action.op === 'pre-reboot' ? this.preRebootUrl : this.steadyStateUrl;
      const body = JSON.stringify({ client_params: { id: node.machineId, group: node.group } });
      const answer = await this.timed(`fleetlock:${action.op}`, () =>
        this.http.post(url, body, { 'content-type': 'application/json', 'fleet-lock-protocol': 'true' }),
      );
      this.watchFleetLock(answer);
      return answer.kind === 'http' ? { kind: 'http', status: answer.status, body: answer.body } : answer;
    }
    const started = performance.now();
    const got = await this.http.download(new URL(action.url), action.size);
    this.opts.stats.request('download', got.kind === 'download' ? got.status : null, (performance.now() - started) * 1000);
    if (got.kind !== 'download' || got.status !== 200) return { kind: 'download', code: ErrorCode.DownloadTransferError };
    if (got.bytes !== action.size) return { kind: 'download', code: ErrorCode.PayloadSizeMismatchError };
    if (got.sha256 !== action.sha256) return { kind: 'download', code: ErrorCode.PayloadHashMismatchError };
    return { kind: 'download', code: 0 };
  }

  private async timed(endpoint: Endpoint, send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const started = performance.now();
    const answer = await send();
    this.opts.stats.request(endpoint, answer.kind === 'http' ? answer.status : null, (performance.now() - started) * 1000);
    return answer;
  }

  private watchOmaha(answer: HttpAnswer): void {
    if (answer.kind !== 'http') return this.noAnswer(answer.error);
    this.noAnswerInRow = 0;
    const looksLikeOmaha = answer.status < 500 && /<response[\s>]/.test(answer.body.slice(0, 512));
    if (looksLikeOmaha || answer.status >= 500) {
      this.garbageInRow = 0;
      return;
    }
    this.garbage(`POST ${this.omahaUrl.pathname} answered HTTP ${answer.status} ${describeBody(answer)}`);
  }

  private watchFleetLock(answer: HttpAnswer): void {
    if (answer.kind !== 'http') return this.noAnswer(answer.error);
    this.noAnswerInRow = 0;
    if (answer.status === 200) {
      this.garbageInRow = 0;
      return;
    }
    let kind = '';
    try {
      const parsed = JSON.parse(answer.body) as { kind?: unknown };
      if (typeof parsed.kind === 'string') kind = parsed.kind;
    } catch {
      // not JSON: counted as garbage below
    }
    if (kind) {
      this.garbageInRow = 0;
      this.opts.stats.lockRefused(kind);
      return;
    }
    this.opts.stats.lockRefused(`HTTP ${answer.status}`);
    if (answer.status === 404 || answer.status === 405 || answer.status < 400) {
      this.garbage(`FleetLock answered HTTP ${answer.status} ${describeBody(answer)}`);
    }
  }

  private noAnswer(error: string): void {
    if (++this.noAnswerInRow >= ABORT_AFTER) {
      this.opts.onProblem(new ServerProblem(`lost Platte at ${this.opts.server}: ${ABORT_AFTER} requests in a row got no answer (last: ${error})`));
    }
  }

  private garbage(what: string): void {
    if (++this.garbageInRow >= ABORT_AFTER) {
      this.opts.onProblem(new ServerProblem(`${this.opts.server} does not answer like Platte: ${what}`));
    }
  }
}

function describeBody(a: { body: string; contentType: string }): string {
  const text = a.body.replace(/\s+/g, ' ').trim().slice(0, 80);
  return text ? `(${a.contentType || 'no content type'}: "${text}")` : '(empty body)';
}
